"""The work behind ``replay_cmd``'s commands: imported when one runs."""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import functools
import multiprocessing
import os
import secrets
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dms.bus import load_master
from dms.cli.cabin_args import cabin_from
from dms.cli.settings_args import user_settings
from dms.cli.sim_args import simulator_options
from dms.errors import ConfigError, ScenarioError
from dms.scenario.loader import load_scenario
from dms.scenario.model import Scenario
from dms.scenario.report import write_report
from dms.scenario.runner import Replay, ReplayResult, run_scenario
from dms.scenario.support import WITHOUT_RAISE, SupportVerdict, judge
from dms.settings import Assignment
from dms.vehicle.simulators import SimulatorOptions

__all__ = ["replay"]

DEFAULT_REPORTS = Path("out")


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _Common:
    """What every scenario of one ``dms replay`` runs with."""

    simulator: str | None
    bus: str | None
    master: bytes | None
    persist_freshness: bool
    settings: tuple[Assignment, ...]
    options: SimulatorOptions
    realtime: bool
    plot: bool
    support: bool = False  # judge forward / lane support and the emergency function


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class _Job:
    scenario: Scenario
    report_dir: Path
    log: Path | None


def replay(args: argparse.Namespace) -> int:
    scenarios = [  # all valid before any runs
        dataclasses.replace(scenario, cabin=cabin_from(args, scenario.cabin))
        for scenario in _load_all(args.scenarios)
    ]
    jobs = _jobs(args, scenarios)
    common = _Common(
        simulator=args.sim,
        bus=args.bus,
        master=_signing_key(args),
        persist_freshness=args.bus_key,
        settings=tuple(user_settings(args)),
        options=simulator_options(args),
        realtime=args.realtime,
        plot=not args.no_plot,
        support=args.support,
    )
    workers = _workers(args, len(jobs))
    if args.hud:
        results = [_with_hud(job, common, args) for job in jobs]
    elif workers == 1:
        results = [_run(job, common, progress=True) for job in jobs]
    else:
        results = _in_parallel(jobs, common, workers)
    if len(jobs) > 1:
        _print_summary(results)
    if args.junit is not None:
        _write_junit(args.junit, results)
    return 1 if any(not result.passed for result in results) else 0


def _signing_key(args: argparse.Namespace) -> bytes | None:
    master = load_master(args.key_file)
    if args.bus_key and master is None:
        raise ConfigError("--bus-key needs a key: --key-file FILE or $DMS_BUS_KEY")
    if master is not None and not args.bus_key:
        master = secrets.token_bytes(32)  # this run's own: its logs hold no live frames
        print("replay: frames signed with a one-off key (--bus-key: the bus key)", file=sys.stderr)
    return master


def _workers(args: argparse.Namespace, jobs: int) -> int:
    wanted = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    workers = max(1, min(wanted, jobs))
    if workers > 1 and (args.hud or args.realtime or args.bus):
        raise ConfigError("--jobs runs scenarios side by side: not with --hud, --realtime or --bus")
    return workers


def _jobs(args: argparse.Namespace, scenarios: Sequence[Scenario]) -> list[_Job]:
    dirs = _report_dirs(args.report, [s.path for s in scenarios])
    several = len(scenarios) > 1
    jobs = []
    for scenario, report_dir in zip(scenarios, dirs, strict=True):
        log = args.log
        if log is not None and several:
            log = log.with_name(f"{log.stem}-{'-'.join(report_dir.parts[-2:])}{log.suffix}")
        jobs.append(_Job(scenario=scenario, report_dir=report_dir, log=log))
    return jobs


def _report_dirs(base: Path | None, paths: Sequence[Path]) -> list[Path]:
    """A report folder per scenario: ``BASE/STEM`` (one scenario: ``BASE`` itself), and
    where two files share a stem, their paths below the folder they share, so that no
    report overwrites another."""
    if base is not None and len(paths) == 1:
        return [base]
    root = base if base is not None else DEFAULT_REPORTS
    stems = [path.stem for path in paths]
    if len(set(stems)) == len(stems):
        return [root / stem for stem in stems]
    resolved = [path.resolve() for path in paths]
    shared = Path(os.path.commonpath([path.parent for path in resolved]))
    return [root / path.relative_to(shared).with_suffix("") for path in resolved]


def _replay_options(job: _Job, common: _Common) -> dict[str, Any]:
    """What :class:`Replay` and :func:`run_scenario` take for ``job``, beyond the scenario."""
    return {
        "simulator": common.simulator,
        "bus_spec": common.bus,
        "log_path": job.log,
        "master": common.master,
        "persist_freshness": common.persist_freshness,
        "settings": common.settings,
        "options": common.options,
    }


def _run(job: _Job, common: _Common, *, progress: bool = False) -> ReplayResult:
    result = run_scenario(
        job.scenario,
        realtime=common.realtime,
        progress=_progress(job.scenario) if progress else None,
        **_replay_options(job, common),
    )
    if common.support:
        result.support = _support(job, common, result)
    report = write_report(result, job.report_dir, plot=common.plot)
    if progress:
        _print_result(result, report)
    return result


