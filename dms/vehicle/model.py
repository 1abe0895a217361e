"""What a vehicle simulator takes and gives, whatever the simulator (built-in, SUMO, CARLA)."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

from dms.bus import EcuAssist, EcuMrm, VehEnv, VehState
from dms.bus.enums import DriverInput, LineType, MrmState, TargetKind, TurnSignal
from dms.vehicle.road import Collision

__all__ = ["NO_ASSIST", "AssistCommand", "DriverControls", "MrmCommand", "Vehicle", "VehicleStatus"]

STANDSTILL_MPS = 0.1


#: DriverInput by (steering, accelerator, brake, button) as the bits of an index
_INPUTS = tuple(DriverInput(bits) for bits in range(16))
_ACTIVE = frozenset({MrmState.LANE_CHANGE, MrmState.DECELERATING, MrmState.STANDSTILL})


@dataclass(frozen=True, slots=True)
class DriverControls:
    """What the human driver does this step (from a scenario, or a driving simulator)."""

    target_speed_mps: float  # the speed the driver drives at (pedal or cruise control)
    steering: bool = True  # hands on the wheel, steering
    accelerator: bool = False
    brake: bool = False
    button: bool = False  # confirm / takeover button
    ignition_on: bool = True
    #: the driver's braking: a deceleration held whatever the wanted speed (0: none)
    brake_decel_mps2: float = 0.0
    #: how fast the driver's steering lets the car drift across the lane (+ left)
    drift_mps: float = 0.0

    @property
    def inputs(self) -> DriverInput:
        # one look-up, not four flag operations: the car asks at every step
        return _INPUTS[self.steering + 2 * self.accelerator + 4 * self.brake + 8 * self.button]


@dataclass(frozen=True, slots=True)
class MrmCommand:
    """The ECU's minimal-risk manoeuvre command (``ECU_Mrm`` on the bus)."""

    state: MrmState = MrmState.INACTIVE
    target_decel_mps2: float = 0.0
    target_lane: int = 0
    hazard_request: bool = False
    ecall: bool = False

    @property
    def active(self) -> bool:
        return self.state in _ACTIVE

    @classmethod
    def from_message(cls, message: EcuMrm) -> MrmCommand:
        return cls(
            message.state,
            message.target_decel_mps2,
            message.target_lane,
            message.hazard_request,
            message.ecall,
        )

    def message(self) -> EcuMrm:
        return EcuMrm.saturated(
            state=self.state,
            target_decel_mps2=self.target_decel_mps2,
            target_lane=self.target_lane,
            hazard_request=self.hazard_request,
            ecall=self.ecall,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistCommand:
    """The ECU's driver assistance commands (``ECU_Assist`` on the bus)."""

    fcw: bool = False
    ldw: bool = False
    aeb_decel_mps2: float = 0.0  # autonomous braking; 0: none
    lka: bool = False
    lka_lateral_mps: float = 0.0  # the lateral speed lane keeping steers to (+ left)

    @classmethod
    def from_message(cls, message: EcuAssist) -> AssistCommand:
        return cls(
            fcw=message.fcw,
            ldw=message.ldw,
            aeb_decel_mps2=message.aeb_decel_mps2,
            lka=message.lka,
            lka_lateral_mps=message.lka_lateral_mps,
        )

    def message(self) -> EcuAssist:
        return EcuAssist.saturated(
            fcw=self.fcw,
            ldw=self.ldw,
            aeb_decel_mps2=self.aeb_decel_mps2,
            lka=self.lka,
            lka_lateral_mps=self.lka_lateral_mps,
        )


#: No assistance: what a vehicle does without (or without trusted) ECU_Assist commands.
NO_ASSIST = AssistCommand()


@dataclass(frozen=True, slots=True)
class VehicleStatus:
    """The vehicle's state after a step (``VEH_State`` on the bus)."""

    speed_mps: float
    accel_mps2: float
    position_m: float
    lane_index: int  # 0 = rightmost
    lane_count: int
    lane_offset_m: float  # + left of the lane centre
    hazard_lights: bool
    turn_signal: TurnSignal
    driver_input: DriverInput
    ignition_on: bool
    assist_engaged: bool
    # What the car's forward and lane sensors see (simulators without them: nothing).
    target: TargetKind = TargetKind.NONE  # ahead in the ego lane
    target_range_m: float = math.inf  # bumper to bumper
    target_closing_mps: float = 0.0  # + closing in
    target_overlap_pct: float = 0.0  # of the ego's front
    line_left: LineType = LineType.NONE
    line_right: LineType = LineType.NONE
    line_left_m: float = math.inf  # from the car's side to the line; < 0: over it
    line_right_m: float = math.inf
    lateral_speed_mps: float = 0.0  # + left
    collision: Collision | None = None  # the crash, once there has been one

    @property
    def standstill(self) -> bool:
        return self.speed_mps < STANDSTILL_MPS

    def message(self) -> VehState:
        return VehState.saturated(
            speed_mps=self.speed_mps,
            accel_mps2=self.accel_mps2,
            position_m=self.position_m,
            lane_index=self.lane_index,
            lane_count=self.lane_count,
            lane_offset_m=self.lane_offset_m,
            hazard_lights=self.hazard_lights,
            turn_signal=self.turn_signal,
            driver_input=self.driver_input,
            ignition_on=self.ignition_on,
            assist_engaged=self.assist_engaged,
        )

    def env_message(self) -> VehEnv:
        """What the car's forward radar and lane camera see (``VEH_Env``)."""
        return VehEnv.saturated(
            target=self.target,
            target_range_m=self.target_range_m,
            target_closing_mps=self.target_closing_mps,
            target_overlap_pct=round(self.target_overlap_pct),
            line_left=self.line_left,
            line_right=self.line_right,
            line_left_m=self.line_left_m,
            line_right_m=self.line_right_m,
            lateral_speed_mps=self.lateral_speed_mps,
            collision=self.collision is not None,
        )


class Vehicle(ABC):
    """A vehicle simulator: the driver's controls and the ECU's MRM command in, state out."""

    name: str

    @abstractmethod
    def step(
        self,
        dt_s: float,
        controls: DriverControls,
        command: MrmCommand,
        assist: AssistCommand = NO_ASSIST,
    ) -> VehicleStatus:
        """Advance by ``dt_s`` seconds, the driver's ``controls`` under the ECU's MRM
        ``command`` and its driver assistance (``assist``: AEB, lane keeping)."""

    def close(self) -> None:  # noqa: B027 - simulators without resources need nothing
        """Release the simulator."""
