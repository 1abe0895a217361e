"""The work behind ``dms sweep``: imported when it runs."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dms.cli.settings_args import user_settings
from dms.errors import ConfigError, ScenarioError
from dms.scenario.loader import load_scenario
from dms.settings import Assignment
from dms.sweep import (
    Run,
    SweepSpec,
    load_sweep,
    plan,
    read_rows,
    run_row,
    scenario_text,
)
from dms.sweep.engine import execute, progress, worker_count
from dms.sweep.table import print_summary, write_csv, write_parquet

__all__ = ["sweep"]

TABLE = "results.csv"
#: How often the table is written while a sweep runs (and once at the end).
SAVE_EVERY_S = 2.0


def sweep(args: argparse.Namespace) -> int:
    spec = load_sweep(args.sweep)
    base_text = spec.scenario.read_text(encoding="utf-8")
    base = yaml.safe_load(base_text)
    if not isinstance(base, dict):
        raise ScenarioError(f"{spec.scenario}:1: a scenario is a mapping of keys")
    _fix_settings(spec, base, user_settings(args))
    out = args.out or Path("out") / "sweeps" / spec.path.stem
    runs = plan(spec, int(base.get("seed", 0)))
    done = {row["run"]: row for row in read_rows(out / TABLE)} if args.resume else {}
    todo = [run for run in runs if run.run_id not in done]
    paths = _write_runs(spec, base, todo, out / "runs")  # all checked before any runs
    print(
        f"sweep {spec.name}: {len(runs)} runs ({len(done)} already done), "
        f"{spec.sampling} over {', '.join(a.name for a in spec.axes)}",
        file=sys.stderr,
    )
    rows: dict[str, dict[str, Any]] = dict(done)
    jobs = [
        _Job(run=run, text=path.read_text(encoding="utf-8"), measure=spec.measure)
        for run, path in zip(todo, paths, strict=True)
    ]
    started = saved = time.monotonic()
    workers = worker_count(len(jobs), args.jobs)
    for row in execute(_one, jobs, workers=workers, engine=args.engine, address=args.address):
        rows[row["run"]] = row
        progress(len(rows) - len(done), len(todo), started)
        if time.monotonic() - saved >= SAVE_EVERY_S:  # a crash loses seconds of runs
            write_csv(out / TABLE, spec, rows)
            saved = time.monotonic()
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    write_csv(out / TABLE, spec, rows)
    table = list(read_rows(out / TABLE))  # as a resumed sweep reads it
    print_summary(spec, table)
    print(f"table: {out / TABLE}")
    _outputs(spec, table, out, plots=not args.no_plot)
    return 0


def _outputs(spec: SweepSpec, table: list[dict[str, str]], out: Path, *, plots: bool) -> None:
    """The Parquet table and the plots, each skipped with a word when it cannot be made."""
    try:
        print(f"table: {write_parquet(out / TABLE)}")
    except ConfigError as exc:
        print(f"no Parquet table: {exc}", file=sys.stderr)
    if plots and table:
        from dms.sweep.plots import plot_sweep  # matplotlib: only when plotting

        print(f"plots: {', '.join(str(path) for path in plot_sweep(spec, table, out / 'plots'))}")


def _fix_settings(spec: SweepSpec, base: dict[str, Any], layer: Sequence[Assignment]) -> None:
    """Write ``--settings``/``--set`` into the base scenario's ``settings:`` block, so every
    run's file carries them (and replays alone as it ran in the sweep)."""
    swept = {".".join(axis.path[1:]): axis.name for axis in spec.axes if axis.path[0] == "settings"}
    block = base.setdefault("settings", {})
    if not isinstance(block, dict):
        raise ScenarioError(
            f"{spec.scenario}: settings: a mapping such as {{eyes: {{sleep_s: 3}}}}"
        )
    for key, value, where in layer:
        if key in swept:
            raise ConfigError(f"{where}: {key} is the sweep's axis {swept[key]!r}: set it there")
        section, _, name = key.partition(".")
        table = block.setdefault(section, {})
        if not isinstance(table, dict):
            raise ScenarioError(f"{spec.scenario}: settings.{section}: a mapping of names")
        table[name] = value


def _write_runs(
    spec: SweepSpec, base: dict[str, Any], runs: Sequence[Run], folder: Path
) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot write the sweep's runs to {folder}: {exc}") from exc
    paths = []
    for run in runs:
        path = folder / f"{run.run_id}.yaml"
        path.write_text(scenario_text(spec, run, base), encoding="utf-8")
        try:
            load_scenario(path)
        except ScenarioError as exc:
            raise ScenarioError(
                f"{spec.path}: run {run.run_id} ({dict(run.values)}): {exc}"
            ) from None
        paths.append(path)
    return paths


@dataclass(frozen=True, slots=True, kw_only=True)
class _Job:
    run: Run
    text: str  # the run's scenario (a worker, maybe on another machine, need not see
    measure: tuple[str, ...]  # the sweep's folder)


def _one(job: _Job) -> dict[str, Any]:
    """One run from its scenario's text."""
    from dms.scenario.runner import run_scenario

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"{job.run.run_id}.yaml"
        path.write_text(job.text, encoding="utf-8")
        return run_row(job.run, run_scenario(load_scenario(path)), job.measure)
