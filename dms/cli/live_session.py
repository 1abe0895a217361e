"""The live chain in one process: camera -> module -> bus -> ECU -> built-in vehicle, with
the HUD (or nothing) listening on the same bus. Used by ``dms live`` and its benchmark.

Three threads, as three ECUs would be: the camera module (at the camera's pace), the car
(the ECU and the vehicle every 10 ms, so ``VEH_State`` keeps its 20 Hz whatever the
HUD costs) and the caller's, which draws the HUD or waits."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from dms.bus import KeyRing, Publisher, open_bus, open_log_writer, record
from dms.bus.freshness import FreshnessStore
from dms.bus.keys import ROLES
from dms.cli.event_log import print_events as show_events
from dms.clock import now_s
from dms.driver_state.cabin import Cabin
from dms.errors import BusError
from dms.sensor.live import CameraLoop, LoopStats
from dms.sensor.module import CameraModule
from dms.sensor.observation import FaceObservation
from dms.sensor.sources import Frame, FrameSource
from dms.settings import DmsSettings
from dms.units import KPH
from dms.vehicle.builtin import BuiltinVehicle
from dms.vehicle.ecu import EcuNode
from dms.vehicle.model import DriverControls
from dms.vehicle.sim import SimNode

if TYPE_CHECKING:
    from hud.app import HudApp
    from hud.view import BusView

__all__ = ["LiveSession"]

CAR_TICK_S = 0.01


@contextlib.contextmanager
def _recording(spec: str, log: Path | None) -> Iterator[None]:
    """Record the bus from a listener of its own (the nodes run in several threads); a
    frame the bus cannot receive is counted by the recorder, never fatal."""
    if log is None:
        yield
        return
    with open_bus(spec) as bus:
        open_log_writer(log).stop()  # a log that cannot be written fails here, not later
        stop = threading.Event()
        recorder = threading.Thread(
            target=record, args=(bus, log), kwargs={"stop": stop}, name="recorder", daemon=True
        )
        recorder.start()
        try:
            yield
        finally:
            stop.set()
            recorder.join(timeout=5.0)


class LiveSession:
    """Use as a context manager: entering starts the camera thread, leaving stops all."""

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        *,
        bus_spec: str | None = None,
        master: bytes | None = None,
        settings: DmsSettings | None = None,
        speed_kph: float = 100.0,
        seconds: float | None = None,
        model: str | None = None,
        log_path: Path | None = None,
        cabin: Cabin | None = None,
        on_frame: Callable[[Frame, FaceObservation | None], None] | None = None,
        log: Callable[[str], None] = print,
        print_events: bool = False,
        give_up_after: int | None = None,
    ) -> None:
        self.spec = bus_spec or f"loopback:live-{uuid.uuid4().hex[:12]}"
        # A live drive: every node its own key ring and persisted freshness state.
        self._rings = {role: KeyRing.from_master(master, role) for role in ROLES} if master else {}
        self._stores = {role: FreshnessStore.for_role(role) for role in ROLES} if master else {}
        keys, stores = self._rings.get, self._stores.get
        self._stack = contextlib.ExitStack()
        stack = self._stack
        stack.enter_context(_recording(self.spec, log_path))
        module_bus, ecu_bus, car_bus = (stack.enter_context(open_bus(self.spec)) for _ in range(3))
        cabin = cabin or Cabin()
        settings = settings or DmsSettings()
        module = CameraModule(
            Publisher(module_bus, keys("dms"), freshness=stores("dms")),
            listen=module_bus,
            keys=keys("dms"),
            freshness=stores("dms"),
            monitor=dataclasses.replace(settings.monitor, cabin=cabin),
            features=settings.features,
            on_state=(lambda state, _: show_events(state.events, "sensor"))
            if print_events
            else None,
        )
        self.camera = CameraLoop(
            open_source,
            module,
            seconds=seconds,
            on_frame=on_frame,
            model_path=model,
            log=log,
            give_up_after=give_up_after,
        )
        self._ecu = EcuNode(
            ecu_bus,
            Publisher(ecu_bus, keys("ecu"), freshness=stores("ecu")),
            keys=keys("ecu"),
            freshness=stores("ecu"),
            settings=settings.ecu,
            cabin=cabin,
            start_s=now_s(),
        )
        self._controls = DriverControls(target_speed_mps=speed_kph * KPH)
        vehicle = BuiltinVehicle(speed_mps=self._controls.target_speed_mps)
        self._car = SimNode(
            vehicle,
            car_bus,
            Publisher(car_bus, keys("vehicle"), freshness=stores("vehicle")),
            keys=keys("vehicle"),
            freshness=stores("vehicle"),
            start_s=now_s(),
        )
        self._print_events = print_events
        self.started_s = now_s()
        self._log = log
        self._stop_car = threading.Event()
        self._car_thread = threading.Thread(target=self._drive, name="car", daemon=True)
        #: car cycles in which a send failed, and why the car thread died (if it did)
        self.car_bus_errors = 0
        self.car_failed = ""

    @property
    def stats(self) -> LoopStats:
        return self.camera.stats

    def __enter__(self) -> LiveSession:
        self.started_s = now_s()
        self.camera.start()
        self._car_thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.camera.stop()
        self._stop_car.set()
        self._car_thread.join(timeout=5.0)
        for store in self._stores.values():
            store.save()
        self._stack.close()

    @property
    def bad_input(self) -> bool:
        return self.camera.stats.bad_input

    @property
    def failed(self) -> str:
        """Why the session did not run as it should ('' when it did)."""
        return self.camera.stats.failed or self.car_failed

    def _drive(self) -> None:
        """The car thread: vehicle and ECU every tick, on the process clock."""
        ticks, start = 0, now_s()
        try:
            while not self._stop_car.is_set():
                t_s = now_s()
                try:
                    self._car.step(t_s, self._controls)
                    outputs = self._ecu.step(t_s)
                except BusError as exc:  # counted; the next cycle sends again
                    self.car_bus_errors += 1
                    if self.car_bus_errors == 1:
                        self._log(f"car: bus error: {exc}")
                    outputs = None
                if outputs is not None and self._print_events:
                    show_events(outputs.events, "ecu")
                ticks += 1
                self._stop_car.wait(max(0.0, start + ticks * CAR_TICK_S - now_s()))
        except Exception as exc:  # a bug, or the simulator failed
            self.car_failed = f"the car thread died: {type(exc).__name__}: {exc}"
            self._log(self.car_failed)

    def run(self) -> None:
        """Without a HUD: wait until the camera is done (or the car failed)."""
        while not self.camera.finished.wait(0.1):
            if self.car_failed:
                return

    def run_with_hud(
        self, app: HudApp, source: str, on_poll: Callable[[BusView, float], None] | None = None
    ) -> None:
        """The HUD in this (the main) thread, as a pure listener on the bus."""
        from hud.view import BusView

        with open_bus(self.spec) as bus:
            cluster = self._rings.get("cluster"), self._stores.get("cluster")
            view = BusView(bus, keys=cluster[0], freshness=cluster[1], start_s=now_s())
            while not self.camera.finished.is_set() and not self.car_failed:
                now = now_s()
                view.poll(now)
                if on_poll is not None:
                    on_poll(view, now_s())
                if app.frame(view.snapshot(now, source=source)).quit:
                    return
