"""Loading and validating scenario files; every error names file, line and reason."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import math
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import yaml

from dms import settings
from dms.bus.enums import GazeZone, LineType
from dms.driver_state.cabin import Cabin
from dms.errors import ConfigError, ScenarioError
from dms.events import EventKind
from dms.scenario.model import (
    Behaviour,
    BehaviourKind,
    BusFaultMode,
    DriverProfile,
    Expectation,
    Scenario,
    SensorProfile,
    SpeedProfile,
    VehicleProfile,
)
from dms.scenario.vocabulary import ALERTS, REASONS, ZONES, details_of
from dms.scenario.yamlnodes import (
    MAX_DESCRIPTION,
    Fields,
    Problems,
    compose_file,
    plain,
    where,
)
from dms.units import KPH
from dms.vehicle.road import TEST_TARGETS, Road, Target
from dms.vehicle.simulators import SIMULATORS

__all__ = ["EXPECTABLE_EVENTS", "load_scenario"]

#: Events an expectation may name.
EXPECTABLE_EVENTS: tuple[str, ...] = tuple(sorted(kind.value for kind in EventKind))
#: A scenario's length when its own cannot be read: long enough to check the rest against.
_LONGEST_S = 24 * 3600.0

_TOP_KEYS = (
    "name",
    "description",
    "duration_s",
    "fps",
    "seed",
    "driver",
    "cabin",
    "sensor",
    "vehicle",
    "road",
    "target",
    "timeline",
    "expect",
    "settings",
)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; one :class:`ScenarioError` lists every problem."""
    path = Path(path)
    top = Fields(path, compose_file(path))
    problems = Problems()
    attempt = problems.attempt
    duration = attempt(
        lambda: top.number("duration_s", minimum=1.0, maximum=_LONGEST_S), _LONGEST_S
    )
    fps = attempt(lambda: top.number("fps", 30.0, minimum=1.0, maximum=240.0), 30.0)
    no_nodes: list[yaml.Node] = []
    timeline = attempt(lambda: top.items("timeline"), no_nodes)
    expect = attempt(lambda: top.items("expect"), no_nodes)
    scenario = Scenario(
        path=path,
        name=attempt(lambda: top.text("name", path.stem), path.stem),
        description=attempt(lambda: top.text("description", "", max_length=MAX_DESCRIPTION), ""),
        duration_s=duration,
        fps=fps,
        seed=attempt(lambda: top.integer("seed", 0, minimum=0), 0),
        driver=attempt(lambda: _driver(top.section("driver")), DriverProfile()),
        sensor=attempt(lambda: _sensor(top.section("sensor"), fps), SensorProfile()),
        cabin=attempt(lambda: _cabin(top.section("cabin")), Cabin()),
        vehicle=attempt(lambda: _vehicle(top, duration), VehicleProfile()),
        timeline=_each(problems, timeline, lambda node: _behaviour(path, node, duration)),
        expectations=_each(problems, expect, lambda node: _expectation(path, node, duration)),
        settings=attempt(lambda: _settings(path, top), ()),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    attempt(lambda: top.done(_TOP_KEYS), None)
    problems.check()
    return scenario


T = TypeVar("T")


def _each(
    problems: Problems, nodes: list[yaml.Node], read: Callable[[yaml.Node], T]
) -> tuple[T, ...]:
    """Every entry that reads; the others' errors go to ``problems``."""
    entries = (problems.attempt(functools.partial(read, node), None) for node in nodes)
    return tuple(entry for entry in entries if entry is not None)


def _driver(fields: Fields | None) -> DriverProfile:
    if fields is None:
        return DriverProfile()
    default = DriverProfile()
    profile = DriverProfile(
        blink_rate_per_min=fields.number(
            "blink_rate_per_min", default.blink_rate_per_min, minimum=0, maximum=60
        ),
        blink_duration_s=fields.number(
            "blink_duration_s", default.blink_duration_s, minimum=0.05, maximum=0.5
        ),
        eye_aperture=fields.number("eye_aperture", default.eye_aperture, minimum=0.5, maximum=1.3),
        neutral_yaw_deg=fields.number(
            "neutral_yaw_deg", default.neutral_yaw_deg, minimum=-30, maximum=30
        ),
        neutral_pitch_deg=fields.number(
            "neutral_pitch_deg", default.neutral_pitch_deg, minimum=-30, maximum=30
        ),
        neutral_roll_deg=fields.number(
            "neutral_roll_deg", default.neutral_roll_deg, minimum=-30, maximum=30
        ),
        reaction_s=fields.number("reaction_s", default.reaction_s, minimum=0.3, maximum=3.0),
        drift_mps=fields.number("drift_mps", default.drift_mps, minimum=-1.0, maximum=1.0),
    )
    fields.done([f.name for f in dataclasses.fields(DriverProfile)])
    return profile


def _sensor(fields: Fields | None, fps: float) -> SensorProfile:
    if fields is None:
        return SensorProfile()
    default = SensorProfile()
    profile = SensorProfile(
        noise_px=fields.number("noise_px", default.noise_px, minimum=0, maximum=5),
        dropout_rate=fields.number("dropout_rate", default.dropout_rate, minimum=0, maximum=0.5),
        frame_jitter_ms=fields.number("frame_jitter_ms", 0.0, minimum=0.0, maximum=15.0),
    )
    fields.done(("noise_px", "dropout_rate", "frame_jitter_ms"))
    if profile.frame_jitter_ms >= 450.0 / fps:
        limit = 450.0 / fps
        raise fields.fail("frame_jitter_ms", f"must stay under {limit:g} ms at {fps:g} frames/s")
    return profile


def _settings(path: Path, top: Fields) -> tuple[tuple[str, object, str], ...]:
    """The ``settings:`` block: ``{section: {name: value}}`` or ``{section.name: value}``,
    each checked against the settings schema where it stands."""
    if not top.has("settings"):
        return ()
    node = top.node_of("settings")
    if not isinstance(node, yaml.MappingNode):
        raise ScenarioError(
            f"{where(path, node)}: settings: a mapping such as {{eyes: {{sleep_s: 3}}}}"
        )
    found: list[tuple[str, object, str]] = []
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if isinstance(value_node, yaml.MappingNode):
            pairs = [(f"{key}.{k.value}", v) for k, v in value_node.value]
        else:
            pairs = [(key, value_node)]
        for name, value in pairs:
            found.append((name, plain(value), where(path, value)))
    try:
        settings.apply(settings.DmsSettings(), found)
    except ConfigError as exc:
        raise ScenarioError(str(exc)) from None
    return tuple(found)


def _cabin(fields: Fields | None) -> Cabin:
    if fields is None:
        return Cabin()
    side = fields.text("drive_side", "left", choices=("left", "right"))
    cabin = Cabin(
        drive_side="left" if side == "left" else "right",
        camera_yaw_deg=fields.number("camera_yaw_deg", 0.0, minimum=-60, maximum=60),
        camera_pitch_deg=fields.number("camera_pitch_deg", 0.0, minimum=-40, maximum=40),
    )
    fields.done(("drive_side", "camera_yaw_deg", "camera_pitch_deg"))
    return cabin


def _vehicle(top: Fields, duration: float) -> VehicleProfile:
    fields = top.section("vehicle")
    road = _road(top.section("road"))
    target = top.section("target")
    if fields is None:
        profile = VehicleProfile(road=road)
    else:
        speed = _speed(fields)
        sim = fields.text("sim", "builtin", choices=SIMULATORS)
        lanes = fields.integer("lanes", 3, minimum=1)
        if sim == "sumo" and lanes != 3:
            raise fields.fail("lanes", "the SUMO road network has 3 lanes")
        start_lane = fields.integer("start_lane", min(1, lanes - 1), minimum=0)
        if start_lane >= lanes:
            raise fields.fail(
                "start_lane", f"lane {start_lane} does not exist on a {lanes}-lane road"
            )
        fields.done(("speed_kph", "sim", "lanes", "start_lane"))
        profile = VehicleProfile(
            speed=speed, sim=sim, lanes=lanes, start_lane=start_lane, road=road
        )
    if target is None:
        return profile
    return dataclasses.replace(profile, target=_target(target, profile.speed, duration))


def _road(fields: Fields | None) -> Road:
    if fields is None:
        return Road()
    names = {kind.name.lower(): kind for kind in LineType if kind is not LineType.NONE}
    lines = names[fields.text("lines", "dashed", choices=tuple(names))]
    road = Road(
        lane_width_m=fields.number("lane_width_m", 3.5, minimum=2.5, maximum=5.0),
        line_left=lines,
        line_right=lines,
    )
    fields.done(("lane_width_m", "lines"))
    return road


def _target(fields: Fields, speed: SpeedProfile, duration: float) -> Target:
    """A Euro NCAP test target: where it appears, as a distance or a time to collision."""
    test = fields.text("test", choices=tuple(TEST_TARGETS))
    kind, default_mps = TEST_TARGETS[test]  # type: ignore[index]
    target_mps = fields.number("speed_kph", default_mps / KPH, minimum=0, maximum=200) * KPH
    at_s = fields.number("at_s", 0.0, minimum=0.0, maximum=duration)
    if fields.has("distance_m") == fields.has("ttc_s"):
        raise fields.fail("test", "give the target's start as distance_m or as ttc_s (one)")
    if fields.has("distance_m"):
        range_m = fields.number("distance_m", minimum=1.0, maximum=1000.0)
    else:
        closing = speed.mps(at_s) - target_mps
        if closing <= 0.0:
            raise fields.fail("ttc_s", "the car does not close in on the target then")
        range_m = fields.number("ttc_s", minimum=0.5, maximum=60.0) * closing
    location = fields.number("impact_location_pct", 50.0, minimum=0.0, maximum=100.0)
    fields.done(("test", "speed_kph", "at_s", "distance_m", "ttc_s", "impact_location_pct"))
    return Target(
        kind=kind,
        speed_mps=target_mps,
        range_m=range_m,
        appear_s=at_s,
        impact_location_pct=location,
    )


def _speed(fields: Fields) -> SpeedProfile:
    points: list[tuple[float, float]] = []
    if fields.has("speed_kph"):
        node = fields.node_of("speed_kph")
        if isinstance(node, yaml.ScalarNode):
            points = [(0.0, fields.number("speed_kph", minimum=0, maximum=250))]
        elif isinstance(node, yaml.SequenceNode):
            points = [_speed_point(fields, item) for item in node.value]
        else:
            raise fields.fail("speed_kph", "expected km/h, or a list of [t_s, km/h] points")
        times = [t for t, _ in points]
        if not points or times != sorted(times) or len(set(times)) != len(times):
            raise fields.fail("speed_kph", "points must be given in strictly increasing time")
    return SpeedProfile(tuple(points)) if points else SpeedProfile()


def _speed_point(fields: Fields, item: yaml.Node) -> tuple[float, float]:
    if not isinstance(item, yaml.SequenceNode) or len(item.value) != 2:
        raise ScenarioError(
            f"{where(fields.path, item)}: vehicle.speed_kph: each point is [t_s, km/h]"
        )
    numbers = f"{where(fields.path, item)}: vehicle.speed_kph: [t_s, km/h] must be numbers"
    if not all(isinstance(part, yaml.ScalarNode) for part in item.value):
        raise ScenarioError(numbers)
    try:
        t, kph = (float(part.value) for part in item.value)
    except ValueError:
        raise ScenarioError(numbers) from None
    if not (math.isfinite(t) and t >= 0 and 0 <= kph <= 250):
        raise ScenarioError(f"{where(fields.path, item)}: vehicle.speed_kph: t >= 0 and 0-250 km/h")
    return t, kph


# Default durations, and the keys each behaviour takes besides at_s/do/duration_s.
_BEHAVIOUR_KEYS: dict[BehaviourKind, tuple[float | None, tuple[str, ...]]] = {
    BehaviourKind.GLANCE: (None, ("zone", "movement", "lid_aperture")),
    BehaviourKind.GLANCES: (None, ("zone", "movement", "count", "gap_s", "lid_aperture")),
    BehaviourKind.DROWSINESS_RAMP: (None, ("intensity",)),
    BehaviourKind.MICROSLEEP: (1.5, ("head_drop_deg",)),
    BehaviourKind.SLEEP: (None, ("head_drop_deg",)),
    BehaviourKind.YAWN: (5.0, ()),
    BehaviourKind.TALK: (None, ()),
    BehaviourKind.LAUGH: (2.0, ()),
    BehaviourKind.PHONE: (None, ("zone", "movement")),  # where the phone is (default: lap)
    BehaviourKind.FACE_LOST: (None, ()),
    BehaviourKind.SUNGLASSES: (None, ()),
    BehaviourKind.GRIMACE: (None, ()),
    BehaviourKind.CAMERA_MOVED: (None, ("yaw_deg", "pitch_deg")),
    BehaviourKind.CAMERA_LOST: (None, ()),
    BehaviourKind.TAKEOVER: (3.0, ()),
    BehaviourKind.HANDS_OFF: (None, ()),
    BehaviourKind.IGNITION_CYCLE: (2.0, ()),
    BehaviourKind.BUS_FAULT: (None, ("mode", "rate_hz")),
    BehaviourKind.DRIFT: (None, ("lateral_mps",)),
}


#: Behaviours that last to the end of the drive unless given a duration.
_LASTING = frozenset({BehaviourKind.SUNGLASSES, BehaviourKind.CAMERA_MOVED})


def _behaviour(path: Path, node: yaml.Node, scenario_s: float) -> Behaviour:
    fields = Fields(path, node, "timeline entry")
    kinds = [kind.value for kind in BehaviourKind]
    kind = BehaviourKind(fields.text("do", choices=kinds))
    default_duration, extra = _BEHAVIOUR_KEYS[kind]
    at_s = fields.number("at_s", minimum=0.0, maximum=scenario_s)
    if kind in _LASTING and not fields.has("duration_s"):
        duration = scenario_s - at_s  # for the rest of the drive
    else:
        duration = fields.number("duration_s", default_duration, minimum=0.05)
    zone = None
    if "zone" in extra and (kind is not BehaviourKind.PHONE or fields.has("zone")):
        zone = ZONES[fields.text("zone", choices=list(ZONES))]
        if zone is GazeZone.ROAD:
            raise fields.fail("zone", "a glance goes away from the road")
    behaviour = Behaviour(
        kind=kind,
        at_s=at_s,
        duration_s=duration,
        line=fields.line,
        zone=zone,
        movement=fields.text("movement", "owl", choices=("owl", "lizard"))
        if "movement" in extra
        else "owl",
        count=fields.integer("count", 3, minimum=1) if "count" in extra else 1,
        gap_s=fields.number("gap_s", 1.0, minimum=0.0) if "gap_s" in extra else 0.0,
        intensity=fields.number("intensity", 1.0, minimum=0.0, maximum=1.0)
        if "intensity" in extra
        else 1.0,
        mode=BusFaultMode(fields.text("mode", "cut", choices=[m.value for m in BusFaultMode]))
        if "mode" in extra
        else BusFaultMode.CUT,
        rate_hz=fields.number("rate_hz", 4.0, minimum=0.1, maximum=1000.0)
        if "rate_hz" in extra
        else 4.0,
        lid_aperture=fields.number("lid_aperture", minimum=0.0, maximum=1.0)
        if "lid_aperture" in extra and fields.has("lid_aperture")
        else None,
        head_drop_deg=fields.number("head_drop_deg", minimum=0.0, maximum=60.0)
        if "head_drop_deg" in extra and fields.has("head_drop_deg")
        else None,
        yaw_deg=fields.number("yaw_deg", 0.0, minimum=-45.0, maximum=45.0)
        if "yaw_deg" in extra
        else 0.0,
        pitch_deg=fields.number("pitch_deg", 0.0, minimum=-30.0, maximum=30.0)
        if "pitch_deg" in extra
        else 0.0,
        lateral_mps=fields.number("lateral_mps", 0.3, minimum=-1.0, maximum=1.0)
        if "lateral_mps" in extra
        else 0.0,
    )
    if kind is BehaviourKind.MICROSLEEP and not 0.5 <= duration < 3.0:
        raise fields.fail(
            "duration_s", f"a microsleep lasts 0.5-3 s (longer is sleep), got {duration:g}"
        )
    if kind is BehaviourKind.SLEEP and duration < 3.0:
        raise fields.fail("duration_s", f"sleep means eyes closed >= 3 s, got {duration:g}")
    if behaviour.at_s + _span(behaviour) > scenario_s + 1e-9:
        raise fields.fail(
            "at_s",
            f"{kind.value} runs to {behaviour.at_s + _span(behaviour):g} s, "
            f"after the end ({scenario_s:g} s)",
        )
    fields.done(("at_s", "do", "duration_s", *extra))
    return behaviour


def _span(behaviour: Behaviour) -> float:
    if behaviour.kind is BehaviourKind.GLANCES:
        return behaviour.count * behaviour.duration_s + (behaviour.count - 1) * behaviour.gap_s
    return behaviour.duration_s


def _expectation(path: Path, node: yaml.Node, scenario_s: float) -> Expectation:
    """An expectation, checked against what its kind of event can ever carry."""
    fields = Fields(path, node, "expect entry")
    kind = EventKind(fields.text("event", choices=EXPECTABLE_EVENTS))
    details = details_of(kind)
    within = fields.pair("within_s")
    if within is not None and within[1] > scenario_s + 1e-9:
        raise fields.fail("within_s", f"ends after the scenario ({scenario_s:g} s)")
    count = _count(fields) if fields.has("count") else None
    never = fields.flag("never", False)
    if never and count is not None:
        raise fields.fail("never", "give either never or count")

    for key, what, carried in (
        ("zone", "zone", bool(details.zones)),
        ("level", "level", details.levels is not None),
        ("min_level", "level", details.levels is not None),
        ("max_level", "level", details.levels is not None),
        ("alert", "alert kind", details.alert),
        ("min_duration_s", "duration", details.duration),
        ("reason", "reason", bool(details.reasons)),
    ):
        if fields.has(key) and not carried:
            raise fields.fail(key, f"{kind.value} events have no {what}")
    zone = None
    if fields.has("zone"):
        allowed = [name for name, z in ZONES.items() if z in details.zones]
        zone = ZONES[_among(fields, "zone", allowed, list(ZONES), kind)]
    levels = {
        key: _level(fields, key, details.levels, kind)
        for key in ("level", "min_level", "max_level")
        if details.levels is not None and fields.has(key)
    }
    reasons = sorted(details.reasons)
    reason = (
        _among(fields, "reason", reasons, list(REASONS), kind) if fields.has("reason") else None
    )
    expectation = Expectation(
        event=kind.value,
        line=fields.line,
        within_s=within,
        never=never,
        count=count,
        zone=zone,
        min_level=levels.get("min_level"),
        max_level=levels.get("max_level"),
        min_duration_s=fields.number("min_duration_s", minimum=0.0)
        if fields.has("min_duration_s")
        else None,
        reason=reason,
        level=levels.get("level"),
        alert=ALERTS[fields.text("alert", choices=list(ALERTS))] if fields.has("alert") else None,
    )
    low, high = expectation.min_level, expectation.max_level
    if low is not None and high is not None and low > high:
        raise fields.fail("min_level", "min_level is above max_level: nothing can match")
    fields.done([f.name for f in dataclasses.fields(Expectation) if f.name != "line"] + ["event"])
    return expectation


def _among(fields: Fields, key: str, allowed: list[str], names: list[str], kind: EventKind) -> str:
    """A value of ``key`` that events of ``kind`` can have: an unknown name gets a guess, a
    real name that this kind never carries says so."""
    value = fields.text(key, choices=names)
    if value not in allowed:
        raise fields.fail(
            key, f"a {kind.value} event never has {key} {value!r}; one of: {', '.join(allowed)}"
        )
    return value


def _level(fields: Fields, key: str, levels: tuple[int, int], kind: EventKind) -> int:
    low, high = levels
    value = fields.integer(key)
    if not low <= value <= high:
        raise fields.fail(key, f"{kind.value} levels are {low}-{high}, got {value}")
    return value


def _count(fields: Fields) -> tuple[int, int]:
    node = fields.node_of("count")
    if isinstance(node, yaml.ScalarNode):
        exact = fields.integer("count", minimum=0)
        return exact, exact
    pair = fields.pair("count")
    if pair is None:
        raise fields.missing("count")
    low, high = pair
    if low < 0 or not low.is_integer() or not high.is_integer():
        raise fields.fail("count", "expected whole numbers [min, max]")
    return int(low), int(high)
