"""CARLA as the vehicle simulator, through the ``carla`` client package (PyPI).

Two ways to run, as CARLA users do:

- **driving** (default): dms owns the clock and the car. It switches the world to
  synchronous mode with a fixed delta (restored on close), ticks it once per delta, and
  turns the driver's wanted speed (or the ECU's minimal-risk manoeuvre) into throttle and
  brake through ``apply_control``.
- **observe-only**: another client (the driving simulator, a person at a wheel) drives
  the car and ticks the world. dms only reads the ego's speed; it takes control only for a
  minimal-risk manoeuvre, and hands it back once the manoeuvre ends.

Hazard lights are both blinkers via ``set_light_state``. The CARLA server cannot run on
this project's CI machines, so the tests drive this adapter with stand-in world and actor
objects and the real client-side classes (``VehicleControl``, ``VehicleLightState``); a
missing server is one clear :class:`ConfigError`.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from typing import Any

from dms.bus.enums import TurnSignal
from dms.errors import ConfigError, DmsError, SimulatorError
from dms.vehicle.model import (
    NO_ASSIST,
    AssistCommand,
    DriverControls,
    MrmCommand,
    Vehicle,
    VehicleStatus,
)

__all__ = ["CarlaSettings", "CarlaVehicle"]

#: Throttle / brake per m/s of speed error, and the deceleration full braking gives.
SPEED_GAIN = 0.25
FULL_BRAKE_MPS2 = 8.0
STOPPED_MPS = 0.1


@dataclass(frozen=True, slots=True, kw_only=True)
class CarlaSettings:
    """Where the CARLA server is, which actor is the ego, and who drives."""

    host: str = "localhost"
    port: int = 2000
    role_name: str = "hero"
    timeout_s: float = 5.0
    fixed_delta_s: float = 0.05  # synchronous mode: simulated seconds per world tick
    observe_only: bool = False  # another client drives and ticks; dms acts only for the MRM


def _carla() -> Any:
    try:
        import carla
    except ImportError as exc:
        raise ConfigError(
            f"the CARLA adapter needs the carla client package (pip install dms[carla]): {exc}"
        ) from exc
    return carla


class CarlaVehicle(Vehicle):
    """The ego ("hero") vehicle of a running CARLA server."""

    name = "carla"

    def __init__(self, settings: CarlaSettings | None = None, *, client: Any = None) -> None:
        self.settings = settings = settings or CarlaSettings()
        self._carla = carla = _carla()
        where = f"{settings.host}:{settings.port}"
        try:
            if client is None:
                client = carla.Client(settings.host, settings.port)
                client.set_timeout(settings.timeout_s)
            self._world = client.get_world()
            self._actor = self._find_ego(settings.role_name)
            self._restore: Any = None
            if not settings.observe_only:
                self._restore = self._world.get_settings()
                synchronous = self._world.get_settings()
                synchronous.synchronous_mode = True
                synchronous.fixed_delta_seconds = settings.fixed_delta_s
                self._world.apply_settings(synchronous)
        except RuntimeError as exc:
            raise ConfigError(f"cannot reach a CARLA server at {where}: {exc}") from exc
        self._position = 0.0
        self._pending_s = 0.0
        self._controlling = False  # observe-only: whether dms holds the car for an MRM

    def _find_ego(self, role_name: str) -> Any:
        for actor in self._world.get_actors().filter("vehicle.*"):
            if actor.attributes.get("role_name") == role_name:
                return actor
        raise ConfigError(f"no vehicle with role_name {role_name!r} in the CARLA world")

    def step(
        self,
        dt_s: float,
        controls: DriverControls,
        command: MrmCommand,
        assist: AssistCommand = NO_ASSIST,  # not acted on here yet
    ) -> VehicleStatus:
        try:
            return self._step(dt_s, controls, command)
        except DmsError:
            raise
        except RuntimeError as exc:  # the client's errors: a lost server, a destroyed actor
            raise SimulatorError(f"CARLA, vehicle {self.settings.role_name!r}: {exc}") from exc

    def _step(self, dt_s: float, controls: DriverControls, command: MrmCommand) -> VehicleStatus:
        carla, actor = self._carla, self._actor
        speed = actor.get_velocity().length()
        if command.active:
            actor.apply_control(
                carla.VehicleControl(
                    throttle=0.0,
                    brake=min(1.0, command.target_decel_mps2 / FULL_BRAKE_MPS2)
                    if speed > STOPPED_MPS
                    else 1.0,
                    hand_brake=speed <= STOPPED_MPS,
                )
            )
            self._controlling = True
        elif not self.settings.observe_only:
            wanted = controls.target_speed_mps if controls.ignition_on else 0.0
            error = wanted - speed
            actor.apply_control(
                carla.VehicleControl(
                    throttle=min(1.0, max(0.0, SPEED_GAIN * error)),
                    brake=min(1.0, max(0.0, -SPEED_GAIN * error)),
                )
            )
        elif self._controlling:  # the manoeuvre ended: the car is the driver's again
            actor.apply_control(carla.VehicleControl())
            actor.set_light_state(carla.VehicleLightState(carla.VehicleLightState.NONE))
            self._controlling = False
        self._set_lights(command)
        if not self.settings.observe_only:
            self._tick(dt_s)
        new_speed = actor.get_velocity().length()
        accel = (new_speed - speed) / dt_s if dt_s > 0 else 0.0
        self._position += (speed + new_speed) / 2.0 * dt_s
        return VehicleStatus(
            speed_mps=new_speed,
            accel_mps2=accel,
            position_m=self._position,
            lane_index=0,  # CARLA lane ids depend on the map; the adapter does not map them
            lane_count=1,
            lane_offset_m=0.0,
            hazard_lights=command.hazard_request,
            turn_signal=TurnSignal.OFF,
            driver_input=controls.inputs,
            ignition_on=controls.ignition_on,
            assist_engaged=not command.active and controls.ignition_on,
        )

    def _set_lights(self, command: MrmCommand) -> None:
        lights = self._carla.VehicleLightState
        if command.hazard_request:
            self._actor.set_light_state(lights(lights.LeftBlinker | lights.RightBlinker))
        elif not self.settings.observe_only:
            self._actor.set_light_state(lights(lights.NONE))

    def _tick(self, dt_s: float) -> None:
        """Advance the synchronous world by ``dt_s`` in whole fixed deltas."""
        delta = self.settings.fixed_delta_s
        self._pending_s += dt_s
        ticks = max(1, math.floor(self._pending_s / delta + 1e-9))
        self._pending_s -= ticks * delta
        for _ in range(ticks):
            self._world.tick()

    def close(self) -> None:
        if self._restore is not None:
            with contextlib.suppress(RuntimeError):  # a server that is gone needs nothing
                self._world.apply_settings(self._restore)  # back to the server's own mode
            self._restore = None
