"""Frame sources: files at their own rate, and cameras that fail clearly instead of hanging."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from dms.errors import SensorError
from dms.sensor.sources import CameraSource, ImageFolderSource, VideoFileSource, open_source
from tests.sensor.conftest import FIXTURES


def test_a_video_yields_rgb_frames_at_its_own_rate() -> None:
    with open_source(FIXTURES / "d14-eyes-close.mp4") as source:
        assert isinstance(source, VideoFileSource)
        frames = list(source)
    assert source.fps == pytest.approx(30.0)
    assert len(frames) == 81
    assert frames[0].rgb.shape == (256, 256, 3) and frames[0].rgb.dtype == np.uint8
    assert [f.index for f in frames[:3]] == [0, 1, 2]
    assert frames[30].t_s == pytest.approx(1.0)


def test_frames_are_rgb_not_bgr(tmp_path: Path) -> None:
    path = tmp_path / "red.png"
    bgr = np.zeros((8, 8, 3), dtype=np.uint8)
    bgr[:, :, 2] = 255  # red in OpenCV's BGR order
    cv2.imwrite(str(path), bgr)
    with open_source(path) as source:
        frame = source.read()
    assert frame is not None
    assert tuple(frame.rgb[0, 0]) == (255, 0, 0)


def test_a_folder_of_images_is_a_sequence(tmp_path: Path) -> None:
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"frame{i:02d}.png"), np.full((4, 4, 3), i * 50, dtype=np.uint8))
    (tmp_path / "notes.txt").write_text("not an image")
    with ImageFolderSource(tmp_path, fps=10) as source:
        frames = list(source)
    assert [f.rgb[0, 0, 0] for f in frames] == [0, 50, 100]
    assert [f.t_s for f in frames] == pytest.approx([0.0, 0.1, 0.2])


def test_a_truncated_video_is_a_sensor_fault_not_a_quiet_end(tmp_path: Path) -> None:
    data = (FIXTURES / "d14-eyes-close.mp4").read_bytes()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(data[: len(data) // 2] + data[-4096:])  # index intact, media half gone
    # Either it cannot be opened, or it fails mid-run; it never ends quietly.
    with pytest.raises(SensorError), open_source(broken) as source:
        list(source)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.mp4", "does not exist"),
        ("notes.txt", "not a video"),
        ("fake.png", "cannot be decoded"),
    ],
)
def test_bad_files_are_clear_errors(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "fake.png").write_text("not really a png")
    with pytest.raises(SensorError, match=message):
        open_source(tmp_path / name)


def test_a_missing_camera_is_a_clear_error() -> None:
    with pytest.raises(SensorError, match=r"camera 63 cannot be opened \(missing, or busy"):
        CameraSource(63)


class FakeCapture:
    """A camera that delivers ``frames`` frames, then fails or hangs."""

    def __init__(self, frames: int, hang: bool) -> None:
        self.left = frames
        self.hang = hang
        self.released = threading.Event()

    def isOpened(self) -> bool:
        return True

    def get(self, prop: int) -> float:
        return 30.0

    def read(self) -> tuple[bool, Any]:
        if self.left > 0:
            self.left -= 1
            time.sleep(0.01)
            return True, np.zeros((4, 4, 3), dtype=np.uint8)
        if self.hang:
            self.released.wait(5.0)  # a driver that blocks until the device is closed
        return False, None

    def release(self) -> None:
        self.released.set()


def test_a_camera_unplugged_mid_run_raises_a_sensor_error() -> None:
    capture = FakeCapture(frames=3, hang=False)
    camera = CameraSource(0, timeout_s=1.0, open_capture=lambda _: capture)
    got = []
    with pytest.raises(SensorError, match="stopped delivering frames"):
        while True:
            got.append(camera.read())
    camera.close()
    assert 1 <= len(got) <= 3


def test_a_camera_that_hangs_times_out_instead_of_blocking() -> None:
    capture = FakeCapture(frames=1, hang=True)
    camera = CameraSource(0, timeout_s=0.3, open_capture=lambda _: capture)
    started = time.monotonic()
    with pytest.raises(SensorError, match=r"delivered no frame for 0\.3 s"):
        while True:
            camera.read()
    assert time.monotonic() - started < 2.0
    camera.close()
