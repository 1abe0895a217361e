"""The face model on the module: MediaPipe Face Landmarker through its Tasks API.

VIDEO mode for sequences (the model tracks the face and skips its detector), IMAGE mode
for stills. Pixels go in; a :class:`FaceObservation` (or ``None``: no face) comes out, with
the few numbers the module reads off the eye regions before the pixels are dropped.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import vision
from mediapipe.tasks.python.core.base_options import BaseOptions

from dms.errors import ModelError
from dms.sensor.eye_pixels import measure_eyes
from dms.sensor.model_file import resolve_model
from dms.sensor.mp_results import RawFace, fast_reader, public_faces
from dms.sensor.observation import BLENDSHAPES, LANDMARK_COUNT, FaceObservation
from dms.sensor.sources import Frame

__all__ = ["DriverPick", "FaceLandmarker", "Region"]

#: Which face is the driver when several are seen (image terms: the camera's view).
DriverPick = Literal["largest", "image-left", "image-right"]


@contextlib.contextmanager
def _native_logs_silenced() -> Iterator[None]:
    """MediaPipe's C++ side writes start-up chatter (XNNPACK, feedback tensors) straight to
    file descriptor 2; hide it unless ``DMS_NATIVE_LOGS=1``. Python errors still surface."""
    if os.environ.get("DMS_NATIVE_LOGS") == "1":
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@dataclass(frozen=True, slots=True)
class Region:
    """A part of the image, as fractions of its width and height (0..1)."""

    x0: float
    y0: float
    x1: float
    y1: float

    def pixels(self, width: int, height: int) -> tuple[int, int, int, int]:
        return (
            round(self.x0 * width),
            round(self.y0 * height),
            round(self.x1 * width),
            round(self.y1 * height),
        )


#: The model's detector sees a 128-pixel version of its input and misses faces narrower
#: than about an eighth of it. A still with no face found is searched again in windows of
#: a half and a quarter of its size (half-overlapping), down to windows this wide.
SEARCH_MIN_WINDOW_PX = 240


def search_windows(width: int) -> list[Region]:
    """Half-overlapping windows of 1/2, then 1/4 of the image, as long as they stay useful."""
    windows = []
    for fraction in (0.5, 0.25):
        if fraction * width < SEARCH_MIN_WINDOW_PX:
            break
        steps = round(1 / fraction) * 2 - 1
        starts = [i * fraction / 2 for i in range(steps)]
        windows += [Region(x, y, x + fraction, y + fraction) for y in starts for x in starts]
    return windows


class FaceLandmarker:
    """Runs the face model on frames and picks the driver's face.

    With several faces in view the driver is the largest one, or the one on a configured
    side of the image. In VIDEO mode the model tracks a single face by default
    (``max_faces=1``): while it tracks, it skips its face detector, about 15 % of a frame's
    cost. Where a passenger may be in view, pass ``max_faces=2`` (the pick then applies to
    every frame) or crop to the driver's ``region``. Stills look for two faces.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        video: bool = True,
        max_faces: int | None = None,
        driver: DriverPick = "largest",
        region: Region | None = None,
        search_small_faces: bool = True,
        min_confidence: float = 0.5,
        fast: bool = True,
    ) -> None:
        path = resolve_model(model_path)
        mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=mode,
            num_faces=max_faces if max_faces is not None else (1 if video else 2),
            min_face_detection_confidence=min_confidence,
            min_face_presence_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        try:
            with _native_logs_silenced():
                self._landmarker = vision.FaceLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"cannot load the face model {path}: {exc}") from exc
        self._warm = False
        self._read = fast_reader(self._landmarker) if fast else None
        #: wall time spent in the model's inference calls so far, and in MediaPipe's copy
        #: of each frame into its own image (for benchmarks and the status message)
        self.model_s = 0.0
        self.image_s = 0.0
        self.video = video
        self.driver = driver
        self.region = region
        self.search_small_faces = search_small_faces and not video
        self._last_ms = -1

    def detect(self, frame: Frame) -> FaceObservation | None:
        """The driver's face in ``frame``, or ``None`` when no face is seen."""
        height, width = frame.rgb.shape[:2]
        windows: list[Region | None] = [self.region]
        if self.search_small_faces:
            windows += search_windows(width)
        for window in windows:
            found = self._detect_in(frame, window, width, height)
            if found is not None:
                return found
        return None

    def _detect_in(
        self, frame: Frame, window: Region | None, width: int, height: int
    ) -> FaceObservation | None:
        x0 = y0 = 0
        rgb = frame.rgb
        if window is not None:
            x0, y0, x1, y1 = window.pixels(width, height)
            rgb = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        faces = self._run(rgb, frame.t_s)
        if not faces:
            return None
        crop_h, crop_w = rgb.shape[:2]
        scale = np.array([crop_w, crop_h, crop_w], dtype=np.float32)
        points = [face[0] * scale for face in faces]  # normalised -> pixels, a new array
        if window is not None:
            shift = np.array([x0, y0, 0], dtype=np.float32)
            for face_points in points:
                np.add(face_points, shift, out=face_points)
        pick = self._pick(points)
        _, blendshapes, matrix = faces[pick]
        if len(blendshapes) != len(BLENDSHAPES) or len(points[pick]) != LANDMARK_COUNT:
            raise ModelError(
                f"the face model returned {len(points[pick])} landmarks and {len(blendshapes)} "
                f"blendshapes; expected {LANDMARK_COUNT} and {len(BLENDSHAPES)}"
            )
        return FaceObservation(
            landmarks=points[pick],
            blendshapes=blendshapes,
            matrix=matrix,
            image_size=(width, height),
            t_s=frame.t_s,
            eyes=measure_eyes(frame.rgb, points[pick]),
        )

    def _run(self, rgb: np.ndarray, t_s: float) -> list[RawFace]:
        if not self._warm:  # the first inference prints more start-up chatter
            self._warm = True
            with _native_logs_silenced():
                return self._run(rgb, t_s)
        started = time.perf_counter()
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        self.image_s += time.perf_counter() - started
        t_ms = None
        if self.video:  # VIDEO mode needs strictly increasing millisecond timestamps
            t_ms = max(round(t_s * 1000.0), self._last_ms + 1)
            self._last_ms = t_ms
        if self._read is not None:
            faces, model_s = self._read(image, t_ms)
            self.model_s += model_s
            return faces
        started = time.perf_counter()  # the public API: its result objects count as model
        if t_ms is None:
            result = self._landmarker.detect(image)
        else:
            result = self._landmarker.detect_for_video(image, t_ms)
        self.model_s += time.perf_counter() - started
        return public_faces(result)

    def _pick(self, faces: list[np.ndarray]) -> int:
        if len(faces) == 1:
            return 0
        if self.driver == "largest":
            spans = [float(np.ptp(face[:, 0]) * np.ptp(face[:, 1])) for face in faces]
            return int(np.argmax(spans))
        centres = [float(face[:, 0].mean()) for face in faces]
        return int(np.argmin(centres) if self.driver == "image-left" else np.argmax(centres))

    def close(self) -> None:
        self._landmarker.close()

    def __enter__(self) -> FaceLandmarker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
