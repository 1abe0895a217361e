"""The same vehicle interface on Eclipse SUMO (libsumo, runs here) and CARLA (client only)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from dms.bus.enums import MrmState
from dms.errors import ConfigError
from dms.vehicle.model import DriverControls, MrmCommand
from dms.vehicle.sumo import HAZARD_BIT, SumoSettings, SumoVehicle, packaged_network

CRUISE = DriverControls(target_speed_mps=30.0)


def test_sumo_stops_the_ego_in_the_rightmost_lane_with_the_hazard_bit() -> None:
    libsumo = pytest.importorskip("libsumo", reason="libsumo is not installed")
    car = SumoVehicle(SumoSettings(start_lane=2, seed=3), speed_mps=30.0)
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


def own_sumo_config(folder: Path, *, hero_departs_s: float = 2.0) -> Path:
    """A .sumocfg of a user's own: the packaged network, their own routes and ego."""
    routes = folder / "own.rou.xml"
    routes.write_text(
        textwrap.dedent(
            f"""\
            <routes>
                <vType id="sedan" accel="2.0" decel="4.5" maxSpeed="38"/>
                <route id="east" edges="motorway"/>
                <vehicle id="lorry" type="sedan" route="east" depart="0" departLane="2"/>
                <vehicle id="hero" type="sedan" route="east" depart="{hero_departs_s}"
                         departLane="0" departSpeed="25"/>
            </routes>
            """
        )
    )
    config = folder / "own.sumocfg"
    config.write_text(
        textwrap.dedent(
            f"""\
            <configuration>
                <input>
                    <net-file value="{packaged_network()}"/>
                    <route-files value="{routes}"/>
                </input>
                <time><step-length value="0.5"/></time>
            </configuration>
            """
        )
    )
    return config


def test_sumo_runs_a_config_of_ones_own_with_its_ego_and_step_length(tmp_path: Path) -> None:
    libsumo = pytest.importorskip("libsumo", reason="libsumo is not installed")
    settings = SumoSettings(config=own_sumo_config(tmp_path), ego="hero", step_length_s=0.1)
    car = SumoVehicle(settings, speed_mps=25.0)
    try:
        assert car.step_s == pytest.approx(0.1)  # --step-length overrides the config's 0.5
        departed = libsumo.simulation.getTime()
        assert 2.0 <= departed <= 2.3  # dms waited for the user's ego to depart
        for _ in range(20):
            status = car.step(0.1, CRUISE, MrmCommand())
        assert libsumo.simulation.getTime() == pytest.approx(departed + 2.0)
        assert status.lane_count == 3 and status.speed_mps > 20.0
        for _ in range(200):
            status = car.step(0.1, CRUISE, MrmCommand(MrmState.DECELERATING, 3.0, 0, True))
        assert status.standstill and status.hazard_lights
    finally:
        car.close()


def test_an_ego_that_never_departs_is_one_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("libsumo", reason="libsumo is not installed")
    settings = SumoSettings(config=own_sumo_config(tmp_path), ego="nobody", ego_wait_s=3.0)
    with pytest.raises(ConfigError, match=r"vehicle 'nobody' did not depart .* --ego ID"):
        SumoVehicle(settings)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sumo_attaches_to_a_running_sumo_over_traci(tmp_path: Path) -> None:
    traci = pytest.importorskip("traci", reason="traci is not installed")
    binary = shutil.which("sumo", path=str(Path(sys.executable).parent)) or shutil.which("sumo")
    if binary is None:
        pytest.skip("no sumo binary (pip install eclipse-sumo)")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "-c", str(own_sumo_config(tmp_path, hero_departs_s=1.0)),
         "--remote-port", str(port), "--no-step-log", "true"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        car = SumoVehicle(SumoSettings(port=port, ego="hero"), speed_mps=25.0)
        try:
            assert car.step_s == 0.5  # the running SUMO's own step length
            for _ in range(10):
                status = car.step(0.5, CRUISE, MrmCommand())
            assert status.speed_mps > 20.0
            for _ in range(40):
                status = car.step(0.5, CRUISE, MrmCommand(MrmState.DECELERATING, 3.0, 0, True))
            assert status.standstill and status.hazard_lights
            assert traci.vehicle.getSignals("hero") & HAZARD_BIT
        finally:
            car.close()
        assert server.wait(timeout=10) == 0
    finally:
        server.kill()


