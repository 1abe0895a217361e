"""Sweeps: one base scenario, axes of parameters, many seeded runs, one table.

A sweep file names a base scenario and axes. Each axis sets one value in the scenario's
YAML by path (``timeline.0.duration_s``, ``vehicle.speed_kph``, ``driver.eye_aperture``,
``settings.attention.long_distraction_fast_s``) from a list of ``values`` or a
``range: [low, high]`` (with ``steps`` on a grid). Points are a full ``grid``, or
``samples`` drawn ``random``-ly or by Latin hypercube (``lhs``, scipy's ``qmc``), all from
the sweep's ``seed``; every point runs ``seeds`` times with seeds ``seed0 + k``, and once
per driver of an optional ``population`` (:mod:`dms.sweep.population`).

Each run's scenario is written out (``runs/NNNN.yaml``) before it runs, so any row of the
table can be replayed alone; the table (``results.csv``) has a row per run: the axis
values, the seed, the driver and its traits, pass/fail per expectation, and the metrics of
:mod:`dms.scenario.metrics`. A sweep is repeatable: the same file gives the same table,
whatever the number of workers, and ``resume`` runs only the rows that are missing.
"""

from __future__ import annotations

import csv
import difflib
import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from dms.errors import ScenarioError
from dms.scenario.metrics import DETECTED_BY
from dms.scenario.yamlnodes import Fields, compose_file, plain, where
from dms.sweep.paths import set_value
from dms.sweep.population import Population, load_population

__all__ = [
    "Axis",
    "Run",
    "SweepSpec",
    "load_sweep",
    "plan",
    "read_rows",
    "run_row",
    "scenario_text",
    "table_columns",
]

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
    population: Population | None = None  # every point runs once per driver
    #: The scripted situations the table scores (``glance``, ``sleep`` ...); empty: all.
    measure: tuple[str, ...] = ()

    @property
    def variables(self) -> tuple[str, ...]:
        """The table's columns that vary by design: the axes, then the drivers' traits."""
        traits = self.population.traits if self.population is not None else ()
        return (*(axis.name for axis in self.axes), *(trait.name for trait in traits))


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    """One row: a point of the axes and a seed, with its scenario written out."""

    index: int
    values: tuple[tuple[str, Any], ...]  # axis name -> value
    seed: int
    driver: int | None = None  # of the sweep's population
    traits: tuple[tuple[str, Any], ...] = ()  # the driver's: trait name -> value

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
    block = top.section("population")
    population = None if block is None else load_population(path, block, top.integer("seed", 0))
    if population is not None:
        _check_traits(top, axes, population)
    spec = SweepSpec(
        path=path,
        name=top.text("name", path.stem),
        scenario=scenario,
        axes=axes,
        sampling="grid" if sampling == "grid" else "random" if sampling == "random" else "lhs",
        samples=samples,
        seeds=top.integer("seeds", 1, minimum=1),
        seed=top.integer("seed", 0, minimum=0),
        population=population,
        measure=_measure(top),
    )
    top.done(
        (
            "name",
            "scenario",
            "axes",
            "sampling",
            "samples",
            "seeds",
            "seed",
            "population",
            "measure",
        )
    )
    drivers = population.drivers if population is not None else 1
    count = len(_points(spec)) * spec.seeds * drivers
    if count > MAX_RUNS:
        raise top.fail("axes", f"{count} runs: at most {MAX_RUNS} a sweep")
    return spec


def _measure(top: Fields) -> tuple[str, ...]:
    kinds = sorted(kind.value for kind in DETECTED_BY)
    names = []
    for node in top.items("measure"):
        name = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
        if name not in kinds:
            hint = difflib.get_close_matches(name, kinds, n=1)
            guess = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ScenarioError(
                f"{where(top.path, node)}: measure: {name!r} is not a situation{guess}; "
                f"one of: {', '.join(kinds)}"
            )
        names.append(name)
    return tuple(names)


def _check_traits(top: Fields, axes: tuple[Axis, ...], population: Population) -> None:
    """A trait may neither share an axis's name nor set the value an axis sets."""
    by_path = {axis.path: axis.name for axis in axes}
    for trait in population.traits:
        if trait.name in {axis.name for axis in axes}:
            raise top.fail("population", f"trait {trait.name!r} has an axis's name")
        if trait.path in by_path:
            raise top.fail(
                "population", f"trait {trait.name!r} sets what axis {by_path[trait.path]!r} sets"
            )


def _axis(path: Path, node: yaml.Node, sampling: str) -> Axis:
    fields = Fields(path, node, "axis")
    target = fields.text("path")
    parts = tuple(target.split("."))
    name = fields.text("name", parts[-1])
    if fields.has("values"):
        values_node = fields.node_of("values")
        values = plain(values_node)
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
    """Every run of the sweep: each point ``spec.seeds`` times for every driver.

    Driver ``d``'s k-th seed is the same at every point, so points differ only by their
    axes' values."""
    names = [axis.name for axis in spec.axes]
    drivers: list[tuple[int | None, tuple[tuple[str, Any], ...]]] = [(None, ())]
    if spec.population is not None:
        drivers = list(enumerate(spec.population.draw()))
    runs: list[Run] = []
    for point in _points(spec):
        values = tuple(zip(names, point, strict=True))
        for driver, traits in drivers:
            for k in range(spec.seeds):
                seed = base_seed + (driver or 0) * spec.seeds + k
                run = Run(index=len(runs), values=values, seed=seed, driver=driver, traits=traits)
                runs.append(run)
    return runs


def scenario_text(spec: SweepSpec, run: Run, base: dict[str, Any]) -> str:
    """The base scenario's YAML with this run's values and seed."""
    data = yaml.safe_load(yaml.safe_dump(base))  # a deep copy
    for axis, (_, value) in zip(spec.axes, run.values, strict=True):
        set_value(data, axis.path, value, owner=f"{spec.path}: axis path")
    if spec.population is not None:
        spec.population.apply(data, run.traits, owner=f"{spec.path}: trait path")
    data["seed"] = run.seed
    data["name"] = f"{spec.name} #{run.run_id}"
    return yaml.safe_dump(data, sort_keys=False)


def table_columns(spec: SweepSpec) -> list[str]:
    driver = ["driver"] if spec.population is not None else []
    return ["run", "seed", *driver, *spec.variables, "passed"]


def run_row(run: Run, result: Any, measure: tuple[str, ...] = ()) -> dict[str, Any]:
    """The table row of a finished run (``result``: a ReplayResult), scoring the situations
    of the kinds in ``measure`` (all when empty)."""
    metrics = result.metrics
    situations = [s for s in metrics.situations if not measure or s.behaviour.kind.value in measure]
    detected = sum(s.detected_at_s is not None for s in situations)
    latencies = [s.latency_s for s in situations if s.latency_s is not None]
    row: dict[str, Any] = {"run": run.run_id, "seed": run.seed}
    if run.driver is not None:
        row["driver"] = run.driver
    row |= dict(run.values) | dict(run.traits)
    row["passed"] = result.passed
    for check in result.expectations:
        row[f"expect: {check.text}"] = check.passed
    row["situations"] = len(situations)
    row["detected"] = detected
    row["detection_rate"] = round(detected / len(situations), 4) if situations else ""
    row["latency_s"] = round(sum(latencies) / len(latencies), 3) if latencies else ""
    row["false_alarms_per_hour"] = round(metrics.false_alarms_per_hour, 3)
    return row  # nothing timed: the same sweep gives the same table on any machine


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.is_file():
        return
    with path.open(newline="", encoding="utf-8") as table:
        yield from csv.DictReader(table)
