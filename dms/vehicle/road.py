"""The built-in vehicle's world: a target ahead in the ego lane, the lane's lines, and the
physics the Euro NCAP tests are judged by (time to collision, braking distance, time to
line crossing, impact speed and overlap).

Along the road, positions are metres from the ego's start and ranges are bumper to bumper.
Across it, offsets are metres from the ego lane's centre, + to the left. The forward tests
are Euro NCAP's AEB Car-to-Car set: CCRs (a car standing in the lane), CMRs (a motorcycle
standing), CCRm (a car ahead at 20 km/h), each met at an impact location of 25, 50 or 75 %
of the ego's front.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from dms.bus.enums import LineType, TargetKind
from dms.units import KPH

__all__ = [
    "EGO_WIDTH_M",
    "TARGET_WIDTH_M",
    "TEST_TARGETS",
    "Collision",
    "Road",
    "Target",
    "TargetTrack",
    "TestTarget",
    "braking_distance_m",
    "impact_offset_m",
    "overlap_pct",
    "time_to_line_crossing_s",
    "ttc_s",
]

#: The ego car's width: a mid-size car, as Euro NCAP's test vehicles.
EGO_WIDTH_M = 1.8
#: The test targets' widths: a car (ISO 19206-3's global vehicle target, about 1.8 m) and a
#: motorcycle (ISO 19206-5's powered two-wheeler target, about 0.8 m at the handlebars).
TARGET_WIDTH_M = {TargetKind.CAR: 1.8, TargetKind.MOTORCYCLE: 0.8}

TestTarget = Literal["ccrs", "cmrs", "ccrm"]
#: Euro NCAP's forward-support tests: what stands or drives ahead, and at what speed.
TEST_TARGETS: dict[TestTarget, tuple[TargetKind, float]] = {
    "ccrs": (TargetKind.CAR, 0.0),
    "cmrs": (TargetKind.MOTORCYCLE, 0.0),
    "ccrm": (TargetKind.CAR, 20.0 * KPH),
}


def ttc_s(range_m: float, closing_mps: float) -> float:
    """Time to collision at today's speeds: infinite when not closing in."""
    if range_m <= 0.0:
        return 0.0
    return range_m / closing_mps if closing_mps > 0.0 else math.inf


def braking_distance_m(speed_mps: float, decel_mps2: float, reaction_s: float = 0.0) -> float:
    """Distance to a stop: the reaction time at speed, then a constant deceleration."""
    if speed_mps <= 0.0:
        return 0.0
    if decel_mps2 <= 0.0:
        return math.inf
    return speed_mps * reaction_s + speed_mps * speed_mps / (2.0 * decel_mps2)


def time_to_line_crossing_s(distance_m: float, speed_toward_mps: float) -> float:
    """Time until the car's side reaches a line ``distance_m`` away (0 when already over)."""
    if distance_m <= 0.0:
        return 0.0
    return distance_m / speed_toward_mps if speed_toward_mps > 0.0 else math.inf


def overlap_pct(offset_m: float, target_width_m: float, ego_width_m: float = EGO_WIDTH_M) -> float:
    """How much of the ego's front the target covers (%), its centre ``offset_m`` from the
    ego's centre; 0 when they pass side by side."""
    left = min(ego_width_m / 2.0, offset_m + target_width_m / 2.0)
    right = max(-ego_width_m / 2.0, offset_m - target_width_m / 2.0)
    return max(0.0, left - right) / ego_width_m * 100.0


def impact_offset_m(impact_location_pct: float, ego_width_m: float = EGO_WIDTH_M) -> float:
    """Where the target's centre stands across the lane (from the ego's centre, + left) so
    that it meets the ego's front at ``impact_location_pct`` of its width, counted from the
    left corner: 50 % is dead centre."""
    return ego_width_m * (0.5 - impact_location_pct / 100.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Road:
    lane_width_m: float = 3.5
    line_left: LineType = LineType.DASHED
    line_right: LineType = LineType.DASHED


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """A test target that appears in the ego lane ``range_m`` ahead at ``appear_s``."""

    kind: TargetKind
    speed_mps: float
    range_m: float
    appear_s: float = 0.0
    impact_location_pct: float = 50.0

    @property
    def width_m(self) -> float:
        return TARGET_WIDTH_M[self.kind]

    @property
    def offset_m(self) -> float:
        return impact_offset_m(self.impact_location_pct)


@dataclass(frozen=True, slots=True, kw_only=True)
class Collision:
    t_s: float
    impact_speed_mps: float  # the closing speed at impact
    overlap_pct: float  # of the ego's front


class TargetTrack:
    """A target's motion along the road and its meeting with the ego car.

    Across the road the track works in the road's frame (metres from the ego's starting
    lane centre, + left), so a car that drifts into the next lane leaves the target behind
    in its own. The impact's time and speed are exact for a steady deceleration within a
    step: where the range reaches zero, not where the step happens to end.
    """

    def __init__(self, target: Target, lane_width_m: float) -> None:
        self.target = target
        self.lane_width_m = lane_width_m
        self._width_m, self._offset_m = target.width_m, target.offset_m
        self.present = False  # ahead in the ego lane, seen by the car's sensors
        self.range_m = math.inf
        self.closing_mps = 0.0
        self.overlap_pct = 0.0
        self.collision: Collision | None = None
        self._x = math.nan  # the target's rear, along the road
        self._y = 0.0  # its centre, across the road
        self._passed = False

    def step(
        self,
        t_s: float,
        dt_s: float,
        *,
        ego_front_m: float,
        speed_before: float,
        speed_after: float,
        ego_y_m: float,
        ego_lane_y_m: float,
    ) -> Collision | None:
        """Move to ``t_s``: the ego went from ``speed_before`` to ``speed_after`` at a steady
        deceleration, to ``ego_front_m`` along the road and ``ego_y_m`` across it (its
        lane's centre at ``ego_lane_y_m``). The collision when it happens in this step."""
        target = self.target
        if t_s < target.appear_s or self._passed or self.collision is not None:
            return None
        travelled = (speed_before + speed_after) / 2.0 * dt_s
        if math.isnan(self._x):  # it appears ahead of where the ego was a step ago
            self._x = ego_front_m - travelled + target.range_m
            self._y = ego_lane_y_m + self._offset_m
        range_before = self._x - (ego_front_m - travelled)
        self._x += target.speed_mps * dt_s
        self.range_m = self._x - ego_front_m
        self.closing_mps = speed_after - target.speed_mps
        self.overlap_pct = overlap_pct(self._y - ego_y_m, self._width_m)
        self.present = abs(self._y - ego_lane_y_m) < self.lane_width_m / 2.0
        if self.range_m > 0.0:
            return None
        if self.overlap_pct <= 0.0:  # drove past it: no longer ahead
            self._passed, self.present = True, False
            return None
        closing = speed_before - target.speed_mps
        decel = (speed_before - speed_after) / dt_s if dt_s > 0.0 else 0.0
        # range_before = closing·τ - decel·τ²/2 at the impact, τ into the step
        root = math.sqrt(max(closing * closing - 2.0 * decel * range_before, 0.0))
        if decel > 1e-9:
            into = (closing - root) / decel
        else:
            into = range_before / closing if closing > 0.0 else 0.0
        self.collision = Collision(
            t_s=t_s - dt_s + min(max(into, 0.0), dt_s),
            impact_speed_mps=root,
            overlap_pct=self.overlap_pct,
        )
        self.range_m, self.closing_mps = 0.0, 0.0
        return self.collision
