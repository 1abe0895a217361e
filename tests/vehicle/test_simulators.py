"""The same vehicle interface on Eclipse SUMO (libsumo, runs here) and CARLA (client only)."""

from __future__ import annotations

from typing import Any

import pytest

from dms.bus.enums import MrmState
from dms.errors import ConfigError
from dms.vehicle.model import DriverControls, MrmCommand
from dms.vehicle.sumo import HAZARD_BIT, SumoVehicle

CRUISE = DriverControls(target_speed_mps=30.0)


def test_sumo_stops_the_ego_in_the_rightmost_lane_with_the_hazard_bit() -> None:
    libsumo = pytest.importorskip("libsumo", reason="libsumo is not installed")
    car = SumoVehicle(speed_mps=30.0, start_lane=2, seed=3)
    try:
        for _ in range(60):
            status = car.step(0.05, CRUISE, MrmCommand())
        assert status.speed_mps == pytest.approx(30.0, abs=1.0) and status.lane_index == 2
        for _ in range(100):
            status = car.step(0.05, CRUISE, MrmCommand(MrmState.LANE_CHANGE, 1.0, 0, True))
        assert status.lane_index == 0
        for _ in range(400):
            status = car.step(0.05, CRUISE, MrmCommand(MrmState.DECELERATING, 2.5, 0, True))
        assert status.standstill and status.lane_index == 0 and status.hazard_lights
        assert libsumo.vehicle.getSignals("ego") & HAZARD_BIT
        assert libsumo.vehicle.getRoadID("ego") == "motorway"  # stopped in lane, not removed
        assert libsumo.vehicle.getIDCount() > 1  # traffic flows on around it
    finally:
        car.close()


class FakeVector:
    def __init__(self, speed: float) -> None:
        self._speed = speed

    def length(self) -> float:
        return self._speed


class FakeActor:
    """A CARLA vehicle actor, as far as the adapter uses it."""

    def __init__(self, speed: float) -> None:
        self.attributes = {"role_name": "hero"}
        self.speed = speed
        self.controls: list[Any] = []
        self.lights: list[Any] = []

    def get_velocity(self) -> FakeVector:
        return FakeVector(self.speed)

    def apply_control(self, control: Any) -> None:
        self.controls.append(control)
        self.speed = max(0.0, self.speed + 0.05 * (4.0 * control.throttle - 8.0 * control.brake))

    def set_light_state(self, state: Any) -> None:
        self.lights.append(state)


class FakeWorld:
    def __init__(self, actor: FakeActor) -> None:
        self.actor = actor
        self.ticks = 0

    def get_actors(self) -> Any:
        actor = self.actor

        class Actors:
            def filter(self, pattern: str) -> list[FakeActor]:
                return [actor] if pattern == "vehicle.*" else []

        return Actors()

    def tick(self) -> None:
        self.ticks += 1


class FakeClient:
    def __init__(self, world: FakeWorld) -> None:
        self.world = world

    def get_world(self) -> FakeWorld:
        return self.world


def test_carla_adapter_drives_brakes_and_sets_hazards_with_the_real_client_classes() -> None:
    carla = pytest.importorskip("carla", reason="the carla client package is not installed")
    from dms.vehicle.carla_vehicle import CarlaVehicle

    actor = FakeActor(speed=20.0)
    world = FakeWorld(actor)
    car = CarlaVehicle(client=FakeClient(world))
    status = car.step(0.05, CRUISE, MrmCommand())
    control = actor.controls[-1]
    assert isinstance(control, carla.VehicleControl) and control.throttle > 0 and control.brake == 0
    assert status.speed_mps > 20.0 and not status.hazard_lights and world.ticks == 1
    for _ in range(200):  # 20 m/s at 2.5 m/s²: 8 s
        status = car.step(0.05, CRUISE, MrmCommand(MrmState.DECELERATING, 2.5, 0, True))
    assert status.standstill and actor.controls[-1].hand_brake
    both = carla.VehicleLightState.LeftBlinker | carla.VehicleLightState.RightBlinker
    assert int(actor.lights[-1]) == int(both)


def test_carla_without_a_server_is_one_clear_error() -> None:
    pytest.importorskip("carla", reason="the carla client package is not installed")
    from dms.vehicle.carla_vehicle import CarlaVehicle

    with pytest.raises(ConfigError, match=r"cannot reach a CARLA server at localhost:2999"):
        CarlaVehicle(port=2999, timeout_s=0.5)
