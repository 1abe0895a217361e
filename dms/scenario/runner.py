"""Scenario replay: the synthetic driver in front of the camera module, in a car, on a bus.

One thread, one simulated clock. Every camera frame: the vehicle simulator steps when its
``VEH_State`` is due (taking the ECU's MRM command), the camera module turns the synthetic
face observation into DMS messages, the ECU turns those into its response, and an
observer decodes what went over the bus for the plot. Four bus nodes, as in a car; they
share nothing but the bus. Faster than real time unless ``realtime``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
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
from dms.bus.freshness import FreshnessStore
from dms.bus.inbox import Inbox
from dms.bus.keys import ROLES, KeyRing
from dms.events import Event
from dms.scenario.behaviour import build_ground_truth, sensor_rng
from dms.scenario.controls import FaultyLink
from dms.scenario.driver_model import DriverModel
from dms.scenario.expectations import ExpectationResult, check_expectations
from dms.scenario.metrics import Metrics, score
from dms.scenario.model import BehaviourKind, Scenario
from dms.scenario.road_watch import RoadWatch
from dms.scenario.support import SupportVerdict
from dms.sensor.features import FaceFeatures
from dms.sensor.module import CameraModule
from dms.sensor.synthetic import SyntheticFace
from dms.settings import Assignment, DmsSettings, Source, resolve
from dms.units import KPH
from dms.vehicle.ecu import EcuNode
from dms.vehicle.model import Vehicle
from dms.vehicle.sim import SimNode
from dms.vehicle.simulators import SimulatorOptions, make_vehicle

__all__ = ["Replay", "ReplayResult", "Sample", "run_scenario", "scenario_vehicle"]

#: The timeline plot samples the bus this often.
SAMPLE_PERIOD_S = 0.1
#: Frames of the synthetic face rendered (and measured) together: numpy calls amortise over
#: the chunk, whose arrays still fit in a few megabytes.
RENDER_CHUNK = 512
#: The parts of a replay whose wall time is kept: the synthetic driver rendering faces, the
#: camera module (features, estimators, its messages), the vehicle simulator with the
#: driver's controls, the ECU, and the observer decoding all traffic.
NODES = ("driver", "camera module", "vehicle", "ecu", "observer")


@dataclass(frozen=True, slots=True)
class Sample:
    """What the bus said at one moment, for the timeline plot."""

    t_s: float
    eye_open: float  # NaN when the eyes cannot be seen
    eyes_on_road: bool
    perclos_pct: float
    perclos_valid: bool
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
    #: wall time per part of the chain (see :data:`NODES`), bus traffic included
    node_wall_s: dict[str, float] = field(default_factory=dict)
    #: the effective settings, and where each value that is not a default came from
    settings: DmsSettings = field(default_factory=DmsSettings)
    settings_sources: dict[str, Source] = field(default_factory=dict)
    #: Euro NCAP's car responses judged against a run without the raise (replay --support)
    support: list[SupportVerdict] = field(default_factory=list)

    @property
    def metrics(self) -> Metrics:
        """The scripted situations against what the DMS reported (ground truth)."""
        return score(self.scenario, self.events)

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.expectations)

    @property
    def speedup(self) -> float:
        return self.scenario.duration_s / self.wall_s if self.wall_s > 0 else float("inf")


class _BusObserver:
    """Decodes all traffic on its own bus connection and samples it for the plot; the bus
    log, when there is one, records what it hears (as a CAN logger on the bus would: no
    frame a fault kept off the bus, corrupted frames as they arrived)."""

    def __init__(
        self, bus: can.BusABC, keys: KeyRing | None, log: can.Listener | None = None
    ) -> None:
        self._inbox = Inbox(bus)
        self._log = log
        self.receiver = Receiver(keys=keys)
        self.samples: list[Sample] = []
        self._next_sample = 0.0
        self._latest: dict[type, object] = {}

    def poll(self, t_s: float) -> None:
        """Take a sample when one is due; the traffic since the last one is decoded first."""
        if t_s + 1e-9 >= self._next_sample:
            self._next_sample += SAMPLE_PERIOD_S
            self.drain()
            self.samples.append(self._sample(t_s))

    def drain(self) -> None:
        """Decode every frame that has arrived."""
        latest = self._latest
        for frame in self._inbox.drain():
            if self._log is not None:
                self._log.on_message_received(frame)
            message = self.receiver.receive_can(frame).message
            if message is not None:
                latest[type(message)] = message

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
            perclos_valid=isinstance(drowsiness, DmsDrowsiness) and drowsiness.perclos_valid,
            drowsiness_level=drowsiness.drowsiness_level
            if isinstance(drowsiness, DmsDrowsiness)
            else 1,
            speed_kph=vehicle.speed_mps / KPH if isinstance(vehicle, VehState) else 0.0,
            alert_level=int(hmi.alert_level) if isinstance(hmi, EcuHmi) else 0,
            mrm=isinstance(mrm, EcuMrm)
            and mrm.state not in (MrmState.INACTIVE, MrmState.CANCELLED),
        )


def scenario_vehicle(
    scenario: Scenario, simulator: str, options: SimulatorOptions | None = None
) -> Vehicle:
    """The scenario's vehicle in the named simulator, at the scenario's starting speed."""
    profile = scenario.vehicle
    return make_vehicle(
        simulator,
        speed_mps=profile.speed.mps(0.0),
        lanes=profile.lanes,
        start_lane=profile.start_lane,
        seed=scenario.seed,
        road=profile.road,
        target=profile.target,
        options=options,
    )


class Replay:
    """A replay that advances a frame at a time, for runners that own the clock (the HUD).

    All four bus nodes sit on ``spec``; anyone may open another connection to it and
    listen (the HUD does). ``finish()`` closes everything and checks the expectations.
    """

    def __init__(
        self,
        scenario: Scenario,
        *,
        simulator: str | None = None,
        bus_spec: str | None = None,
        log_path: Path | None = None,
        master: bytes | None = None,
        persist_freshness: bool = False,
        options: SimulatorOptions | None = None,
        settings: Sequence[Assignment] = (),
    ) -> None:
        """``master``: the bus's master secret (``None``: a plain bus); every node derives
        its own key ring from it. Freshness state stays in memory unless
        ``persist_freshness`` (a replay signing with the live bus key). ``settings`` are
        the user's (a settings file, ``--set``), applied over the scenario's own."""
        self.scenario = scenario
        self.settings, self.settings_sources = resolve(scenario.settings, settings)
        self.simulator = simulator or scenario.vehicle.sim
        self.spec = bus_spec or f"loopback:replay-{uuid.uuid4().hex[:12]}"
        self._truth = build_ground_truth(scenario)
        self._face = SyntheticFace(
            sensor_rng(scenario),
            eye_aperture=scenario.driver.eye_aperture,
            noise_px=scenario.sensor.noise_px,
        )
        self._driver = DriverModel(scenario, self._truth)
        self._road = RoadWatch()
        self._stack = contextlib.ExitStack()
        stack = self._stack
        try:
            module_bus, ecu_bus, vehicle_bus, observer_bus = (
                stack.enter_context(open_bus(self.spec)) for _ in range(4)
            )
            logger = None
            if log_path is not None:
                logger = open_log_writer(log_path)
                stack.callback(logger.stop)
            vehicle = scenario_vehicle(scenario, self.simulator, options)
            stack.callback(vehicle.close)
        except BaseException:
            stack.close()
            raise
        # The camera module's frames pass a faulty link only where the scenario breaks it.
        link = FaultyLink(module_bus, scenario) if FaultyLink.needed(scenario) else module_bus
        rings = {role: KeyRing.from_master(master, role) for role in ROLES} if master else {}
        self._stores = {
            role: FreshnessStore.for_role(role) if persist_freshness else FreshnessStore()
            for role in ROLES
        }
        keys, stores = rings.get, self._stores.__getitem__
        self._module = CameraModule(
            Publisher(link, keys("dms"), freshness=stores("dms")),
            listen=module_bus,
            keys=keys("dms"),
            freshness=stores("dms"),
            monitor=dataclasses.replace(self.settings.monitor, cabin=scenario.cabin),
            features=self.settings.features,
        )
        self._ecu = EcuNode(
            ecu_bus,
            Publisher(ecu_bus, keys("ecu"), freshness=stores("ecu")),
            keys=keys("ecu"),
            freshness=stores("ecu"),
            settings=self.settings.ecu,
            cabin=scenario.cabin,
        )
        self._sim = SimNode(
            vehicle,
            vehicle_bus,
            Publisher(vehicle_bus, keys("vehicle"), freshness=stores("vehicle")),
            keys=keys("vehicle"),
            freshness=stores("vehicle"),
        )
        #: the cluster's ring: what a HUD on this replay needs to verify every frame
        self.cluster_keys = rings.get("cluster")
        self._observer = _BusObserver(observer_bus, self.cluster_keys, log=logger)
        self.frame_index = 0  # the next frame to run
        # of the current chunk of frames; None where the camera delivered none
        self._features: list[FaceFeatures | None] = []
        self._camera_lost = scenario.behaviours(BehaviourKind.CAMERA_LOST)
        self.events: list[Event] = []
        self._node_s = dict.fromkeys(NODES, 0.0)
        self._started = time.perf_counter()

    @property
    def frames(self) -> int:
        return len(self._truth)

    @property
    def t_s(self) -> float:
        """The simulated time of the next frame."""
        return self.frame_index / self.scenario.fps

    @property
    def done(self) -> bool:
        return self.frame_index >= self.frames

    def step(self) -> None:
        """One camera frame through the whole chain."""
        i = self.frame_index
        t_s = self.t_s
        if i % RENDER_CHUNK == 0:
            self._next_chunk(i)
        clock, node_s = time.perf_counter, self._node_s
        started = clock()
        status = self._sim.step(t_s, self._driver.controls)
        if status is not None:
            self._driver.saw(status)
            self.events.extend(self._road.observe(t_s, status))
        stepped = clock()
        features = self._features[i % RENDER_CHUNK]
        if features is None:
            self._module.fault(t_s)  # no frame: the module says so on the bus
        else:
            self.events.extend(self._module.report(features).events)
        reported = clock()
        ecu = self._ecu.step(t_s)
        if ecu is not None:
            self.events.extend(ecu.events)
            self._driver.heard(t_s, fcw=ecu.assist.fcw, ldw=ecu.assist.ldw)
        cycled = clock()
        self._observer.poll(t_s)
        node_s["vehicle"] += stepped - started
        node_s["camera module"] += reported - stepped
        node_s["ecu"] += cycled - reported
        node_s["observer"] += clock() - cycled
        self.frame_index += 1

    def _next_chunk(self, first: int) -> None:
        """The synthetic driver's faces for the frames from ``first`` on, and their features
        (they depend on earlier frames only, never on the bus)."""
        clock = time.perf_counter
        started = clock()
        poses = self._truth.poses.window(first, first + RENDER_CHUNK)
        faces = self._face.render(poses)
        rendered = clock()
        times = poses.t_s.tolist()
        if not self._camera_lost:
            self._features = list(self._module.measure(faces, times))
        else:  # frames the camera never delivered are not measured at all
            taken = [not any(b.covers(t) for b in self._camera_lost) for t in times]
            measured = iter(
                self._module.measure(
                    [face for face, ok in zip(faces, taken, strict=True) if ok],
                    [t for t, ok in zip(times, taken, strict=True) if ok],
                )
            )
            self._features = [next(measured) if ok else None for ok in taken]
        self._node_s["driver"] += rendered - started
        self._node_s["camera module"] += clock() - rendered

    def finish(self) -> ReplayResult:
        end_s = self.t_s
        self.events.extend(self._module.finish(end_s))
        self.events.extend(self._road.finish())
        self._observer.poll(end_s)
        self._observer.drain()
        self._stack.close()
        for store in self._stores.values():
            store.save()
        wall_s = time.perf_counter() - self._started
        events = sorted(self.events, key=lambda event: event.t_s)
        return ReplayResult(
            scenario=self.scenario,
            events=events,
            expectations=check_expectations(self.scenario.expectations, events),
            wall_s=wall_s,
            simulator=self.simulator,
            samples=self._observer.samples,
            bus_counts=self._observer.receiver.counts,
            node_wall_s=dict(self._node_s),
            settings=self.settings,
            settings_sources=self.settings_sources,
        )


def run_scenario(
    scenario: Scenario,
    *,
    simulator: str | None = None,
    bus_spec: str | None = None,
    log_path: Path | None = None,
    master: bytes | None = None,
    persist_freshness: bool = False,
    realtime: bool = False,
    progress: Callable[[float], None] | None = None,
    options: SimulatorOptions | None = None,
    settings: Sequence[Assignment] = (),
) -> ReplayResult:
    """Replay ``scenario`` (in ``simulator``, default the scenario's) and check its expectations."""
    replay = Replay(
        scenario,
        simulator=simulator,
        bus_spec=bus_spec,
        log_path=log_path,
        master=master,
        persist_freshness=persist_freshness,
        options=options,
        settings=settings,
    )
    started = time.perf_counter()
    report_every = max(1, replay.frames // 100)
    try:
        while not replay.done:
            if progress is not None and replay.frame_index % report_every == 0:
                progress(replay.t_s)
            t_s = replay.t_s
            replay.step()
            if realtime:
                lag = started + t_s - time.perf_counter()
                if lag > 0:
                    time.sleep(lag)
    finally:
        result = replay.finish()
    return result
