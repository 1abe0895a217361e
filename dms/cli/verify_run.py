"""The work behind ``dms verify``: imported when it runs."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from dms import __version__
from dms.cli.settings_args import user_settings
from dms.cli.verify_cmd import PROTOCOLS
from dms.errors import ConfigError
from dms.settings import Assignment
from dms.sweep.engine import progress, worker_count
from dms.sweep.population import Population
from dms.verify.general import (
    GeneralResult,
    general_answers,
    general_drives,
    general_results,
    run_general,
)
from dms.verify.judge import RunVerdict
from dms.verify.matrix import (
    CELLS,
    GENERAL_REQUIREMENTS,
    NOISE_VARIABLES,
    Cell,
    Table,
    total_points,
)
from dms.verify.noise import NoiseResult, noise_cases, noise_results, split_probes
from dms.verify.report import save_plots, write_report
from dms.verify.run import DEFAULT_POPULATION, plan_cases, run_cases
from dms.verify.scorecard import CellStatus, Scorecard, cell_verdicts, score
from dms.verify.workbook import FUNCTIONAL, NOT_FUNCTIONAL

__all__ = ["verify"]

SCORECARD = "scorecard.json"
EURONCAP = PROTOCOLS[0]


def verify(args: argparse.Namespace) -> int:
    recorded = _recorded(args) if args.reproduce is not None else None
    if args.drivers < 1 or args.seeds < 1:
        raise ConfigError("--drivers and --seeds are at least 1")
    settings = recorded["settings"] if recorded is not None else user_settings(args)
    seeds = list(range(1, args.seeds + 1))
    out = args.out or Path("out") / "verify" / args.protocol
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot write to {out}: {exc}") from exc
    if args.protocol != EURONCAP:
        from dms.cli.verify_pack import compare_lines, verify_pack

        document = verify_pack(args, settings, out, seeds)
        if recorded is None:
            return 0
        return _reproduced(compare_lines(recorded["card"], document), "every line as recorded")
    return _verify_matrix(args, settings, out, seeds, recorded)


def _verify_matrix(
    args: argparse.Namespace,
    settings: list[Assignment],
    out: Path,
    seeds: list[int],
    recorded: dict[str, Any] | None,
) -> int:
    cells = _chosen(args.only)
    population = dataclasses.replace(DEFAULT_POPULATION, drivers=args.drivers)
    cases = plan_cases(population, seeds, cells=cells)
    print(
        f"verify {args.protocol}: {len(cells)} cells, {len(cases)} drives "
        f"({args.drivers} drivers x {args.seeds} seeds)",
        file=sys.stderr,
    )
    probes = noise_cases(population) if not args.only else []  # a full matrix only
    cases += probes
    started = time.monotonic()
    runs: list[RunVerdict] = []
    workers = worker_count(len(cases), args.jobs)
    plots = not args.no_plots
    for run in run_cases(
        cases,
        settings,
        workers=workers,
        engine=args.engine,
        address=args.address,
        plot=lambda _: plots,
    ):
        runs.append(run)
        progress(len(runs), len(cases), started, "drives")
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    matrix_runs, probe_runs = split_probes(runs, probes)
    measured = noise_results(probes, probe_runs) if probes else []
    general = _general(args, population, settings, workers) if not args.only else []
    card = score(cell_verdicts(matrix_runs, cells))  # the probes are not the matrix's drives
    elapsed = time.monotonic() - started
    evidence = {
        "protocol": args.protocol,
        "dms_version": __version__,
        "drivers": args.drivers,
        "seeds": seeds,
        "population_seed": population.seed,
        "settings": [[key, value, where] for key, value, where in settings],
        "only": args.only or [],
        "wall_s": round(elapsed, 1),
        "noise_variables": {
            r.element: {"functional": r.functional, "reason": r.reason} for r in measured
        },
        "general_requirements": {
            g.requirement: {"result": g.answer, "reason": g.reason} for g in general
        },
    }
    path = out / SCORECARD
    path.write_text(json.dumps({**evidence, **card.as_dict()}, indent=1), encoding="utf-8")
    _print(card, elapsed, len(cases))
    for result in measured:
        performance = FUNCTIONAL if result.functional else NOT_FUNCTIONAL
        print(f"  noise variable {result.element}: {performance} ({result.reason})")
    for tested in general:
        print(f"  general requirement {tested.answer}: {tested.requirement} ({tested.reason})")
    status = 0
    if not args.no_official:
        official = _official(
            args,
            card,
            measured=measured,
            general=general,
            population=population,
            settings=settings,
            workers=workers,
            out=out,
        )
        if official is not None:
            evidence["official"] = official
            status = 1 if official.get("disagree") else 0
            document = {**evidence, **card.as_dict()}
            path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    print(f"scorecard: {path}")
    save_plots(out, runs)
    report = write_report(
        out,
        card,
        evidence=evidence,
        noise=_noise_rows(measured, _declared(args.noise, "--noise")),
        general=_general_rows(general, _declared(args.general, "--general")),
    )
    print(f"report: {report}")
    if recorded is not None:
        status = max(status, _compare(recorded["card"], json.loads(path.read_text())))
    return status


def _noise_rows(
    measured: list[NoiseResult], declared: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(noise variable, performance, how it is known) for the report."""
    tested = {result.element: result for result in measured}
    rows = []
    for variable in NOISE_VARIABLES:
        name = variable.element or variable.category
        gate = " (a mandatory gate)" if variable.mandatory else ""
        if name in tested:
            result = tested[name]
            state = FUNCTIONAL if result.functional else NOT_FUNCTIONAL
            rows.append((name + gate, state, f"measured: {result.reason}"))
        elif name in declared:
            rows.append((name + gate, declared[name], "declared by the user (--noise)"))
        else:
            rows.append((name + gate, "not assessed", "not tested by dms; not declared"))
    return rows


