"""``dms verify --protocol eu-addw | eu-ddaw``: a regulation's pass table, run and judged."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any

from dms import __version__
from dms.errors import ConfigError
from dms.settings import Assignment
from dms.sweep.engine import progress, worker_count
from dms.verify.regulation import DriveVerdict, LineVerdict, Regulation, judge_lines, plan_drives
from dms.verify.report import save_plots, write_pack_report
from dms.verify.run import DEFAULT_POPULATION

__all__ = ["compare_lines", "verify_pack"]


def verify_pack(
    args: argparse.Namespace, settings: list[Assignment], out: Path, seeds: list[int]
) -> dict[str, Any]:
    """Runs the pass table; prints it; writes DIR/scorecard.json and DIR/report.html.
    Returns the scorecard's document."""
    regulation = Regulation(args.protocol)
    population = dataclasses.replace(DEFAULT_POPULATION, drivers=args.drivers)
    drives = plan_drives(regulation, population, seeds)
    if args.only:
        drives = [d for d in drives if any(t.lower() in d.line.ref.lower() for t in args.only)]
        if not drives:
            raise ConfigError(f"--only {' '.join(args.only)}: no {regulation.value} line has it")
    print(
        f"verify {regulation.value}: {len({d.line.ref for d in drives})} lines, "
        f"{len(drives)} drives ({args.drivers} drivers x {len(seeds)} seeds)",
        file=sys.stderr,
    )
    from dms.verify.regulation import run_drives

    started = time.monotonic()
    verdicts: list[DriveVerdict] = []
    workers = worker_count(len(drives), args.jobs)
    for verdict in run_drives(
        drives,
        settings,
        workers=workers,
        engine=args.engine,
        address=args.address,
        plot=not args.no_plots,
    ):
        verdicts.append(verdict)
        progress(len(verdicts), len(drives), started, "drives")
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    lines = judge_lines(drives, verdicts)
    elapsed = time.monotonic() - started
    document = {
        "protocol": regulation.value,
        "regulation": regulation.law,
        "dms_version": __version__,
        "drivers": args.drivers,
        "seeds": seeds,
        "population_seed": population.seed,
        "settings": [[key, value, where] for key, value, where in settings],
        "only": args.only or [],
        "wall_s": round(elapsed, 1),
        "passed": all(line.passed for line in lines),
        "lines": [line.as_dict() for line in lines],
    }
    path = out / "scorecard.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    _print(regulation, lines, elapsed, len(drives))
    save_plots(out, verdicts)
    report = write_pack_report(out, regulation.law, lines, evidence=document)
    print(f"scorecard: {path}")
    print(f"report: {report}")
    return document


def _print(regulation: Regulation, lines: list[LineVerdict], elapsed_s: float, drives: int) -> None:
    failed = [line for line in lines if not line.passed]
    print(
        f"{regulation.law}: {len(lines) - len(failed)} of {len(lines)} lines pass; "
        f"{drives} drives in {elapsed_s:.0f} s"
    )
    for line in lines:
        print(f"  {'PASS' if line.passed else 'FAIL'}  {line.line.ref}: {line.reason}")
    print(f"{regulation.value}: {'PASSED' if not failed else 'NOT PASSED'}")


def compare_lines(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What differs, line by line, between two pack scorecards."""
    was = {line["line"]: line["passed"] for line in before.get("lines", [])}
    return [
        f"{line['line']}: {'PASS' if was.get(line['line']) else 'FAIL'} then, "
        f"{'PASS' if line['passed'] else 'FAIL'} now"
        for line in now["lines"]
        if was.get(line["line"]) != line["passed"]
    ]
