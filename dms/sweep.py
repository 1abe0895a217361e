"""Sweeps: one base scenario, axes of parameters, many seeded runs, one table.

A sweep file names a base scenario and axes. Each axis sets one value in the scenario's
YAML by path (``timeline.0.duration_s``, ``vehicle.speed_kph``, ``driver.eye_aperture``,
``settings.attention.long_distraction_fast_s``) from a list of ``values`` or a
``range: [low, high]`` (with ``steps`` on a grid). Points are a full ``grid``, or
``samples`` drawn ``random``-ly or by Latin hypercube (``lhs``, scipy's ``qmc``), all from
the sweep's ``seed``; every point runs ``seeds`` times with seeds ``seed0 + k``.

Each run's scenario is written out (``runs/NNNN.yaml``) before it runs, so any row of the
table can be replayed alone; the table (``results.csv``) has a row per run: the axis
values, the seed, pass/fail per expectation, and the metrics of
:mod:`dms.scenario.metrics`. A sweep is repeatable: the same file gives the same table,
whatever the number of workers, and ``resume`` runs only the rows that are missing.
"""

from __future__ import annotations

import csv
import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from dms.errors import ScenarioError
from dms.scenario.yamlnodes import Fields, compose_file, where

__all__ = ["Axis", "Run", "SweepSpec", "load_sweep", "plan", "run_row", "table_columns"]

Sampling = Literal["grid", "random", "lhs"]
SAMPLINGS: tuple[Sampling, ...] = ("grid", "random", "lhs")
MAX_RUNS = 100_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Axis:
    name: str
    path: tuple[str, ...]  # into the scenario's YAML data
    values: tuple[Any, ...] = ()  # a list; else the range below
    low: float = math.nan
    high: float = math.nan
    steps: int = 0  # grid points across the range
    integer: bool = False  # a range of whole numbers

    def grid(self) -> tuple[Any, ...]:
        if self.values:
            return self.values
        points = [
            self.low + (self.high - self.low) * i / (self.steps - 1) for i in range(self.steps)
        ]
        return tuple(round(p) if self.integer else round(p, 6) for p in points)

    def at(self, unit: float) -> Any:
        """The value at ``unit`` (0-1) of the axis: a list's entry, or a point in range."""
        if self.values:
            return self.values[min(int(unit * len(self.values)), len(self.values) - 1)]
        value = self.low + (self.high - self.low) * unit
        return round(value) if self.integer else round(value, 6)


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepSpec:
    path: Path
    name: str
    scenario: Path
    axes: tuple[Axis, ...]
    sampling: Sampling = "grid"
    samples: int = 0
    seeds: int = 1
    seed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """One row: a point of the axes and a seed, with its scenario written out."""

    index: int
    values: tuple[tuple[str, Any], ...]  # axis name -> value
    seed: int

    @property
    def run_id(self) -> str:
        return f"{self.index:04d}"


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and check a sweep file; errors name file, line and reason."""
    path = Path(path)
    top = Fields(path, compose_file(path))
    scenario = (path.parent / top.text("scenario")).resolve()
    if not scenario.is_file():
        raise top.fail("scenario", f"no scenario file {scenario}")
    sampling = top.text("sampling", "grid", choices=SAMPLINGS)
    samples = top.integer("samples", 0, minimum=0)
    if sampling != "grid" and samples < 1:
        raise top.fail("sampling", f"{sampling} sampling needs samples: N")
    axes = tuple(_axis(path, node, sampling) for node in top.items("axes"))
    if not axes:
        raise top.missing("axes")
    names = [axis.name for axis in axes]
    if len(set(names)) != len(names):
        raise top.fail("axes", "two axes have the same name")
    spec = SweepSpec(
        path=path,
        name=top.text("name", path.stem),
        scenario=scenario,
        axes=axes,
        sampling="grid" if sampling == "grid" else "random" if sampling == "random" else "lhs",
        samples=samples,
        seeds=top.integer("seeds", 1, minimum=1),
        seed=top.integer("seed", 0, minimum=0),
    )
    top.done(("name", "scenario", "axes", "sampling", "samples", "seeds", "seed"))
    runs = _points(spec)
    if len(runs) * spec.seeds > MAX_RUNS:
        raise top.fail("axes", f"{len(runs) * spec.seeds} runs: at most {MAX_RUNS} a sweep")
    return spec


def _axis(path: Path, node: yaml.Node, sampling: str) -> Axis:
    fields = Fields(path, node, "axis")
    target = fields.text("path")
    parts = tuple(target.split("."))
    name = fields.text("name", parts[-1])
    if fields.has("values"):
        values_node = fields.node_of("values")
        values = yaml.safe_load(yaml.serialize(values_node))
        if not isinstance(values, list) or not values:
            raise ScenarioError(f"{where(path, values_node)}: values: a list of one or more")
        fields.done(("name", "path", "values"))
        return Axis(name=name, path=parts, values=tuple(values))
    span = fields.pair("range")
    if span is None:
        raise fields.fail("path", "an axis needs values: [...] or range: [low, high]")
    low, high = span
    steps = fields.integer("steps", 0, minimum=0)
    if sampling == "grid" and steps < 2:
        raise fields.fail("range", "a range on a grid needs steps: N (2 or more)")
    integer = fields.flag("integer", False)
    fields.done(("name", "path", "range", "steps", "integer"))
    return Axis(name=name, path=parts, low=low, high=high, steps=steps, integer=integer)


def _points(spec: SweepSpec) -> list[tuple[Any, ...]]:
    """Every point of the sweep's axes, in a fixed order."""
    if spec.sampling == "grid":
        return list(itertools.product(*(axis.grid() for axis in spec.axes)))
    if spec.sampling == "random":
        rng = random.Random(spec.seed)
        return [tuple(axis.at(rng.random()) for axis in spec.axes) for _ in range(spec.samples)]
    from scipy.stats import qmc  # Latin hypercube: imported only where used

    units = qmc.LatinHypercube(d=len(spec.axes), seed=spec.seed).random(spec.samples)
    return [
        tuple(axis.at(float(u)) for axis, u in zip(spec.axes, row, strict=True)) for row in units
    ]


