"""A scenario as typed data: what ``scenarios/*.yaml`` files hold (see docs/scenarios.md)."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dms.bus.enums import AlertKind, GazeZone
from dms.driver_state.cabin import Cabin
from dms.units import KPH
from dms.vehicle.road import Road, Target

__all__ = [
    "FACE_BEHAVIOURS",
    "Behaviour",
    "BehaviourKind",
    "BusFaultMode",
    "DriverProfile",
    "Expectation",
    "Scenario",
    "SensorProfile",
    "SpeedProfile",
    "VehicleProfile",
    "any_covers",
]


class BehaviourKind(str, enum.Enum):
    GLANCE = "glance"  # one glance to a zone
    GLANCES = "glances"  # repeated glances to a zone (a VATS pattern)
    DROWSINESS_RAMP = "drowsiness_ramp"  # fatigue grows: longer, more frequent blinks, yawns
    MICROSLEEP = "microsleep"  # eyes closed for 1-3 s
    SLEEP = "sleep"  # eyes closed, head sinking
    YAWN = "yawn"
    TALK = "talk"
    LAUGH = "laugh"
    PHONE = "phone"  # phone in the lap: repeated glances down
    FACE_LOST = "face_lost"  # out of the camera's view
    SUNGLASSES = "sunglasses"  # dark lenses on
    GRIMACE = "grimace"  # eyes squeezed shut, mouth corners stretched (crying, pain)
    CAMERA_MOVED = "camera_moved"  # the camera is bumped: its view turns for the rest
    CAMERA_LOST = "camera_lost"  # no frames at all: the camera stalls or is unplugged
    # The driver's hands and feet, and the car.
    TAKEOVER = "takeover"  # steering and pedals: takes the car back (cancels an MRM)
    HANDS_OFF = "hands_off"  # no steering input
    IGNITION_CYCLE = "ignition_cycle"  # ignition off, then on again
    # A test rig's steering robot: the car drifts across the lane at lateral_mps whatever
    # the driver does (Euro NCAP's lane-support tests set the lateral speed this way).
    DRIFT = "drift"
    BUS_FAULT = "bus_fault"  # the DMS's frames are cut or corrupted on their way


#: Behaviours that concern the face (the synthetic driver); the others drive the car.
FACE_BEHAVIOURS = frozenset(
    {
        BehaviourKind.GLANCE,
        BehaviourKind.GLANCES,
        BehaviourKind.DROWSINESS_RAMP,
        BehaviourKind.MICROSLEEP,
        BehaviourKind.SLEEP,
        BehaviourKind.YAWN,
        BehaviourKind.TALK,
        BehaviourKind.LAUGH,
        BehaviourKind.PHONE,
        BehaviourKind.FACE_LOST,
        BehaviourKind.SUNGLASSES,
        BehaviourKind.GRIMACE,
        BehaviourKind.CAMERA_MOVED,
    }
)


class BusFaultMode(str, enum.Enum):
    """What a ``bus_fault`` does to the camera module's frames."""

    CUT = "cut"  # they are lost
    CORRUPT = "corrupt"  # each arrives with one bit flipped
    JUNK = "junk"  # an attacker adds random frames on the DMS IDs, rate_hz of them a second
    STALE = "stale"  # a babbler re-sends, after each genuine frame, one recorded at the start


@dataclass(frozen=True, slots=True)
class Behaviour:
    """One timeline entry: ``kind`` from ``at_s`` for ``duration_s``."""

    kind: BehaviourKind
    at_s: float
    duration_s: float
    line: int  # where it stands in the file, for messages
    zone: GazeZone | None = None
    movement: str = "owl"  # owl: head-led; lizard: eye-led
    count: int = 1
    gap_s: float = 0.0
    intensity: float = 1.0
    mode: BusFaultMode = BusFaultMode.CUT  # bus faults
    rate_hz: float = 4.0  # junk bus faults: injected frames per second
    lid_aperture: float | None = None  # glances: how open the lids stay (default: by zone)
    head_drop_deg: float | None = None  # sleep, microsleep: how far the head sinks
    yaw_deg: float = 0.0  # camera_moved: how the camera turned (+ to the driver's left)
    pitch_deg: float = 0.0  # ... and tilted (+ down, as seen by the driver)
    lateral_mps: float = 0.0  # drift: how fast the rig steers the car across (+ left)

    def covers(self, t_s: float) -> bool:
        return self.at_s <= t_s < self.end_s

    @property
    def end_s(self) -> float:
        return self.at_s + self.duration_s


def any_covers(behaviours: Sequence[Behaviour], t_s: float) -> bool:
    """Whether one of ``behaviours`` is going on at ``t_s`` (a loop, not ``any()`` of a
    generator: the car asks it for every step)."""
    for behaviour in behaviours:
        if behaviour.at_s <= t_s < behaviour.at_s + behaviour.duration_s:
            return True
    return False


