"""The built-in vehicle: a small, deterministic model of a car on a multi-lane road.

Longitudinal dynamics with comfortable limits, lanes and the position in the lane, hazard
and turn lights, the driver's inputs, and the ECU's minimal-risk manoeuvre: change lanes
one at a time toward the commanded lane, decelerate at the commanded rate, stop in lane.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dms.bus.enums import MrmState, TurnSignal
from dms.vehicle.model import DriverControls, MrmCommand, Vehicle, VehicleStatus

__all__ = ["BuiltinSettings", "BuiltinVehicle"]


@dataclass(frozen=True, slots=True)
class BuiltinSettings:
    lanes: int = 3
    start_lane: int = 1  # 0 = rightmost
    lane_width_m: float = 3.5
    driver_accel_mps2: float = 1.5  # how briskly the driver reaches the wanted speed
    driver_decel_mps2: float = 2.0
    lane_change_s: float = 3.0  # one lane over during an MRM
    wander_m: float = 0.15  # the driver's natural weave within the lane
    wander_period_s: float = 9.0


class BuiltinVehicle(Vehicle):
    """Deterministic: the same inputs give the same states."""

    name = "builtin"

    def __init__(self, settings: BuiltinSettings | None = None, speed_mps: float = 0.0) -> None:
        self.settings = s = settings or BuiltinSettings()
        self._speed = speed_mps
        self._position = 0.0
        self._lane = min(max(s.start_lane, 0), s.lanes - 1)
        self._lane_change = 0.0  # progress of a lane change, 0..1
        self._t = 0.0

    def step(self, dt_s: float, controls: DriverControls, command: MrmCommand) -> VehicleStatus:
        s = self.settings
        self._t += dt_s
        before = self._speed
        if command.active:
            self._speed = max(0.0, self._speed - command.target_decel_mps2 * dt_s)
        else:
            wanted = controls.target_speed_mps if controls.ignition_on else 0.0
            change = wanted - self._speed
            limit = (s.driver_accel_mps2 if change > 0 else s.driver_decel_mps2) * dt_s
            self._speed += max(-limit, min(limit, change))
        self._position += (before + self._speed) / 2.0 * dt_s

        turning = TurnSignal.OFF
        offset = s.wander_m * math.sin(2.0 * math.pi * self._t / s.wander_period_s)
        step = (command.target_lane > self._lane) - (command.target_lane < self._lane)  # +1 left
        if command.state is MrmState.LANE_CHANGE and step and self._speed > 0:
            turning = TurnSignal.LEFT if step > 0 else TurnSignal.RIGHT
            self._lane_change += dt_s / s.lane_change_s
            if self._lane_change >= 1.0:
                self._lane += step
                self._lane_change = 0.0
            offset = step * s.lane_width_m * self._lane_change
        elif command.active:
            offset = 0.0  # the MRM holds the lane centre
        accel = (self._speed - before) / dt_s if dt_s > 0 else 0.0
        return VehicleStatus(
            speed_mps=self._speed,
            accel_mps2=accel,
            position_m=self._position,
            lane_index=self._lane,
            lane_count=s.lanes,
            lane_offset_m=offset,
            hazard_lights=command.hazard_request,
            turn_signal=turning,
            driver_input=controls.inputs,
            ignition_on=controls.ignition_on,
            assist_engaged=not command.active and controls.ignition_on,
        )
