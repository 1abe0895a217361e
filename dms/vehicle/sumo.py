"""Eclipse SUMO as the vehicle simulator: in-process through libsumo, or attached to a
SUMO that is already running (``sumo`` / ``sumo-gui --remote-port PORT``) over TraCI.

By default the ego drives on the motorway shipped inside the package
(``data/motorway.net.xml``, three lanes) in light traffic, inserted by dms. With a
``.sumocfg`` of one's own (or attached to a running SUMO) the ego is a vehicle of that
simulation, named with ``ego``; dms waits for it to depart. The driver's wanted speed
becomes the ego's maximum speed, so SUMO's car-following keeps it safe behind traffic; a
minimal-risk manoeuvre takes over with ``changeLane`` toward the commanded lane,
``slowDown`` at the commanded deceleration, the hazard bit (``1 << 2``) via
``setSignals``, and ``setSpeed(0)`` to hold the stop in lane.

A Euro NCAP forward test (``target``) runs on the packaged motorway without traffic: dms
adds the target in the ego's lane when it is due and drives the ego's speed itself, SUMO's
safety checks off (``setSpeedMode(0)``), so the driver's, AEB's and the MRM's braking are
all there is and a collision can happen; ``getLeader`` gives the range (plus the ego's
``minGap``) and SUMO's own collision check (at zero gap) the impact. Across the lane
nothing is modelled on SUMO (no sublane model here): no drift, no lane lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from dms.bus.enums import MrmState, TargetKind, TurnSignal
from dms.errors import ConfigError, DmsError, SimulatorError
from dms.vehicle.model import (
    NO_ASSIST,
    AssistCommand,
    DriverControls,
    MrmCommand,
    Vehicle,
    VehicleStatus,
)
from dms.vehicle.road import Collision, Target, overlap_pct

__all__ = ["HAZARD_BIT", "SUMO_STEP_S", "SumoSettings", "SumoVehicle", "packaged_network"]

SUMO_STEP_S = 0.05  # the default step length, always passed explicitly as --step-length
HAZARD_BIT = 1 << 2  # SUMO's VEH_SIGNAL_BLINKER_EMERGENCY
RIGHT_BLINKER_BIT = 1 << 0
LEFT_BLINKER_BIT = 1 << 1
LANE_CHANGE_S = 3.0
#: The bundled network's route and vehicle type (data/traffic.rou.xml).
_ROUTE, _VEHICLE_TYPE = "main", "car"
#: A forward test's target, and its vehicle types (data/testtrack.rou.xml).
TARGET_ID = "dms_target"
_TARGET_TYPES = {TargetKind.CAR: "car", TargetKind.MOTORCYCLE: "motorcycle"}
#: How the ego's speed follows the driver's wanted speed when dms drives it (a test).
_DRIVER_ACCEL_MPS2, _DRIVER_DECEL_MPS2, _MAX_DECEL_MPS2 = 1.5, 2.0, 9.0


def packaged_network(name: str = "motorway.net.xml") -> Path:
    """A file of the SUMO network that ships inside the package."""
    path = Path(str(resources.files("dms.vehicle").joinpath("data").joinpath(name)))
    if not path.is_file():
        raise ConfigError(f"the packaged SUMO file {name} is missing from {path.parent}")
    return path


@dataclass(frozen=True, slots=True, kw_only=True)
class SumoSettings:
    """How to reach SUMO and which vehicle is the ego."""

    config: Path | None = None  # a .sumocfg of one's own (default: the packaged motorway)
    port: int | None = None  # attach to a running SUMO over TraCI instead of starting one
    host: str = "localhost"
    attach_wait_s: int = 10  # how long to retry attaching (a SUMO still starting up)
    ego: str = "ego"  # the vehicle dms drives
    step_length_s: float = SUMO_STEP_S  # ignored when attached: the running SUMO's holds
    seed: int = 0
    start_lane: int = 1  # packaged network only: where dms inserts the ego
    depart_m: float = 300.0
    ego_wait_s: float = 120.0  # own simulation: how long the ego may take to depart
    target: Target | None = None  # a Euro NCAP forward test (packaged network only)

    @property
    def inserts_ego(self) -> bool:
        """dms adds the ego itself on the packaged network; otherwise it is the user's."""
        return self.config is None and self.port is None