@dataclass(frozen=True, slots=True)
class DriverProfile:
    blink_rate_per_min: float = 17.0  # alert drivers: 15-20 per minute
    blink_duration_s: float = 0.1  # alert blinks: about 0.1 s eyes shut
    eye_aperture: float = 1.0  # how far this driver's eyes open (1 = the template's)
    neutral_yaw_deg: float = 0.0
    neutral_pitch_deg: float = 8.0  # frontal faces read a few degrees pitched down
    neutral_roll_deg: float = 0.0
    # How long from seeing a hazard to acting on it: about 1.2 s for a driver who sees it
    # coming with eyes on the road (Green, "How long does it take to stop?", 2000:
    # 0.7-1.5 s), counted again once a distracted driver's eyes are back.
    reaction_s: float = 1.2
    # How fast the car drifts across the lane while the eyes are off the road or closed:
    # Euro NCAP's lane-support tests use lateral speeds of 0.2-0.5 m/s (+ to the left).
    drift_mps: float = 0.3


@dataclass(frozen=True, slots=True)
class SensorProfile:
    noise_px: float = 0.3  # landmark noise, pixels
    dropout_rate: float = 0.0  # share of frames with no face found
    # A live camera's frame times wobble around the nominal period by up to this much.
    frame_jitter_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class SpeedProfile:
    """Vehicle speed over time: piecewise linear between (t_s, km/h) points."""

    points: tuple[tuple[float, float], ...] = ((0.0, 100.0),)

    def mps(self, t_s: float) -> float:
        times = [t for t, _ in self.points]
        i = bisect.bisect_right(times, t_s)
        if i == 0:
            return self.points[0][1] * KPH
        if i == len(self.points):
            return self.points[-1][1] * KPH
        (t0, v0), (t1, v1) = self.points[i - 1], self.points[i]
        return (v0 + (v1 - v0) * (t_s - t0) / (t1 - t0)) * KPH


@dataclass(frozen=True, slots=True)
class VehicleProfile:
    speed: SpeedProfile = field(default_factory=SpeedProfile)
    sim: str = "builtin"  # builtin | sumo
    lanes: int = 3
    start_lane: int = 1  # 0 = rightmost
    road: Road = field(default_factory=Road)
    target: Target | None = None  # a Euro NCAP test target ahead (built-in vehicle)


@dataclass(frozen=True, slots=True)
class Expectation:
    """An event that must (or must never) occur, optionally within a time window."""

    event: str
    line: int
    within_s: tuple[float, float] | None = None
    never: bool = False
    count: tuple[int, int] | None = None  # (min, max) occurrences
    zone: GazeZone | None = None
    min_level: int | None = None
    max_level: int | None = None
    min_duration_s: float | None = None
    reason: str | None = None
    level: int | None = None  # warnings: exactly this level
    alert: AlertKind | None = None  # warnings: of this kind

    @property
    def text(self) -> str:
        parts = [self.event]
        if self.level is not None:
            parts.append(f"level {self.level}")
        if self.alert is not None:
            parts.append(self.alert.name.lower())
        if self.zone is not None:
            parts.append(f"to {self.zone.name.lower()}")
        if self.min_level is not None:
            parts.append(f"level >= {self.min_level}")
        if self.max_level is not None:
            parts.append(f"level <= {self.max_level}")
        if self.min_duration_s is not None:
            parts.append(f"lasting >= {self.min_duration_s:g} s")
        if self.reason is not None:
            parts.append(f"({self.reason})")
        what = " ".join(parts)
        when = f" within {self.within_s[0]:g}-{self.within_s[1]:g} s" if self.within_s else ""
        if self.never:
            return f"never {what}{when}"
        if self.count is not None:
            low, high = self.count
            return f"{what}{when}: {low}-{high} times"
        return f"{what}{when}"


@dataclass(frozen=True, slots=True)
class Scenario:
    path: Path
    name: str
    duration_s: float
    fps: float
    seed: int
    description: str = ""
    driver: DriverProfile = field(default_factory=DriverProfile)
    sensor: SensorProfile = field(default_factory=SensorProfile)
    cabin: Cabin = field(default_factory=Cabin)
    vehicle: VehicleProfile = field(default_factory=VehicleProfile)
    timeline: tuple[Behaviour, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    #: the scenario's own ``settings:`` (SECTION.NAME, value, file:line), checked on load
    settings: tuple[tuple[str, object, str], ...] = ()
    sha256: str = ""  # of the file as loaded: a report names exactly what ran

    @property
    def frames(self) -> int:
        return round(self.duration_s * self.fps)

    @property
    def speed(self) -> SpeedProfile:
        return self.vehicle.speed

    def behaviours(self, *kinds: BehaviourKind) -> list[Behaviour]:
        return [b for b in self.timeline if b.kind in kinds]