def plan(spec: SweepSpec, base_seed: int) -> list[Run]:
    """Every run of the sweep: each point ``spec.seeds`` times."""
    names = [axis.name for axis in spec.axes]
    runs: list[Run] = []
    for point in _points(spec):
        for k in range(spec.seeds):
            values = tuple(zip(names, point, strict=True))
            runs.append(Run(index=len(runs), values=values, seed=base_seed + k))
    return runs


def scenario_text(spec: SweepSpec, run: Run, base: dict[str, Any]) -> str:
    """The base scenario's YAML with this run's values and seed."""
    data = yaml.safe_load(yaml.safe_dump(base))  # a deep copy
    for axis, (_, value) in zip(spec.axes, run.values, strict=True):
        _set(data, axis.path, value, spec)
    data["seed"] = run.seed
    data["name"] = f"{spec.name} #{run.run_id}"
    return yaml.safe_dump(data, sort_keys=False)


def _set(data: Any, path: Sequence[str], value: Any, spec: SweepSpec) -> None:
    holder = data
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(holder, list):
            if not part.isdigit() or int(part) >= len(holder):
                raise ScenarioError(
                    f"{spec.path}: axis path {'.'.join(path)}: no entry {part} in the scenario"
                )
            if last:
                holder[int(part)] = value
            else:
                holder = holder[int(part)]
        elif isinstance(holder, dict):
            if last:
                holder[part] = value
            else:
                holder = holder.setdefault(part, {})
        else:
            raise ScenarioError(f"{spec.path}: axis path {'.'.join(path)}: {part} is a value")


def table_columns(spec: SweepSpec) -> list[str]:
    return ["run", "seed", *(axis.name for axis in spec.axes), "passed"]


def run_row(run: Run, result: Any) -> dict[str, Any]:
    """The table row of a finished run (``result``: a ReplayResult)."""
    metrics = result.metrics
    latencies = [s.latency_s for s in metrics.situations if s.latency_s is not None]
    row: dict[str, Any] = {"run": run.run_id, "seed": run.seed, **dict(run.values)}
    row["passed"] = result.passed
    for check in result.expectations:
        row[f"expect: {check.text}"] = check.passed
    row["situations"] = len(metrics.situations)
    row["detected"] = metrics.detected
    row["detection_rate"] = (
        round(metrics.detected / len(metrics.situations), 4) if metrics.situations else ""
    )
    row["latency_s"] = round(sum(latencies) / len(latencies), 3) if latencies else ""
    row["false_alarms_per_hour"] = round(metrics.false_alarms_per_hour, 3)
    return row  # nothing timed: the same sweep gives the same table on any machine


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.is_file():
        return
    with path.open(newline="", encoding="utf-8") as table:
        yield from csv.DictReader(table)