def _general(
    args: argparse.Namespace, population: Population, settings: list[Assignment], workers: int
) -> list[GeneralResult]:
    """The general requirements dms can test, driven for every driver."""
    drives = general_drives(population)
    started, done = time.monotonic(), []
    for result in run_general(
        drives, settings, workers=workers, engine=args.engine, address=args.address
    ):
        done.append(result)
        progress(len(done), len(drives), started, "general-requirement drives")
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    return general_results(done)


def _general_rows(
    measured: list[GeneralResult], declared: dict[str, str]
) -> list[tuple[str, str, str]]:
    """(general requirement, result, how it is known) for the report."""
    tested = {result.requirement: result for result in measured}
    rows = []
    for text in GENERAL_REQUIREMENTS:
        answer = declared.get(text, declared.get("all"))
        if text in tested:
            rows.append((text, tested[text].answer, f"measured: {tested[text].reason}"))
        elif answer is None:
            rows.append((text, "not assessed", "not tested by dms; not declared"))
        else:
            rows.append((text, answer, "declared by the user (--general)"))
    return rows


def _recorded(args: argparse.Namespace) -> dict[str, Any]:
    """Set ``args`` to what a scorecard records, to run the same matrix again."""
    source: Path = args.reproduce
    try:
        card = json.loads(source.read_text(encoding="utf-8"))
        args.protocol, args.drivers = card["protocol"], int(card["drivers"])
        args.seeds, args.only = len(card["seeds"]), card["only"] or None
        settings = [(key, value, f"{source} (recorded)") for key, value, _ in card["settings"]]
        official = card.get("official") or {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{source}: not a dms verify scorecard ({exc})") from exc
    args.noise = [f"{k}={v}" for k, v in official.get("declared_noise", {}).items()]
    args.general = [f"{k}={v}" for k, v in official.get("declared_general", {}).items()]
    args.sample_seed = official.get("sample_seed", args.sample_seed)
    args.no_official = args.no_official or not official
    if card.get("dms_version") != __version__:
        print(f"note: {source} was made by dms {card.get('dms_version')}, this is {__version__}")
    if args.out is None:
        args.out = source.parent / "reproduced"
    return {"card": card, "settings": settings}


def _compare(before: dict[str, Any], now: dict[str, Any]) -> int:
    """0 when the run gave what the scorecard records, cell by cell and in points."""
    was = {cell["cell"]: cell["status"] for cell in before["cells"]}
    differences = [
        f"{cell['cell']}: {was.get(cell['cell'])} then, {cell['status']} now"
        for cell in now["cells"]
        if was.get(cell["cell"]) != cell["status"]
    ]
    points = (before["driver_monitoring"]["points"], now["driver_monitoring"]["points"])
    if points[0] != points[1]:
        differences.append(f"points: {points[0]} then, {points[1]} now")
    then_official = (before.get("official") or {}).get("points")
    now_official = (now.get("official") or {}).get("points")
    if then_official != now_official:
        differences.append(f"official points: {then_official} then, {now_official} now")
    return _reproduced(differences, f"every cell and the points ({points[1]}) as recorded")


def _reproduced(differences: list[str], same: str) -> int:
    if differences:
        print("NOT reproduced:\n  " + "\n  ".join(differences))
        return 1
    print(f"reproduced: {same}")
    return 0


def _declared(pairs: list[str], option: str) -> dict[str, str]:
    declared = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ConfigError(f"{option} {pair!r}: give it as NAME=VALUE")
        declared[key.strip()] = value.strip()
    return declared


def _official(
    args: argparse.Namespace,
    card: Scorecard,
    *,
    measured: list[NoiseResult],
    general: list[GeneralResult],
    population: Population,
    settings: list[Assignment],
    workers: int,
    out: Path,
) -> dict[str, object] | None:
    """The calculator's flow when it is installed (a word when it is not)."""
    from dms.verify.template import calculator_version, template_path

    declared = _declared(args.noise, "--noise")
    noise = dict(declared)
    for tested in measured:
        if tested.element in declared:
            raise ConfigError(f"--noise {tested.element}: dms tests it; it is not to be declared")
        noise[tested.element] = FUNCTIONAL if tested.functional else NOT_FUNCTIONAL
    declared_general = _declared(args.general, "--general")
    answers = general_answers(general, declared_general)
    known = {nv.element or nv.category for nv in NOISE_VARIABLES}
    for element, performance in declared.items():
        if element not in known:
            raise ConfigError(f"--noise {element!r}: not a noise variable; one of {sorted(known)}")
        if performance not in (FUNCTIONAL, NOT_FUNCTIONAL):
            raise ConfigError(f"--noise {element}: {FUNCTIONAL!r} or {NOT_FUNCTIONAL!r}")
    try:
        template_path()
    except ConfigError as missing:
        print(f"official calculator: not run ({missing})")
        return None
    from dms.verify.official import run_official

    result = run_official(
        card.cells,
        out,
        population=population,
        settings=settings,
        noise=noise,
        general=answers,
        seed=args.sample_seed,
        workers=workers,
        engine=args.engine,
        address=args.address,
    )
    version = calculator_version()
    shown = "not assessed" if result.official is None else f"{result.official:.2f} / 25"
    mine = "not assessed" if result.ours is None else f"{result.ours:.2f} / 25"
    print(f"official calculator (euroncap-rating-2026 {version}): {shown}; ours: {mine}")
    print(f"  verification sample: {result.sample} tests drawn, {len(result.failed)} failed")
    for note in result.notes:
        print(f"  {note}")
    disagree = result.ours != result.official
    if disagree:
        print(f"ERROR: our score ({mine}) and the calculator's ({shown}) differ")
    print(f"workbook: {result.workbook}")
    return {
        "calculator_version": version,
        "points": result.official,
        "ours": result.ours,
        "sample_seed": args.sample_seed,
        "sample": result.sample,
        "failed": list(result.failed),
        "declared_noise": declared,
        "declared_general": declared_general,
        "notes": list(result.notes),
        "disagree": disagree,
        "workbook": str(result.workbook),
    }


def _chosen(only: list[str] | None) -> list[Cell]:
    if not only:
        return list(CELLS)
    chosen = [
        cell
        for cell in CELLS
        if any(text.lower() in cell.name.lower() or text.upper() == cell.ref for text in only)
    ]
    if not chosen:
        raise ConfigError(f"--only {' '.join(only)}: no cell's name or reference contains it")
    return chosen


def _print(card: Scorecard, elapsed_s: float, drives: int) -> None:
    counts = dict.fromkeys(CellStatus, 0)
    for verdict in card.cells:
        counts[verdict.status] += 1
    print(
        f"Euro NCAP 2026 Driver Monitoring: {len(card.cells)} cells, "
        + ", ".join(f"{n} {status.value}" for status, n in counts.items())
        + f"; {drives} drives in {elapsed_s:.0f} s"
    )
    for table in Table:
        of_table = [v for v in card.cells if v.cell.row.table is table]
        if not of_table:
            continue
        top = total_points(table)
        print(f"  {table.value:20s} {card.table_points[table]:5.2f} / {top:.2f} points")
        for verdict in of_table:
            if verdict.status is not CellStatus.GREEN:
                name = verdict.cell.name.removeprefix(f"{table.value} / ")
                print(
                    f"    {verdict.status.value:5s} {verdict.cell.ref:4s} {name}: {verdict.reason}"
                )
    gates = ", ".join(f"{gate} {state}" for gate, state in card.gates.items())
    print(f"  gates, as dms has measured them: {gates}")
    print(f"Driver monitoring (prediction): {card.points:.2f} / {card.maximum:.0f} points")
    if card.gated_points is None:
        print("  (after the gates: not assessed, as the gates above are)")
