"""Frame sources: a webcam, a video file, a still image or a folder of images.

Every source yields :class:`Frame` objects: an RGB image and its capture time on the
source's own clock (the position in a file, ``time.monotonic()`` for a camera). Failures
are :class:`SensorError` with a message a user can act on; a camera that stops delivering
raises after a timeout instead of hanging.
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import cv2
import numpy as np

from dms.errors import SensorError

__all__ = [
    "IMAGE_SUFFIXES",
    "VIDEO_SUFFIXES",
    "CameraSource",
    "Frame",
    "FrameSource",
    "ImageFolderSource",
    "ImageSource",
    "VideoFileSource",
    "open_source",
]

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".gif", ".m4v"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"})
#: Frame rate assumed for a video whose container does not say.
FALLBACK_FPS = 30.0


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """One RGB frame (H×W×3 uint8) and when it was captured."""

    rgb: np.ndarray
    t_s: float
    index: int


class FrameSource(ABC):
    """A stream of frames; iterate it, and close it (or use ``with``)."""

    name: str
    #: nominal frame rate (0 for a single still)
    fps: float
    #: True when frames arrive in real time (a camera), False when read as fast as asked
    live: bool = False
    #: frames the source threw away because they were not read in time (a camera)
    dropped: int = 0

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, ``None`` at the end; :class:`SensorError` when the source fails."""

    def close(self) -> None:  # noqa: B027 - sources without resources need nothing here
        """Release the device or file."""

    def __iter__(self) -> Iterator[Frame]:
        while (frame := self.read()) is not None:
            yield frame

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _to_rgb(bgr: np.ndarray) -> np.ndarray:
    if bgr.ndim == 2:
        return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_GRAY2RGB))
    if bgr.shape[2] == 4:
        return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGRA2RGB))
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


@contextlib.contextmanager
def _opencv_quiet() -> Iterator[None]:
    previous = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        yield
    finally:
        cv2.utils.logging.setLogLevel(previous)


class VideoFileSource(FrameSource):
    """A video file (mp4, mov, avi, mkv, webm, gif) at its own frame rate."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        if not self.path.is_file():
            raise SensorError(f"video {self.path} does not exist")
        self._capture = cv2.VideoCapture(str(self.path))
        if not self._capture.isOpened():
            raise SensorError(f"video {self.path} cannot be opened (not a video OpenCV can decode)")
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if math.isfinite(fps) and fps > 0 else FALLBACK_FPS
        count = int(self._capture.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frame_count = count if count > 0 else None
        self._index = 0

    def read(self) -> Frame | None:
        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            # Containers may over-count by a frame or two; far fewer frames is a broken file.
            if self.frame_count is not None and self._index < 0.95 * self.frame_count - 2:
                raise SensorError(
                    f"video {self.path} failed at frame {self._index} of {self.frame_count}"
                )
            return None
        frame = Frame(_to_rgb(bgr), self._index / self.fps, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._capture.release()


class ImageSource(FrameSource):
    """A single still image: one frame at t = 0."""

    fps = 0.0

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = str(self.path)
        self._done = False
        self._rgb = _read_image(self.path)

    def read(self) -> Frame | None:
        if self._done:
            return None
        self._done = True
        return Frame(self._rgb, 0.0, 0)


def _read_image(path: Path) -> np.ndarray:
    if not path.is_file():
        raise SensorError(f"image {path} does not exist")
    bgr = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if bgr is None:
        raise SensorError(f"image {path} cannot be decoded")
    if bgr.dtype != np.uint8:
        bgr = cv2.convertScaleAbs(bgr, alpha=255.0 / max(1, int(bgr.max())))
    return _to_rgb(bgr)


class ImageFolderSource(FrameSource):
    """The images of a folder in name order, as frames ``1 / fps`` apart."""

    def __init__(self, folder: str | Path, fps: float = 1.0) -> None:
        self.folder = Path(folder)
        self.name = str(self.folder)
        self.fps = fps
        self._paths = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._paths:
            raise SensorError(f"folder {self.folder} holds no images")
        self._index = 0

    def read(self) -> Frame | None:
        if self._index >= len(self._paths):
            return None
        frame = Frame(_read_image(self._paths[self._index]), self._index / self.fps, self._index)
        self._index += 1
        return frame


class CameraSource(FrameSource):
    """A webcam through ``cv2.VideoCapture``.

    A reader thread grabs frames so that a camera that stops answering (unplugged, taken
    by another program) becomes a :class:`SensorError` after ``timeout_s`` instead of a
    hang. Only the newest frame is kept: a slow consumer sees fresh frames, not a backlog.
    """

    live = True

    def __init__(
        self,
        index: int,
        timeout_s: float = 2.0,
        open_capture: Callable[[int], Any] = cv2.VideoCapture,
    ) -> None:
        self.index = index
        self.name = f"camera {index}"
        self.timeout_s = timeout_s
        with _opencv_quiet():  # a missing camera is our clear error, not OpenCV's log line
            self._capture = open_capture(index)
        if not self._capture.isOpened():
            self._capture.release()
            raise SensorError(
                f"camera {index} cannot be opened (missing, or busy in another program)"
            )
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = fps if math.isfinite(fps) and fps > 0 else FALLBACK_FPS
        self._frames: queue.Queue[np.ndarray | None] = queue.Queue(maxsize=1)
        self._stop = threading.Event()
        self._count = 0
        self._thread = threading.Thread(target=self._grab, name=f"camera-{index}", daemon=True)
        self._thread.start()

    def _grab(self) -> None:
        while not self._stop.is_set():
            ok, bgr = self._capture.read()
            item = bgr if ok and bgr is not None else None
            try:
                self._frames.get_nowait()  # drop the stale frame
                self.dropped += 1
            except queue.Empty:
                pass
            self._frames.put(item)
            if item is None:
                return

    def read(self) -> Frame | None:
        try:
            bgr = self._frames.get(timeout=self.timeout_s)
        except queue.Empty:
            raise SensorError(f"{self.name} delivered no frame for {self.timeout_s:g} s") from None
        if bgr is None:
            raise SensorError(f"{self.name} stopped delivering frames (unplugged?)")
        frame = Frame(_to_rgb(bgr), time.monotonic(), self._count)
        self._count += 1
        return frame

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.timeout_s)
        self._capture.release()


def open_source(spec: str | int | Path, *, folder_fps: float = 1.0) -> FrameSource:
    """A camera index (``0``), a video file, an image file or a folder of images."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return CameraSource(int(spec))
    path = Path(spec)
    if path.is_dir():
        return ImageFolderSource(path, fps=folder_fps)
    suffix = path.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        return VideoFileSource(path)
    if suffix in IMAGE_SUFFIXES:
        return ImageSource(path)
    if not path.exists():
        raise SensorError(f"{path} does not exist")
    raise SensorError(f"{path}: not a video ({', '.join(sorted(VIDEO_SUFFIXES))}) or image")
