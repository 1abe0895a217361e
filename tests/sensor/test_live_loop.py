"""The live camera loop: a lost camera is a fault on the bus, and it comes back."""

from __future__ import annotations

import time
import uuid

import can
import numpy as np
import pytest

from dms.bus import DmsFaceState, DmsStatus, Inbox, Publisher, Receiver, open_bus
from dms.bus.enums import DmsState
from dms.driver_state.monitor import DriverState
from dms.errors import SensorError
from dms.sensor import live
from dms.sensor.live import CameraLoop
from dms.sensor.module import CameraModule
from dms.sensor.observation import FaceObservation
from dms.sensor.sources import Frame, FrameSource


class FlakyCamera(FrameSource):
    """A camera that delivers ``frames`` frames, then is unplugged."""

    name = "flaky camera"
    fps = 30.0
    live = True

    def __init__(self, rgb: np.ndarray, frames: int) -> None:
        self._rgb = rgb
        self._left = frames

    def read(self) -> Frame | None:
        if self._left <= 0:
            raise SensorError("flaky camera stopped delivering frames (unplugged?)")
        self._left -= 1
        return Frame(self._rgb, 0.0, 0)


def test_a_camera_lost_and_back_gives_fault_then_frames_again(
    astronaut: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "RETRY_S", 0.3)
    attempts: list[int] = []

    def plug_in() -> FrameSource:
        attempts.append(len(attempts))
        if len(attempts) == 2:  # the second attempt finds no camera at all
            raise SensorError("camera 0 cannot be opened (missing, or busy in another program)")
        return FlakyCamera(astronaut, frames=5)

    spec = f"loopback:live-loop-{uuid.uuid4().hex}"
    with open_bus(spec) as module_bus, open_bus(spec) as listener:
        module = CameraModule(Publisher(module_bus), listen=module_bus)
        loop = CameraLoop(plug_in, module, seconds=2.0, log=lambda _: None)
        loop.start()
        assert loop.finished.wait(10.0)
        loop.stop()
        receiver = Receiver()
        kinds: list[str] = []
        while (frame := listener.recv(timeout=0.0)) is not None:
            message = receiver.receive_can(frame).message
            if isinstance(message, DmsStatus) and message.state is DmsState.SENSOR_FAULT:
                kinds.append("fault")
            elif isinstance(message, DmsFaceState) and message.face_present:
                kinds.append("face")
    assert len(attempts) >= 3
    assert loop.stats.faults >= 2 and loop.stats.frames >= 10
    first_fault = kinds.index("fault")
    assert "face" in kinds[first_fault:]  # frames came again after the fault


class Clip(FrameSource):
    """A clip of ``seconds`` at 30 fps: read as fast as asked, paced by the loop."""

    name = "clip"
    fps = 30.0

    def __init__(self, rgb: np.ndarray, seconds: float) -> None:
        self._rgb = rgb
        self._frames = round(seconds * self.fps)
        self._index = 0

    def read(self) -> Frame | None:
        if self._index >= self._frames:
            return None
        frame = Frame(self._rgb, self._index / self.fps, self._index)
        self._index += 1
        return frame


class SlowModule(CameraModule):
    """A camera module on a machine too busy for it: 70 ms a frame at 30 fps."""

    def process(self, observation: FaceObservation | None, t_s: float) -> DriverState:
        time.sleep(0.07)
        return super().process(observation, t_s)


def _face_times(listener: can.BusABC) -> list[float]:
    receiver = Receiver()
    return [
        frame.timestamp
        for frame in Inbox(listener).drain(limit=100_000)
        if isinstance(receiver.receive_can(frame).message, DmsFaceState)
    ]


def test_a_module_too_slow_for_the_camera_drops_frames_and_keeps_real_time(
    astronaut: np.ndarray,
) -> None:
    spec = f"loopback:live-slow-{uuid.uuid4().hex}"
    with open_bus(spec) as module_bus, open_bus(spec) as listener:
        module = SlowModule(Publisher(module_bus), listen=module_bus)
        loop = CameraLoop(lambda: Clip(astronaut, 3.0), module, log=lambda _: None)
        started = time.monotonic()
        loop.start()
        assert loop.finished.wait(20.0)
        took = time.monotonic() - started
        loop.stop()
        times = _face_times(listener)
    stats = loop.stats
    assert stats.frames + stats.dropped == 90
    assert 30 <= stats.dropped <= 70  # about every other frame
    assert len(times) == stats.frames
    assert 2.6 <= times[-1] - times[0] <= 3.3  # three seconds of clip, in three seconds
    assert took < 3.0 + 2.5  # model loading included, not 90 x 70 ms
    assert not stats.failed


class RefusingBus:
    """A bus connection whose first sends fail, as a full socket buffer or a bus-off does."""

    def __init__(self, bus: can.BusABC, refusals: int) -> None:
        self._bus = bus
        self.refusals = refusals

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        if self.refusals > 0:
            self.refusals -= 1
            raise can.CanOperationError("Transmit buffer full")
        self._bus.send(msg, timeout)


def test_a_bus_that_refuses_sends_is_counted_and_the_module_goes_on(
    astronaut: np.ndarray,
) -> None:
    spec = f"loopback:live-refuse-{uuid.uuid4().hex}"
    with open_bus(spec) as module_bus, open_bus(spec) as listener:
        module = CameraModule(Publisher(RefusingBus(module_bus, 12)), listen=module_bus)
        loop = CameraLoop(lambda: Clip(astronaut, 1.5), module, log=lambda _: None)
        loop.start()
        assert loop.finished.wait(20.0)
        loop.stop()
        times = _face_times(listener)
    stats = loop.stats
    assert 1 <= stats.bus_errors <= 12
    assert "Transmit buffer full" in stats.last_error
    assert stats.frames + stats.dropped == 45  # a busy machine drops frames to keep time
    # every processed frame's face state went out except those the bus refused
    assert len(times) >= stats.frames - stats.bus_errors >= 10
    assert not stats.failed


class BrokenModule(CameraModule):
    def process(self, observation: FaceObservation | None, t_s: float) -> DriverState:
        raise RuntimeError("a bug in the estimators")


def test_a_camera_thread_that_dies_says_so_for_the_command_to_fail(
    astronaut: np.ndarray,
) -> None:
    spec = f"loopback:live-dies-{uuid.uuid4().hex}"
    with open_bus(spec) as module_bus:
        module = BrokenModule(Publisher(module_bus), listen=module_bus)
        logged: list[str] = []
        loop = CameraLoop(lambda: Clip(astronaut, 1.0), module, log=logged.append)
        loop.start()
        assert loop.finished.wait(20.0)
        loop.stop()
    assert "the camera thread died: RuntimeError: a bug in the estimators" in loop.stats.failed
    assert any("died" in line for line in logged)