def _support(job: _Job, common: _Common, raised: ReplayResult) -> list[SupportVerdict]:
    """The verdicts: ``raised`` against the same drive without the sensitivity raise."""
    options = _replay_options(job, common) | {
        "log_path": None,
        "settings": (*common.settings, *WITHOUT_RAISE),
    }
    baseline = run_scenario(job.scenario, **options)
    has_target = job.scenario.vehicle.target is not None
    return judge(raised.events, baseline.events, has_target=has_target)


def _run_quietly(job: _Job, common: _Common) -> ReplayResult:
    """One scenario in a worker process, without its plot samples (they stay in the
    report): the parent needs the verdicts, not the timeline."""
    result = _run(job, common)
    result.samples = []
    return result


def _in_parallel(jobs: list[_Job], common: _Common, workers: int) -> list[ReplayResult]:
    """The results in the jobs' order; each printed as it finishes."""
    context = multiprocessing.get_context("spawn")  # no threads or buses shared by fork
    done: dict[int, ReplayResult] = {}
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = {pool.submit(_run_quietly, job, common): i for i, job in enumerate(jobs)}
        for future in concurrent.futures.as_completed(futures):
            i = futures[future]
            done[i] = future.result()
            _print_result(done[i], jobs[i].report_dir / "report.json")
    return [done[i] for i in range(len(jobs))]


def _with_hud(job: _Job, common: _Common, args: argparse.Namespace) -> ReplayResult:
    from dms.cli.hud_runner import show_replay

    make = functools.partial(Replay, job.scenario, **_replay_options(job, common))
    result = show_replay(make, args, job.report_dir)
    _print_result(result, write_report(result, job.report_dir, plot=common.plot))
    return result


def _load_all(paths: list[Path]) -> list[Scenario]:
    """Every scenario, or one error that lists the problems of all the files."""
    scenarios, problems = [], []
    for path in paths:
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as exc:
            problems.append(str(exc))
    if problems:
        raise ScenarioError("\n".join(problems))
    return scenarios


def _progress(scenario: Scenario) -> Callable[[float], None] | None:
    """A one-line progress bar on a terminal, for runs long enough to want one."""
    if scenario.duration_s < 120 or not sys.stderr.isatty():
        return None

    def show(t_s: float) -> None:
        done = t_s / scenario.duration_s
        bar = "#" * int(30 * done)
        sys.stderr.write(f"\r{scenario.path.name}: [{bar:<30}] {100 * done:3.0f}%")
        if t_s + 1.5 * scenario.duration_s / 100 >= scenario.duration_s:
            sys.stderr.write("\r" + " " * 60 + "\r")
        sys.stderr.flush()

    return show


def _print_result(result: ReplayResult, report: Path) -> None:
    s = result.scenario
    verdict = "pass" if result.passed else "FAIL"
    print(
        f"{verdict}  {s.path} ({result.simulator}): {s.duration_s:g} s in {result.wall_s:.2f} s "
        f"({result.speedup:.0f}x real time), {len(result.events)} events"
    )
    for check in result.expectations:
        mark = "ok  " if check.passed else "FAIL"
        where = "" if check.passed else f"{s.path}:{check.expectation.line}: "
        print(f"      {mark} {where}{check.text}  [{check.explain()}]")
    print(f"      metrics: {result.metrics.summary()}")
    for judged in result.support:
        print(f"      {judged}")
    print(f"      report: {report}", flush=True)


def _print_summary(results: Sequence[ReplayResult]) -> None:
    rows = [("file", "result", "speed-up", "failed expectations")]
    for result in results:
        failed = [
            f"line {c.expectation.line}: {c.text}" for c in result.expectations if not c.passed
        ]
        rows.append(
            (
                str(result.scenario.path),
                "pass" if result.passed else "FAIL",
                f"{result.speedup:.0f}x",
                "; ".join(failed) or "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print()
    for row in rows:
        print("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[3]]))
    passed = sum(result.passed for result in results)
    print(f"{passed} of {len(results)} scenarios passed")


def _write_junit(path: Path, results: Sequence[ReplayResult]) -> None:
    """A JUnit XML report, as CI systems read test results: a test case per scenario, a
    failure per failed expectation."""
    failures = sum(not result.passed for result in results)
    root = ET.Element("testsuites")
    suite = ET.SubElement(
        root,
        "testsuite",
        name="dms replay",
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        time=f"{sum(r.wall_s for r in results):.3f}",
    )
    for result in results:
        scenario = result.scenario
        case = ET.SubElement(
            suite,
            "testcase",
            classname="dms.replay",
            name=str(scenario.path),
            time=f"{result.wall_s:.3f}",
        )
        failed = [c for c in result.expectations if not c.passed]
        if failed:
            failure = ET.SubElement(
                case, "failure", message=f"{len(failed)} of {len(result.expectations)} failed"
            )
            failure.text = "\n".join(
                f"{scenario.path}:{c.expectation.line}: {c.text} [{c.explain()}]" for c in failed
            )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc}") from exc
