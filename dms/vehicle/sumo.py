"""Eclipse SUMO as the vehicle simulator, through libsumo (in-process, headless).

The ego vehicle drives on a committed three-lane motorway (``data/motorway.net.xml``) in
light traffic. The driver's wanted speed becomes the ego's maximum speed, so SUMO's
car-following keeps it safe behind traffic; a minimal-risk manoeuvre takes over with
``changeLane`` toward the commanded lane, ``slowDown`` at the commanded deceleration, the
hazard bit (``1 << 2``) via ``setSignals``, and ``setSpeed(0)`` to hold the stop in lane.
"""

from __future__ import annotations

import math
from importlib import resources
from pathlib import Path
from typing import Any

from dms.bus.enums import MrmState, TurnSignal
from dms.errors import ConfigError
from dms.vehicle.model import DriverControls, MrmCommand, Vehicle, VehicleStatus

__all__ = ["SUMO_STEP_S", "SumoVehicle"]

SUMO_STEP_S = 0.05  # always passed explicitly as --step-length
EGO = "ego"
HAZARD_BIT = 1 << 2  # SUMO's VEH_SIGNAL_BLINKER_EMERGENCY
RIGHT_BLINKER_BIT = 1 << 0
LANE_CHANGE_S = 3.0


def _data(name: str) -> Path:
    return Path(str(resources.files("dms.vehicle").joinpath("data").joinpath(name)))


def _libsumo() -> Any:
    try:
        import libsumo
    except ImportError as exc:
        raise ConfigError(f"the SUMO simulator needs libsumo (pip install libsumo): {exc}") from exc
    return libsumo


class SumoVehicle(Vehicle):
    """The ego vehicle in SUMO. libsumo is one simulation per process: close it when done."""

    name = "sumo"

    def __init__(
        self,
        *,
        speed_mps: float = 27.8,
        start_lane: int = 1,
        seed: int = 0,
        depart_m: float = 300.0,
    ) -> None:
        sumo = self._sumo = _libsumo()
        try:
            sumo.start(
                [
                    "sumo",
                    "--net-file", str(_data("motorway.net.xml")),
                    "--route-files", str(_data("traffic.rou.xml")),
                    "--step-length", f"{SUMO_STEP_S}",
                    "--seed", str(seed),
                    "--no-step-log", "true",
                    "--no-warnings", "true",
                    "--time-to-teleport", "-1",  # a car stopped in lane stays there
                    "--collision.action", "warn",
                ]
            )  # fmt: skip
        except Exception as exc:  # libsumo raises its own TraCIException and FatalTraCIError
            raise ConfigError(f"SUMO did not start: {exc}") from exc
        self.lanes = sumo.edge.getLaneNumber("motorway")
        lane = min(max(start_lane, 0), self.lanes - 1)
        sumo.vehicle.add(
            EGO,
            "main",
            typeID="car",
            depart="now",
            departLane=str(lane),
            departPos=f"{depart_m}",
            departSpeed=f"{speed_mps}",
        )
        sumo.vehicle.setLaneChangeMode(EGO, 0)  # the driver keeps the lane; only the MRM changes it
        sumo.simulationStep()
        self._pending_s = 0.0
        self._accel = 0.0

    def step(self, dt_s: float, controls: DriverControls, command: MrmCommand) -> VehicleStatus:
        sumo = self._sumo
        vehicle = sumo.vehicle
        lane = vehicle.getLaneIndex(EGO)
        speed = vehicle.getSpeed(EGO)
        signals = 0
        if command.active:
            signals |= HAZARD_BIT
            if command.state is MrmState.LANE_CHANGE and lane != command.target_lane:
                step = 1 if command.target_lane > lane else -1
                vehicle.changeLane(EGO, lane + step, LANE_CHANGE_S)
                signals |= RIGHT_BLINKER_BIT
            if speed > 0.0:
                duration = max(SUMO_STEP_S, speed / max(command.target_decel_mps2, 0.1))
                vehicle.slowDown(EGO, 0.0, duration)
            else:
                vehicle.setSpeed(EGO, 0.0)  # hold the stop in lane
        else:
            vehicle.setSpeed(EGO, -1.0)  # back to SUMO's driver model
            vehicle.setMaxSpeed(
                EGO, max(controls.target_speed_mps, 0.01) if controls.ignition_on else 0.01
            )
        vehicle.setSignals(EGO, signals if command.active else -1)
        self._pending_s += dt_s
        steps = max(1, math.floor(self._pending_s / SUMO_STEP_S + 1e-9))
        self._pending_s -= steps * SUMO_STEP_S
        for _ in range(steps):
            sumo.simulationStep()
        return self._status(controls, command)

    def _status(self, controls: DriverControls, command: MrmCommand) -> VehicleStatus:
        vehicle = self._sumo.vehicle
        signals = vehicle.getSignals(EGO)
        turning = TurnSignal.RIGHT if signals & RIGHT_BLINKER_BIT else TurnSignal.OFF
        return VehicleStatus(
            speed_mps=vehicle.getSpeed(EGO),
            accel_mps2=vehicle.getAcceleration(EGO),
            position_m=vehicle.getDistance(EGO),
            lane_index=vehicle.getLaneIndex(EGO),
            lane_count=self.lanes,
            lane_offset_m=vehicle.getLateralLanePosition(EGO),
            hazard_lights=bool(signals & HAZARD_BIT),
            turn_signal=turning,
            driver_input=controls.inputs,
            ignition_on=controls.ignition_on,
            assist_engaged=not command.active and controls.ignition_on,
        )

    def close(self) -> None:
        self._sumo.close()
