"""Scenario replay: the synthetic driver in front of the camera module, in a car, on a bus.

One thread, one simulated clock. Every camera frame: the vehicle simulator steps when its
``VEH_State`` is due (taking the ECU's MRM command), the camera module turns the synthetic
face observation into DMS messages, the ECU turns those into its response, and an
observer decodes what went over the bus for the plot. Four bus nodes, as in a car; they
share nothing but the bus. Faster than real time unless ``realtime``.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import can

from dms.bus import (
    DmsDistraction,
    DmsDrowsiness,
    DmsFaceState,
    EcuHmi,
    EcuMrm,
    FrameStatus,
    Publisher,
    Receiver,
    VehState,
    open_bus,
    open_log_writer,
)
from dms.bus.enums import MrmState
from dms.errors import ConfigError
from dms.events import Event
from dms.scenario.behaviour import build_ground_truth, sensor_rng
from dms.scenario.controls import DriverTimeline, FaultyLink
from dms.scenario.expectations import ExpectationResult, check_expectations
from dms.scenario.model import Scenario
from dms.sensor.module import CameraModule
from dms.sensor.observation import FaceObservation
from dms.sensor.synthetic import SyntheticFace
from dms.vehicle.builtin import BuiltinSettings, BuiltinVehicle
from dms.vehicle.ecu import EcuNode
from dms.vehicle.model import Vehicle
from dms.vehicle.sim import SimNode

__all__ = ["SIMULATORS", "ReplayResult", "Sample", "make_vehicle", "run_scenario"]

#: The timeline plot samples the bus this often.
SAMPLE_PERIOD_S = 0.1
#: Frames of the synthetic face rendered together.
RENDER_CHUNK = 128
SIMULATORS = ("builtin", "sumo")


@dataclass(frozen=True, slots=True)
class Sample:
    """What the bus said at one moment, for the timeline plot."""

    t_s: float
    eye_open: float  # NaN when the eyes cannot be seen
    eyes_on_road: bool
    perclos_pct: float
    drowsiness_level: int
    speed_kph: float
    alert_level: int
    mrm: bool


@dataclass
class ReplayResult:
    scenario: Scenario
    events: list[Event]
    expectations: list[ExpectationResult]
    wall_s: float
    simulator: str = "builtin"
    samples: list[Sample] = field(default_factory=list)
    bus_counts: Counter[tuple[str, FrameStatus]] = field(default_factory=Counter)

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.expectations)

    @property
    def speedup(self) -> float:
        return self.scenario.duration_s / self.wall_s if self.wall_s > 0 else float("inf")


class _BusObserver:
    """Decodes all traffic on its own bus connection and samples it for the plot."""

    def __init__(self, bus: can.BusABC, key: bytes | None) -> None:
        self._bus = bus
        self.receiver = Receiver(key=key)
        self.samples: list[Sample] = []
        self._next_sample = 0.0
        self._latest: dict[type, object] = {}

    def poll(self, t_s: float) -> None:
        latest = self._latest
        while (frame := self._bus.recv(timeout=0.0)) is not None:
            message = self.receiver.receive_can(frame).message
            if message is not None:
                latest[type(message)] = message
        if t_s + 1e-9 >= self._next_sample:
            self._next_sample += SAMPLE_PERIOD_S
            self.samples.append(self._sample(t_s))

    def _sample(self, t_s: float) -> Sample:
        face = self._latest.get(DmsFaceState)
        distraction = self._latest.get(DmsDistraction)
        drowsiness = self._latest.get(DmsDrowsiness)
        vehicle = self._latest.get(VehState)
        hmi = self._latest.get(EcuHmi)
        mrm = self._latest.get(EcuMrm)
        visible = isinstance(face, DmsFaceState) and face.face_present and face.eyes_visible
        return Sample(
            t_s=t_s,
            eye_open=(face.eye_open_left_ratio + face.eye_open_right_ratio) / 2
            if visible and isinstance(face, DmsFaceState)
            else float("nan"),
            eyes_on_road=distraction.eyes_on_road
            if isinstance(distraction, DmsDistraction)
            else True,
            perclos_pct=drowsiness.perclos_pct if isinstance(drowsiness, DmsDrowsiness) else 0.0,
            drowsiness_level=drowsiness.drowsiness_level
            if isinstance(drowsiness, DmsDrowsiness)
            else 1,
            speed_kph=vehicle.speed_mps * 3.6 if isinstance(vehicle, VehState) else 0.0,
            alert_level=int(hmi.alert_level) if isinstance(hmi, EcuHmi) else 0,
            mrm=isinstance(mrm, EcuMrm)
            and mrm.state not in (MrmState.INACTIVE, MrmState.CANCELLED),
        )


def make_vehicle(scenario: Scenario, simulator: str) -> Vehicle:
    """The scenario's vehicle in the named simulator, at the scenario's starting speed."""
    profile = scenario.vehicle
    speed = profile.speed.mps(0.0)
    if simulator == "builtin":
        settings = BuiltinSettings(lanes=profile.lanes, start_lane=profile.start_lane)
        return BuiltinVehicle(settings, speed_mps=speed)
    if simulator == "sumo":
        from dms.vehicle.sumo import SumoVehicle

        return SumoVehicle(speed_mps=speed, start_lane=profile.start_lane, seed=scenario.seed)
    raise ConfigError(f"unknown simulator {simulator!r}; one of {', '.join(SIMULATORS)}")


def run_scenario(
    scenario: Scenario,
    *,
    simulator: str | None = None,
    bus_spec: str | None = None,
    log_path: Path | None = None,
    key: bytes | None = None,
    realtime: bool = False,
    progress: Callable[[float], None] | None = None,
) -> ReplayResult:
    """Replay ``scenario`` (in ``simulator``, default the scenario's) and check its expectations."""
    simulator = simulator or scenario.vehicle.sim
    truth = build_ground_truth(scenario)
    face = SyntheticFace(
        sensor_rng(scenario),
        eye_aperture=scenario.driver.eye_aperture,
        noise_px=scenario.sensor.noise_px,
    )
    driver = DriverTimeline(scenario)
    spec = bus_spec or f"loopback:replay-{uuid.uuid4().hex[:12]}"
    events: list[Event] = []
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        buses = [stack.enter_context(open_bus(spec)) for _ in range(4)]
        module_bus, ecu_bus, vehicle_bus, observer_bus = buses
        taps = []
        if log_path is not None:
            logger = open_log_writer(log_path)
            stack.callback(logger.stop)
            taps.append(logger.on_message_received)
        vehicle = make_vehicle(scenario, simulator)
        stack.callback(vehicle.close)
        link = FaultyLink(module_bus, scenario)
        module = CameraModule(Publisher(link, key=key, taps=taps), listen=module_bus, key=key)
        ecu = EcuNode(ecu_bus, Publisher(ecu_bus, key=key, taps=taps), key=key)
        sim = SimNode(vehicle, vehicle_bus, Publisher(vehicle_bus, key=key, taps=taps), key=key)
        observer = _BusObserver(observer_bus, key)
        fps = scenario.fps
        frames = len(truth)
        report_every = max(1, frames // 100)
        observations: list[FaceObservation | None] = []
        for i in range(frames):
            t_s = i / fps
            if i % RENDER_CHUNK == 0:
                observations = face.render(truth.poses.window(i, i + RENDER_CHUNK))
            sim.step(t_s, driver.controls(t_s))
            events.extend(module.process(observations[i % RENDER_CHUNK], t_s).events)
            events.extend(ecu.step(t_s).events)
            observer.poll(t_s)
            if realtime:
                lag = started + t_s - time.perf_counter()
                if lag > 0:
                    time.sleep(lag)
            if progress is not None and i % report_every == 0:
                progress(t_s)
        end_s = frames / fps
        events.extend(module.finish(end_s))
        observer.poll(end_s)
    wall_s = time.perf_counter() - started
    events.sort(key=lambda event: event.t_s)
    return ReplayResult(
        scenario=scenario,
        events=events,
        expectations=check_expectations(scenario.expectations, events),
        wall_s=wall_s,
        simulator=simulator,
        samples=observer.samples,
        bus_counts=observer.receiver.counts,
    )
