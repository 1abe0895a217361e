"""A population of synthetic drivers: every driver's traits drawn, seeded, from distributions.

A sweep's ``population:`` block names how many drivers and how each trait varies::

    population:
      drivers: 200
      traits:
        - {path: driver.eye_aperture, normal: [1.0, 0.12], within: [0.6, 1.3]}
        - {path: cabin.camera_pitch_deg, uniform: [-6, 6]}
        - {path: sensor.noise_px, choice: [0.2, 0.3, 0.6], weights: [2, 2, 1]}
        - {name: sunglasses, share: 0.15, timeline: {at_s: 0, do: sunglasses}}

A trait with a ``path`` sets that value of the scenario; a ``share`` trait adds its
``timeline`` entry to that share of the drivers (a habit such as sunglasses or a phone).
Every point of the sweep's axes runs once per driver, so drivers are compared like for like.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from dms.scenario.yamlnodes import Fields, plain
from dms.sweep.paths import set_value

__all__ = ["Population", "Trait", "load_population"]

Distribution = Literal["uniform", "normal", "choice", "share"]
DISTRIBUTIONS: tuple[Distribution, ...] = ("uniform", "normal", "choice", "share")
MAX_DRIVERS = 10_000
_DIGITS = 4  # drawn numbers are rounded: the table and the run files stay readable


@dataclass(frozen=True, slots=True, kw_only=True)
class Trait:
    name: str
    kind: Distribution
    path: tuple[str, ...] = ()  # the value it sets in the scenario (not for a share)
    low: float = 0.0  # uniform: the range; normal: mean and standard deviation
    high: float = 0.0
    within: tuple[float, float] | None = None  # a normal draw is clipped to this
    choices: tuple[Any, ...] = ()
    weights: tuple[float, ...] = ()
    share: float = 0.0  # the share of drivers with the habit
    entry: dict[str, Any] = field(default_factory=dict)  # the habit's timeline entry

    def draw(self, rng: random.Random) -> Any:
        if self.kind == "uniform":
            return round(rng.uniform(self.low, self.high), _DIGITS)
        if self.kind == "normal":
            value = rng.gauss(self.low, self.high)
            if self.within is not None:
                value = min(max(value, self.within[0]), self.within[1])
            return round(value, _DIGITS)
        if self.kind == "choice":
            return rng.choices(self.choices, weights=self.weights or None)[0]
        return rng.random() < self.share


@dataclass(frozen=True, slots=True, kw_only=True)
class Population:
    drivers: int
    seed: int
    traits: tuple[Trait, ...]

    def draw(self) -> list[tuple[tuple[str, Any], ...]]:
        """Each driver's traits as (name, value) pairs: the same list for the same seed."""
        rng = random.Random(self.seed)
        return [
            tuple((trait.name, trait.draw(rng)) for trait in self.traits)
            for _ in range(self.drivers)
        ]

    def apply(self, data: dict[str, Any], traits: tuple[tuple[str, Any], ...], owner: str) -> None:
        """Give a scenario's YAML data one driver's traits."""
        for trait, (_, value) in zip(self.traits, traits, strict=True):
            if trait.kind == "share":
                if value:
                    data.setdefault("timeline", []).append(dict(trait.entry))
            else:
                set_value(data, trait.path, value, owner=owner)


def load_population(path: Path, fields: Fields, default_seed: int) -> Population:
    drivers = fields.integer("drivers", minimum=1)
    if drivers > MAX_DRIVERS:
        raise fields.fail("drivers", f"at most {MAX_DRIVERS} drivers")
    traits = tuple(_trait(path, node) for node in fields.items("traits"))
    if not traits:
        raise fields.missing("traits")
    names = [trait.name for trait in traits]
    if len(set(names)) != len(names):
        raise fields.fail("traits", "two traits have the same name")
    population = Population(
        drivers=drivers, seed=fields.integer("seed", default_seed, minimum=0), traits=traits
    )
    fields.done(("drivers", "seed", "traits"))
    return population


def _trait(path: Path, node: yaml.Node) -> Trait:
    fields = Fields(path, node, "trait")
    given = [kind for kind in DISTRIBUTIONS if fields.has(kind)]
    if not given:
        fields.done(("name", "path", *DISTRIBUTIONS, "within", "weights", "timeline"))
    if len(given) != 1:
        raise fields.fail(
            given[1] if given else "path",
            "a trait needs exactly one of uniform: [low, high], normal: [mean, sd], "
            "choice: [...] or share: 0-1",
        )
    kind = given[0]
    if kind == "share":
        return _habit(path, fields)
    target = tuple(fields.text("path").split("."))
    if target[0] in ("settings", "timeline"):
        raise fields.fail(
            "path",
            "a trait is the driver's, the cabin's or the sensor's: "
            "sweep settings and the timeline as axes",
        )
    name = fields.text("name", target[-1])
    if kind == "choice":
        choices = plain(fields.node_of("choice"))
        if not isinstance(choices, list) or not choices:
            raise fields.fail("choice", "a list of one or more values")
        weights: tuple[float, ...] = ()
        if fields.has("weights"):
            raw = plain(fields.node_of("weights"))
            if (
                not isinstance(raw, list)
                or len(raw) != len(choices)
                or not all(isinstance(w, int | float) and w >= 0 for w in raw)
                or not sum(raw)
            ):
                raise fields.fail("weights", f"one number ≥ 0 per choice ({len(choices)})")
            weights = tuple(float(w) for w in raw)
        fields.done(("name", "path", "choice", "weights"))
        return Trait(name=name, kind=kind, path=target, choices=tuple(choices), weights=weights)
    low, high = _mean_and_deviation(fields) if kind == "normal" else fields.pair(kind) or (0, 0)
    within = fields.pair("within") if kind == "normal" else None
    fields.done(("name", "path", kind, "within") if kind == "normal" else ("name", "path", kind))
    return Trait(name=name, kind=kind, path=target, low=low, high=high, within=within)


def _habit(path: Path, fields: Fields) -> Trait:
    share = fields.number("share", minimum=0.0, maximum=1.0)
    if not fields.has("timeline"):
        raise fields.missing("timeline")
    entry = plain(fields.node_of("timeline"))
    if not isinstance(entry, dict):
        raise fields.fail("timeline", "one timeline entry such as {at_s: 0, do: sunglasses}")
    name = fields.text("name", str(entry.get("do", "habit")))
    fields.done(("name", "share", "timeline"))
    return Trait(name=name, kind="share", share=share, entry=entry)


def _mean_and_deviation(fields: Fields) -> tuple[float, float]:
    pair = plain(fields.node_of("normal"))
    if (
        not isinstance(pair, list)
        or len(pair) != 2
        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in pair)
        or pair[1] < 0
    ):
        raise fields.fail("normal", "[mean, standard deviation], the deviation ≥ 0")
    return float(pair[0]), float(pair[1])
