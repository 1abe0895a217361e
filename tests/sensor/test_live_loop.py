"""The live camera loop: a lost camera is a fault on the bus, and it comes back."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from dms.bus import DmsFaceState, DmsStatus, Publisher, Receiver, open_bus
from dms.bus.enums import DmsState
from dms.errors import SensorError
from dms.sensor import live
from dms.sensor.live import CameraLoop
from dms.sensor.module import CameraModule
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
