"""The built-in vehicle: a small, deterministic model of a car on a multi-lane road.

Longitudinal dynamics with comfortable limits, lanes and the position in the lane, hazard
and turn lights, the driver's inputs, and the ECU's minimal-risk manoeuvre: change lanes
one at a time toward the commanded lane, decelerate at the commanded rate, stop in lane.
Across the lane, the driver's steering may let the car drift; the lane lines and a test
target ahead (:mod:`dms.vehicle.road`) are what the car's sensors see. A collision stops
the car where it happened.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from dms.bus.enums import MrmState, TargetKind, TurnSignal
from dms.vehicle.model import (
    NO_ASSIST,
    AssistCommand,
    DriverControls,
    MrmCommand,
    Vehicle,
    VehicleStatus,
)
from dms.vehicle.road import EGO_WIDTH_M, Road, Target, TargetTrack

__all__ = ["BuiltinSettings", "BuiltinVehicle"]


@dataclass(frozen=True, slots=True)
class BuiltinSettings:
    lanes: int = 3
    start_lane: int = 1  # 0 = rightmost
    road: Road = field(default_factory=Road)
    target: Target | None = None  # a test target ahead in the ego lane
    driver_accel_mps2: float = 1.5  # how briskly the driver reaches the wanted speed
    driver_decel_mps2: float = 2.0
    lane_change_s: float = 3.0  # one lane over during an MRM
    wander_m: float = 0.15  # the driver's natural weave within the lane
    wander_period_s: float = 9.0
    # An MRM steers a drifted car back to the lane centre this fast.
    recentre_mps: float = 0.3
    # Lane keeping turns the car's lateral speed at most this briskly: a steering torque
    # overlay a driver can overrule gives about 0.1 g of lateral acceleration.
    lka_lateral_accel_mps2: float = 1.0
    # Braking the car can do on a dry road (AEB's full braking; friction about 0.9).
    max_decel_mps2: float = 9.0


class BuiltinVehicle(Vehicle):
    """Deterministic: the same inputs give the same states."""

    name = "builtin"

    def __init__(self, settings: BuiltinSettings | None = None, speed_mps: float = 0.0) -> None:
        self.settings = s = settings or BuiltinSettings()
        self._speed = speed_mps
        self._position = 0.0
        self._lane = min(max(s.start_lane, 0), s.lanes - 1)
        self._lane_change = 0.0  # progress of a lane change, 0..1
        self._drift_m = 0.0  # how far the driver's steering has let the car drift
        self._lateral_mps = 0.0  # how fast it drifts now
        self._offset = 0.0  # from the lane centre, + left
        self._track = TargetTrack(s.target, s.road.lane_width_m) if s.target is not None else None
        self._t = 0.0
        self._weave_s = 0.0  # time spent moving: a standing car does not weave

    def step(
        self,
        dt_s: float,
        controls: DriverControls,
        command: MrmCommand,
        assist: AssistCommand = NO_ASSIST,
    ) -> VehicleStatus:
        s = self.settings
        self._t += dt_s
        before = self._speed
        track = self._track
        crashed = track is not None and track.collision is not None
        if crashed:
            self._speed = 0.0
        elif command.active or controls.brake_decel_mps2 > 0.0 or assist.aeb_decel_mps2 > 0.0:
            decel = max(
                command.target_decel_mps2 if command.active else 0.0,
                controls.brake_decel_mps2,
                assist.aeb_decel_mps2,
            )
            self._speed = max(0.0, self._speed - min(decel, s.max_decel_mps2) * dt_s)
        else:
            wanted = controls.target_speed_mps if controls.ignition_on else 0.0
            change = wanted - self._speed
            limit = (s.driver_accel_mps2 if change > 0 else s.driver_decel_mps2) * dt_s
            self._speed += max(-limit, min(limit, change))
        self._position += (before + self._speed) / 2.0 * dt_s

        before_offset = self._offset
        turning = self._lateral(dt_s, controls, command, assist, moving=self._speed > 0.0)
        lane_y = (self._lane - s.start_lane) * s.road.lane_width_m  # across the road
        if track is not None and not crashed:
            track.step(
                self._t,
                dt_s,
                ego_front_m=self._position,
                speed_before=before,
                speed_after=self._speed,
                ego_y_m=lane_y + self._offset,
                ego_lane_y_m=lane_y,
            )
            if track.collision is not None:
                self._speed = 0.0
        accel = (self._speed - before) / dt_s if dt_s > 0 else 0.0
        lateral = (self._offset - before_offset) / dt_s if dt_s > 0 else 0.0
        half_free = s.road.lane_width_m / 2.0 - EGO_WIDTH_M / 2.0
        seen = track is not None and track.present
        return VehicleStatus(
            speed_mps=self._speed,
            accel_mps2=accel,
            position_m=self._position,
            lane_index=self._lane,
            lane_count=s.lanes,
            lane_offset_m=self._offset,
            hazard_lights=command.hazard_request,
            turn_signal=turning,
            driver_input=controls.inputs,
            ignition_on=controls.ignition_on,
            assist_engaged=not command.active and controls.ignition_on,
            target=track.target.kind if seen and track is not None else TargetKind.NONE,
            target_range_m=track.range_m if seen and track is not None else math.inf,
            target_closing_mps=track.closing_mps if seen and track is not None else 0.0,
            target_overlap_pct=track.overlap_pct if seen and track is not None else 0.0,
            line_left=s.road.line_left,
            line_right=s.road.line_right,
            line_left_m=half_free - self._offset,
            line_right_m=half_free + self._offset,
            lateral_speed_mps=lateral,
            collision=track.collision if track is not None else None,
        )

    def _lateral(
        self,
        dt_s: float,
        controls: DriverControls,
        command: MrmCommand,
        assist: AssistCommand,
        *,
        moving: bool,
    ) -> TurnSignal:
        """Move across the lane: an MRM's lane change, else the driver's drift on top of
        the natural weave (an MRM steers the drift back to the centre), which lane keeping
        turns at its lateral acceleration."""
        s = self.settings
        width = s.road.lane_width_m
        step = (command.target_lane > self._lane) - (command.target_lane < self._lane)  # +1 left
        if command.state is MrmState.LANE_CHANGE and step and moving:
            self._lane_change += dt_s / s.lane_change_s
            if self._lane_change >= 1.0:
                self._lane += step
                self._lane_change = 0.0
            self._drift_m = self._lateral_mps = 0.0
            self._offset = step * width * self._lane_change
            return TurnSignal.LEFT if step > 0 else TurnSignal.RIGHT
        if command.active:
            back = min(abs(self._drift_m), s.recentre_mps * dt_s)
            self._drift_m -= math.copysign(back, self._drift_m)
            self._lateral_mps = 0.0
            self._offset = self._drift_m  # the MRM holds the lane centre: no weave
            return TurnSignal.OFF
        if assist.lka:
            turn = s.lka_lateral_accel_mps2 * dt_s
            change = assist.lka_lateral_mps - self._lateral_mps
            self._lateral_mps += max(-turn, min(turn, change))
        else:
            self._lateral_mps = controls.drift_mps
        if moving:
            self._drift_m += self._lateral_mps * dt_s
            self._weave_s += dt_s
        weave = s.wander_m * math.sin(2.0 * math.pi * self._weave_s / s.wander_period_s)
        self._offset = self._drift_m + weave
        # Drifted wholly into the next lane: that lane is the car's now.
        if self._offset > width / 2.0 and self._lane < s.lanes - 1:
            self._lane += 1
            self._drift_m -= width
        elif self._offset < -width / 2.0 and self._lane > 0:
            self._lane -= 1
            self._drift_m += width
        self._offset = self._drift_m + weave
        return TurnSignal.OFF
