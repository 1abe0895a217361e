"""CARLA as the vehicle simulator, through the ``carla`` client package (PyPI).

Same interface as the other vehicles: the driver's wanted speed (or the ECU's minimal-risk
manoeuvre) becomes throttle and brake through ``apply_control``; hazard lights are both
blinkers via ``set_light_state``; speed comes from ``get_velocity``. The CARLA server
cannot run on this project's CI machines, so the tests drive this adapter with stand-in
world and actor objects and the real client-side classes (``VehicleControl``,
``VehicleLightState``); a missing server is one clear :class:`ConfigError`.
"""

from __future__ import annotations

from typing import Any

from dms.bus.enums import TurnSignal
from dms.errors import ConfigError
from dms.vehicle.model import DriverControls, MrmCommand, Vehicle, VehicleStatus

__all__ = ["CarlaVehicle"]

#: Throttle / brake per m/s of speed error, and the deceleration full braking gives.
SPEED_GAIN = 0.25
FULL_BRAKE_MPS2 = 8.0


def _carla() -> Any:
    try:
        import carla
    except ImportError as exc:
        raise ConfigError(
            f"the CARLA adapter needs the carla client package (pip install carla): {exc}"
        ) from exc
    return carla


class CarlaVehicle(Vehicle):
    """The ego ("hero") vehicle of a running CARLA server."""

    name = "carla"

    def __init__(
        self,
        host: str = "localhost",
        port: int = 2000,
        *,
        role_name: str = "hero",
        timeout_s: float = 5.0,
        client: Any = None,
    ) -> None:
        self._carla = carla = _carla()
        try:
            if client is None:
                client = carla.Client(host, port)
                client.set_timeout(timeout_s)
            self._world = client.get_world()
            self._actor = self._find_ego(role_name)
        except RuntimeError as exc:
            raise ConfigError(f"cannot reach a CARLA server at {host}:{port}: {exc}") from exc
        self._position = 0.0
        self._last_speed = 0.0

    def _find_ego(self, role_name: str) -> Any:
        for actor in self._world.get_actors().filter("vehicle.*"):
            if actor.attributes.get("role_name") == role_name:
                return actor
        raise ConfigError(f"no vehicle with role_name {role_name!r} in the CARLA world")

    def step(self, dt_s: float, controls: DriverControls, command: MrmCommand) -> VehicleStatus:
        carla = self._carla
        speed = self._actor.get_velocity().length()
        if command.active:
            wanted = max(0.0, speed - command.target_decel_mps2 * max(dt_s, 0.05))
            control = carla.VehicleControl(
                throttle=0.0,
                brake=min(1.0, command.target_decel_mps2 / FULL_BRAKE_MPS2) if speed > 0.1 else 1.0,
                hand_brake=speed <= 0.1,
            )
        else:
            wanted = controls.target_speed_mps if controls.ignition_on else 0.0
            error = wanted - speed
            control = carla.VehicleControl(
                throttle=min(1.0, max(0.0, SPEED_GAIN * error)),
                brake=min(1.0, max(0.0, -SPEED_GAIN * error)),
            )
        self._actor.apply_control(control)
        lights = carla.VehicleLightState.NONE
        if command.hazard_request:
            lights = carla.VehicleLightState.LeftBlinker | carla.VehicleLightState.RightBlinker
        self._actor.set_light_state(carla.VehicleLightState(lights))
        self._world.tick()
        new_speed = self._actor.get_velocity().length()
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
