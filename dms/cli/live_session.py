"""The live chain in one process: camera -> module -> bus -> ECU -> built-in vehicle, with
the HUD (or nothing) listening on the same bus. Used by ``dms live`` and its benchmark."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import can

from dms.bus import Publisher, open_bus, open_log_writer
from dms.clock import now_s
from dms.driver_state.cabin import Cabin
from dms.driver_state.monitor import MonitorSettings
from dms.sensor.live import CameraLoop, LoopStats
from dms.sensor.module import CameraModule
from dms.sensor.observation import FaceObservation
from dms.sensor.sources import Frame, FrameSource
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
    """Record the bus from a listener of its own (the nodes run in several threads)."""
    if log is None:
        yield
        return
    with open_bus(spec) as bus:
        writer = open_log_writer(log)
        notifier = can.Notifier(bus, [writer], timeout=0.1)
        try:
            yield
        finally:
            notifier.stop()  # stops the writer too


class LiveSession:
    """Use as a context manager: entering starts the camera thread, leaving stops all."""

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        *,
        bus_spec: str | None = None,
        key: bytes | None = None,
        speed_kph: float = 100.0,
        seconds: float | None = None,
        model: str | None = None,
        log_path: Path | None = None,
        cabin: Cabin | None = None,
        on_frame: Callable[[Frame, FaceObservation | None], None] | None = None,
        log: Callable[[str], None] = print,
    ) -> None:
        self.spec = bus_spec or f"loopback:live-{uuid.uuid4().hex[:12]}"
        self._key = key
        self._stack = contextlib.ExitStack()
        stack = self._stack
        stack.enter_context(_recording(self.spec, log_path))
        module_bus, ecu_bus, car_bus = (stack.enter_context(open_bus(self.spec)) for _ in range(3))
        cabin = cabin or Cabin()
        module = CameraModule(
            Publisher(module_bus, key=key),
            listen=module_bus,
            key=key,
            monitor=MonitorSettings(cabin=cabin),
        )
        self.camera = CameraLoop(
            open_source, module, seconds=seconds, on_frame=on_frame, model_path=model, log=log
        )
        self._ecu = EcuNode(
            ecu_bus, Publisher(ecu_bus, key=key), key=key, cabin=cabin, start_s=now_s()
        )
        self._controls = DriverControls(target_speed_mps=speed_kph * KPH)
        vehicle = BuiltinVehicle(speed_mps=self._controls.target_speed_mps)
        self._car = SimNode(vehicle, car_bus, Publisher(car_bus, key=key), key=key)

    @property
    def stats(self) -> LoopStats:
        return self.camera.stats

    def __enter__(self) -> LiveSession:
        self.camera.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.camera.stop()
        self._stack.close()

    def step_car(self, t_s: float) -> None:
        self._car.step(t_s, self._controls)
        self._ecu.step(t_s)

    def run(self) -> None:
        """Without a HUD: step the car every tick until the camera is done."""
        finished = self.camera.finished
        while not finished.is_set():
            self.step_car(now_s())
            finished.wait(CAR_TICK_S)

    def run_with_hud(
        self, app: HudApp, source: str, on_poll: Callable[[BusView, float], None] | None = None
    ) -> None:
        """The HUD in this (the main) thread, as a pure listener on the bus."""
        from hud.view import BusView

        with open_bus(self.spec) as bus:
            view = BusView(bus, key=self._key, start_s=now_s())
            while not self.camera.finished.is_set():
                now = now_s()
                self.step_car(now)
                view.poll(now)
                if on_poll is not None:
                    on_poll(view, now_s())
                if app.frame(view.snapshot(now, source=source)).quit:
                    return
