"""The work behind ``replay_cmd``'s commands: imported when one runs."""

from __future__ import annotations

import argparse
import dataclasses
import functools
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

from dms.bus import load_master
from dms.cli.cabin_args import cabin_from
from dms.cli.hud_runner import show_replay
from dms.cli.settings_args import user_settings
from dms.cli.sim_args import simulator_options
from dms.errors import ConfigError, ScenarioError
from dms.scenario.loader import load_scenario
from dms.scenario.model import Scenario
from dms.scenario.report import write_report
from dms.scenario.runner import Replay, ReplayResult, run_scenario

__all__ = ["replay"]

DEFAULT_REPORTS = Path("out")


def replay(args: argparse.Namespace) -> int:
    scenarios = [  # all valid before any runs
        dataclasses.replace(scenario, cabin=cabin_from(args, scenario.cabin))
        for scenario in _load_all(args.scenarios)
    ]
    settings = user_settings(args)
    master = load_master(args.key_file)
    if args.bus_key and master is None:
        raise ConfigError("--bus-key needs a key: --key-file FILE or $DMS_BUS_KEY")
    if master is not None and not args.bus_key:
        master = secrets.token_bytes(32)  # this run's own: its logs hold no live frames
        print("replay: frames signed with a one-off key (--bus-key: the bus key)", file=sys.stderr)
    options = simulator_options(args)
    several = len(scenarios) > 1
    failed = 0
    for scenario in scenarios:
        stem = scenario.path.stem
        report_dir = _report_dir(args.report, stem, several)
        log = (
            args.log.with_name(f"{args.log.stem}-{stem}{args.log.suffix}")
            if args.log and several
            else args.log
        )
        if args.hud:
            make = functools.partial(
                Replay,
                scenario,
                simulator=args.sim,
                bus_spec=args.bus,
                log_path=log,
                master=master,
                persist_freshness=args.bus_key,
                settings=settings,
                options=options,
            )
            result = show_replay(make, args, report_dir)
        else:
            result = run_scenario(
                scenario,
                simulator=args.sim,
                bus_spec=args.bus,
                log_path=log,
                master=master,
                persist_freshness=args.bus_key,
                settings=settings,
                realtime=args.realtime,
                progress=_progress(scenario),
                options=options,
            )
        report = write_report(result, report_dir, plot=not args.no_plot)
        _print_result(result, report)
        failed += not result.passed
    if several:
        print(f"{len(scenarios) - failed} of {len(scenarios)} scenarios passed")
    return 1 if failed else 0


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


def _report_dir(base: Path | None, stem: str, several: bool) -> Path:
    if base is None:
        return DEFAULT_REPORTS / stem
    return base / stem if several else base


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
    print(f"      report: {report}")
