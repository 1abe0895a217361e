"""Scenario replay: the synthetic driver in front of the camera module, everything on a bus.

One thread, one simulated clock: each camera frame the vehicle publishes its state when
due, the module turns the synthetic face observation into DMS messages, and an observer
decodes what went over the bus. Faster than real time unless ``realtime``.
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
    FrameStatus,
    Publisher,
    Receiver,
    VehState,
    open_bus,
    open_log_writer,
)
from dms.bus.enums import DriverInput, TurnSignal
from dms.events import Event
from dms.scenario.behaviour import build_ground_truth, sensor_rng
from dms.scenario.expectations import ExpectationResult, check_expectations
from dms.scenario.model import Scenario
from dms.sensor.module import CameraModule
from dms.sensor.observation import FaceObservation
from dms.sensor.synthetic import SyntheticFace

__all__ = ["ReplayResult", "Sample", "run_scenario"]

#: The timeline plot samples the bus this often.
SAMPLE_PERIOD_S = 0.1
#: Frames of the synthetic face rendered together.
RENDER_CHUNK = 128


@dataclass(frozen=True, slots=True)
class Sample:
    """What the bus said at one moment, for the timeline plot."""

    t_s: float
    eye_open: float  # NaN when the eyes cannot be seen
    eyes_on_road: bool
    perclos_pct: float
    drowsiness_level: int
    speed_kph: float


@dataclass
class ReplayResult:
    scenario: Scenario
    events: list[Event]
    expectations: list[ExpectationResult]
    wall_s: float
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
        self._face: DmsFaceState | None = None
        self._distraction: DmsDistraction | None = None
        self._drowsiness: DmsDrowsiness | None = None
        self._vehicle: VehState | None = None

    def poll(self, t_s: float) -> None:
        while (frame := self._bus.recv(timeout=0.0)) is not None:
            message = self.receiver.receive_can(frame).message
            if isinstance(message, DmsFaceState):
                self._face = message
            elif isinstance(message, DmsDistraction):
                self._distraction = message
            elif isinstance(message, DmsDrowsiness):
                self._drowsiness = message
            elif isinstance(message, VehState):
                self._vehicle = message
        if t_s + 1e-9 >= self._next_sample:
            self._next_sample += SAMPLE_PERIOD_S
            self.samples.append(self._sample(t_s))

    def _sample(self, t_s: float) -> Sample:
        face, distraction, drowsiness = self._face, self._distraction, self._drowsiness
        visible = face is not None and face.face_present and face.eyes_visible
        return Sample(
            t_s=t_s,
            eye_open=(face.eye_open_left_ratio + face.eye_open_right_ratio) / 2
            if visible and face
            else float("nan"),
            eyes_on_road=distraction.eyes_on_road if distraction else True,
            perclos_pct=drowsiness.perclos_pct if drowsiness else 0.0,
            drowsiness_level=drowsiness.drowsiness_level if drowsiness else 1,
            speed_kph=self._vehicle.speed_mps * 3.6 if self._vehicle else 0.0,
        )


class _ScriptedVehicle:
    """The scenario's speed profile as VEH_State, at the message's period."""

    def __init__(self, publisher: Publisher, bus: can.BusABC, scenario: Scenario) -> None:
        self._publisher = publisher
        self._bus = bus
        self._speed = scenario.speed
        self._period = VehState.SPEC.period_s
        self._next = 0.0
        self._position = 0.0
        self._last = 0.0

    def step(self, t_s: float) -> None:
        while self._bus.recv(timeout=0.0) is not None:
            pass  # a scripted vehicle takes no commands; keep its queue empty
        if t_s + 1e-9 < self._next:
            return
        speed = self._speed.mps(t_s)
        self._position += speed * (t_s - self._last)
        self._last = t_s
        self._next += self._period
        self._publisher.send(
            VehState.saturated(
                speed_mps=speed,
                accel_mps2=(self._speed.mps(t_s + 0.5) - self._speed.mps(t_s)) / 0.5,
                position_m=self._position,
                lane_index=1,
                lane_count=3,
                lane_offset_m=0.0,
                hazard_lights=False,
                turn_signal=TurnSignal.OFF,
                driver_input=DriverInput.STEERING,
                ignition_on=True,
                assist_engaged=False,
            ),
            t_s,
        )


def run_scenario(
    scenario: Scenario,
    *,
    bus_spec: str | None = None,
    log_path: Path | None = None,
    key: bytes | None = None,
    realtime: bool = False,
    progress: Callable[[float], None] | None = None,
) -> ReplayResult:
    """Replay ``scenario`` and check its expectations."""
    truth = build_ground_truth(scenario)
    face = SyntheticFace(
        sensor_rng(scenario),
        eye_aperture=scenario.driver.eye_aperture,
        noise_px=scenario.sensor.noise_px,
    )
    spec = bus_spec or f"loopback:replay-{uuid.uuid4().hex[:12]}"
    events: list[Event] = []
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        module_bus = stack.enter_context(open_bus(spec))
        vehicle_bus = stack.enter_context(open_bus(spec))
        observer_bus = stack.enter_context(open_bus(spec))
        taps = []
        if log_path is not None:
            logger = open_log_writer(log_path)
            stack.callback(logger.stop)
            taps.append(logger.on_message_received)
        module = CameraModule(Publisher(module_bus, key=key, taps=taps), listen=module_bus, key=key)
        vehicle = _ScriptedVehicle(
            Publisher(vehicle_bus, key=key, taps=taps), vehicle_bus, scenario
        )
        observer = _BusObserver(observer_bus, key)
        fps = scenario.fps
        frames = len(truth)
        report_every = max(1, frames // 100)
        observations: list[FaceObservation | None] = []
        for i in range(frames):
            t_s = i / fps
            if i % RENDER_CHUNK == 0:
                observations = face.render(truth.poses.window(i, i + RENDER_CHUNK))
            vehicle.step(t_s)
            state = module.process(observations[i % RENDER_CHUNK], t_s)
            events.extend(state.events)
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
        samples=observer.samples,
        bus_counts=observer.receiver.counts,
    )