def test_attaching_to_no_sumo_is_one_clear_error() -> None:
    pytest.importorskip("traci", reason="traci is not installed")
    with pytest.raises(ConfigError, match=r"cannot attach to SUMO at localhost:\d+"):
        SumoVehicle(SumoSettings(port=_free_port(), attach_wait_s=1))


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
        import carla

        self.actor = actor
        self.ticks = 0
        self.settings = carla.WorldSettings()  # the real client class: asynchronous
        self.applied: list[Any] = []

    def get_settings(self) -> Any:
        import carla

        copy = carla.WorldSettings()
        copy.synchronous_mode = self.settings.synchronous_mode
        copy.fixed_delta_seconds = self.settings.fixed_delta_seconds
        return copy

    def apply_settings(self, settings: Any) -> None:
        self.settings = settings
        self.applied.append(settings)

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


def test_carla_drives_in_synchronous_mode_brakes_and_sets_hazards() -> None:
    carla = pytest.importorskip("carla", reason="the carla client package is not installed")
    from dms.vehicle.carla_vehicle import CarlaSettings, CarlaVehicle

    actor = FakeActor(speed=20.0)
    world = FakeWorld(actor)
    car = CarlaVehicle(CarlaSettings(fixed_delta_s=0.05), client=FakeClient(world))
    assert world.settings.synchronous_mode and world.settings.fixed_delta_seconds == 0.05
    status = car.step(0.05, CRUISE, MrmCommand())
    control = actor.controls[-1]
    assert isinstance(control, carla.VehicleControl) and control.throttle > 0 and control.brake == 0
    assert status.speed_mps > 20.0 and not status.hazard_lights and world.ticks == 1
    car.step(0.1, CRUISE, MrmCommand())
    assert world.ticks == 3  # 0.1 s is two fixed deltas
    for _ in range(200):  # 20 m/s at 2.5 m/s²: 8 s
        status = car.step(0.05, CRUISE, MrmCommand(MrmState.DECELERATING, 2.5, 0, True))
    assert status.standstill and actor.controls[-1].hand_brake
    both = carla.VehicleLightState.LeftBlinker | carla.VehicleLightState.RightBlinker
    assert int(actor.lights[-1]) == int(both)
    car.close()
    assert not world.settings.synchronous_mode  # the server's own mode is back


def test_carla_observe_only_reads_the_car_and_acts_only_for_the_mrm() -> None:
    carla = pytest.importorskip("carla", reason="the carla client package is not installed")
    from dms.vehicle.carla_vehicle import CarlaSettings, CarlaVehicle

    actor = FakeActor(speed=22.0)
    world = FakeWorld(actor)
    car = CarlaVehicle(CarlaSettings(observe_only=True), client=FakeClient(world))
    for _ in range(20):
        status = car.step(0.05, CRUISE, MrmCommand())
    assert status.speed_mps == 22.0 and status.position_m == pytest.approx(22.0)
    assert actor.controls == [] and actor.lights == [] and world.ticks == 0
    assert world.applied == []  # the world keeps its mode and its clock
    car.step(0.05, CRUISE, MrmCommand(MrmState.DECELERATING, 3.0, 0, True))
    assert actor.controls[-1].brake > 0 and actor.controls[-1].throttle == 0
    both = carla.VehicleLightState.LeftBlinker | carla.VehicleLightState.RightBlinker
    assert int(actor.lights[-1]) == int(both)
    car.step(0.05, CRUISE, MrmCommand(MrmState.CANCELLED))
    released = actor.controls[-1]
    assert (released.throttle, released.brake, released.hand_brake) == (0.0, 0.0, False)
    assert int(actor.lights[-1]) == int(carla.VehicleLightState.NONE)
    count = len(actor.controls)
    car.step(0.05, CRUISE, MrmCommand())
    assert len(actor.controls) == count  # the driver's car again


def test_carla_without_a_server_is_one_clear_error() -> None:
    pytest.importorskip("carla", reason="the carla client package is not installed")
    from dms.vehicle.carla_vehicle import CarlaSettings, CarlaVehicle

    with pytest.raises(ConfigError, match=r"cannot reach a CARLA server at localhost:2999"):
        CarlaVehicle(CarlaSettings(port=2999, timeout_s=0.5))