def _module(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError as exc:
        raise ConfigError(f"the SUMO simulator needs {name} (pip install {name}): {exc}") from exc


def _start(settings: SumoSettings) -> Any:
    """libsumo running the simulation in this process, or TraCI attached to a running one."""
    if settings.port is not None:
        traci = _module("traci")
        try:
            traci.init(port=settings.port, host=settings.host, numRetries=settings.attach_wait_s)
        except Exception as exc:  # TraCI raises its own FatalTraCIError, or socket errors
            where = f"{settings.host}:{settings.port}"
            raise ConfigError(f"cannot attach to SUMO at {where}: {exc}") from exc
        return traci
    sumo = _module("libsumo")
    if settings.target is not None and not settings.inserts_ego:
        raise ConfigError("a test target runs on the packaged SUMO network, not on one's own")
    if settings.config is not None:
        if not settings.config.is_file():
            raise ConfigError(f"SUMO config {settings.config} does not exist")
        scenario = ["-c", str(settings.config)]
    else:
        routes = "traffic.rou.xml" if settings.target is None else "testtrack.rou.xml"
        scenario = [
            "--net-file", str(packaged_network()),
            "--route-files", str(packaged_network(routes)),
            "--seed", str(settings.seed),
            "--time-to-teleport", "-1",  # a car stopped in lane stays there
            "--collision.action", "warn",
            "--collision.mingap-factor", "0",  # a collision is contact, not a small gap
        ]  # fmt: skip
    options = ["--step-length", f"{settings.step_length_s}", "--no-step-log", "true"]
    try:
        sumo.start(["sumo", *scenario, *options, "--no-warnings", "true"])
    except Exception as exc:  # libsumo raises its own TraCIException and FatalTraCIError
        raise ConfigError(f"SUMO did not start: {exc}") from exc
    return sumo


class SumoVehicle(Vehicle):
    """The ego vehicle in SUMO. libsumo is one simulation per process: close it when done."""

    name = "sumo"

    def __init__(self, settings: SumoSettings | None = None, *, speed_mps: float = 27.8) -> None:
        settings = settings or SumoSettings()
        self.settings = settings
        self.ego = settings.ego
        sumo = self._sumo = _start(settings)
        try:
            self.step_s = float(sumo.simulation.getDeltaT())
            if settings.inserts_ego:
                self._insert(settings, speed_mps)
            else:
                self._await_ego(settings)
            sumo.vehicle.setLaneChangeMode(self.ego, 0)  # only the MRM changes lanes
        except BaseException:
            sumo.close()
            raise
        self._lanes: dict[str, int] = {}
        self._pending_s = 0.0
        self._t = 0.0
        self._target_added = False
        self._collision: Collision | None = None
        if settings.target is not None:
            sumo.vehicle.setSpeedMode(self.ego, 0)  # dms drives: braking is the car's own

    def _insert(self, settings: SumoSettings, speed_mps: float) -> None:
        sumo = self._sumo
        lanes = sumo.edge.getLaneNumber(sumo.route.getEdges(_ROUTE)[0])
        sumo.vehicle.add(
            self.ego,
            _ROUTE,
            typeID=_VEHICLE_TYPE,
            depart="now",
            departLane=str(min(max(settings.start_lane, 0), lanes - 1)),
            departPos=f"{settings.depart_m}",
            departSpeed=f"{speed_mps}",
        )
        sumo.simulationStep()

    def _await_ego(self, settings: SumoSettings) -> None:
        """Step the user's simulation until the ego has departed."""
        sumo = self._sumo
        waited = 0.0
        while self.ego not in sumo.vehicle.getIDList():
            if waited >= settings.ego_wait_s or sumo.simulation.getMinExpectedNumber() == 0:
                present = ", ".join(sorted(sumo.vehicle.getIDList())[:8]) or "none"
                raise ConfigError(
                    f"SUMO: vehicle {self.ego!r} did not depart within {waited:g} s of "
                    f"simulation (vehicles now: {present}); name the ego with --ego ID"
                )
            sumo.simulationStep()
            waited += self.step_s

    def _lane_count(self, road: str) -> int:
        count = self._lanes.get(road)
        if count is None:
            count = self._lanes[road] = int(self._sumo.edge.getLaneNumber(road))
        return count

    def step(
        self,
        dt_s: float,
        controls: DriverControls,
        command: MrmCommand,
        assist: AssistCommand = NO_ASSIST,  # AEB acts in a forward test; no LKA here
    ) -> VehicleStatus:
        try:
            self._t += dt_s
            if self.settings.target is not None:
                return self._test_step(dt_s, controls, command, assist)
            return self._step(dt_s, controls, command)
        except DmsError:
            raise
        except Exception as exc:  # libsumo's and TraCI's own exceptions, a lost connection
            raise SimulatorError(f"SUMO, vehicle {self.ego!r}: {exc}") from exc

    def _step(self, dt_s: float, controls: DriverControls, command: MrmCommand) -> VehicleStatus:
        sumo, ego_id, step_s = self._sumo, self.ego, self.step_s
        vehicle = sumo.vehicle
        speed = vehicle.getSpeed(ego_id)
        signals = 0
        if command.active:
            signals = HAZARD_BIT | self._mrm_lane_change(command)
            if speed > 0.0:
                duration = max(step_s, speed / max(command.target_decel_mps2, 0.1))
                vehicle.slowDown(ego_id, 0.0, duration)
            else:
                vehicle.setSpeed(ego_id, 0.0)  # hold the stop in lane
        else:
            vehicle.setSpeed(ego_id, -1.0)  # back to SUMO's driver model
            vehicle.setMaxSpeed(
                ego_id, max(controls.target_speed_mps, 0.01) if controls.ignition_on else 0.01
            )
        vehicle.setSignals(ego_id, signals if command.active else -1)
        self._advance(dt_s)
        return self._status(controls, command)

    def _test_step(
        self, dt_s: float, controls: DriverControls, command: MrmCommand, assist: AssistCommand
    ) -> VehicleStatus:
        """A forward test: the target added when due, the ego's speed set by dms."""
        sumo, ego_id, target = self._sumo, self.ego, self.settings.target
        assert target is not None
        vehicle = sumo.vehicle
        if not self._target_added and self._t >= target.appear_s:
            self._add_target(target)
        speed = vehicle.getSpeed(ego_id)
        decel = max(
            command.target_decel_mps2 if command.active else 0.0,
            controls.brake_decel_mps2,
            assist.aeb_decel_mps2,
        )
        if self._collision is not None:
            wanted = 0.0
        elif decel > 0.0:
            wanted = max(0.0, speed - min(decel, _MAX_DECEL_MPS2) * dt_s)
        else:
            goal = controls.target_speed_mps if controls.ignition_on else 0.0
            change = goal - speed
            limit = (_DRIVER_ACCEL_MPS2 if change > 0 else _DRIVER_DECEL_MPS2) * dt_s
            wanted = speed + max(-limit, min(limit, change))
        vehicle.setSpeed(ego_id, wanted)
        signals = HAZARD_BIT | self._mrm_lane_change(command) if command.active else -1
        vehicle.setSignals(ego_id, signals)
        closing_before = self._closing()
        self._advance(dt_s)
        if self._collision is None and ego_id in sumo.simulation.getCollidingVehiclesIDList():
            self._collision = Collision(
                t_s=self._t,
                impact_speed_mps=max(closing_before, 0.0),
                overlap_pct=overlap_pct(target.offset_m, target.width_m),
            )
        return self._status(controls, command)

    def _mrm_lane_change(self, command: MrmCommand) -> int:
        """During an MRM's lane change, one lane toward the commanded one; the blinker's
        signal bit while it moves (0 otherwise)."""
        if command.state is not MrmState.LANE_CHANGE:
            return 0
        vehicle, ego_id = self._sumo.vehicle, self.ego
        lane = vehicle.getLaneIndex(ego_id)
        if lane == command.target_lane:
            return 0
        left = command.target_lane > lane  # lanes count from the right
        vehicle.changeLane(ego_id, lane + (1 if left else -1), LANE_CHANGE_S)
        return LEFT_BLINKER_BIT if left else RIGHT_BLINKER_BIT

    def _add_target(self, target: Target) -> None:
        vehicle, ego_id = self._sumo.vehicle, self.ego
        length = self._sumo.vehicletype.getLength(_TARGET_TYPES[target.kind])
        vehicle.add(
            TARGET_ID,
            _ROUTE,
            typeID=_TARGET_TYPES[target.kind],
            depart="now",
            departLane=str(vehicle.getLaneIndex(ego_id)),
            departPos=f"{vehicle.getLanePosition(ego_id) + target.range_m + length}",
            departSpeed=f"{target.speed_mps}",
        )
        vehicle.setLaneChangeMode(TARGET_ID, 0)
        vehicle.setSpeedMode(TARGET_ID, 0)
        vehicle.setSpeed(TARGET_ID, target.speed_mps)
        self._target_added = True

    def _closing(self) -> float:
        if not self._target_added:
            return 0.0
        vehicle = self._sumo.vehicle
        return float(vehicle.getSpeed(self.ego) - vehicle.getSpeed(TARGET_ID))

    def _advance(self, dt_s: float) -> None:
        """Step SUMO by whole steps of its step length, carrying the rest over."""
        self._pending_s += dt_s
        steps = max(1, math.floor(self._pending_s / self.step_s + 1e-9))
        self._pending_s -= steps * self.step_s
        for _ in range(steps):
            self._sumo.simulationStep()

    def _ahead(self) -> dict[str, Any]:
        """What the car's radar sees of the test target (nothing else is a target here)."""
        target = self.settings.target
        if target is None or not self._target_added:
            return {}
        vehicle, ego_id = self._sumo.vehicle, self.ego
        leader = vehicle.getLeader(ego_id, 300.0)
        crashed = self._collision is not None
        if not crashed and (not leader or leader[0] != TARGET_ID):
            return {"collision": None}
        range_m = 0.0 if crashed else float(leader[1]) + float(vehicle.getMinGap(ego_id))
        return {
            "target": target.kind,
            "target_range_m": max(range_m, 0.0),
            "target_closing_mps": 0.0 if crashed else self._closing(),
            "target_overlap_pct": overlap_pct(target.offset_m, target.width_m),
            "collision": self._collision,
        }

    def _status(self, controls: DriverControls, command: MrmCommand) -> VehicleStatus:
        vehicle, ego_id = self._sumo.vehicle, self.ego
        signals = vehicle.getSignals(ego_id)
        turning = (
            TurnSignal.RIGHT
            if signals & RIGHT_BLINKER_BIT
            else TurnSignal.LEFT
            if signals & LEFT_BLINKER_BIT
            else TurnSignal.OFF
        )
        return VehicleStatus(
            speed_mps=vehicle.getSpeed(ego_id),
            accel_mps2=vehicle.getAcceleration(ego_id),
            position_m=vehicle.getDistance(ego_id),
            lane_index=vehicle.getLaneIndex(ego_id),
            lane_count=self._lane_count(vehicle.getRoadID(ego_id)),
            lane_offset_m=vehicle.getLateralLanePosition(ego_id),
            hazard_lights=bool(signals & HAZARD_BIT),
            turn_signal=turning,
            driver_input=controls.inputs,
            ignition_on=controls.ignition_on,
            assist_engaged=not command.active and controls.ignition_on,
            **self._ahead(),
        )

    def close(self) -> None:
        self._sumo.close()
