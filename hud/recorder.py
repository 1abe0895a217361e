"""Writing the HUD to a video file (imageio over PyAV), at the true rate.

The video has a fixed frame rate on the HUD's clock: each picture stays in the video as
long as it was the latest one, so ten seconds of driving are ten seconds of video whether
the loop drew 60 pictures a second or 9 (a picture is repeated when the loop fell behind,
skipped when it drew faster). Encoding runs in a thread of its own, so the HUD does not
wait for it; when the encoder cannot keep up, pictures are dropped (and counted), never
time (a headless replay, not bound to real time, waits for it instead). This is the
cluster's own picture, never a camera image.
"""

from __future__ import annotations

import math
import queue
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pygame

from dms.errors import ConfigError

__all__ = ["RECORD_FPS", "VideoRecorder"]

RECORD_FPS = 30.0
CODEC = "mpeg4"  # plays everywhere, and encodes 1280x720 at ~14 ms a picture here
_QUEUE_PICTURES = 16  # ~40 MB of 1280x720 pictures waiting for the encoder at most


class VideoRecorder:
    def __init__(self, path: Path, size: tuple[int, int], fps: float = RECORD_FPS) -> None:
        try:
            import imageio.v3 as iio
        except ImportError as exc:
            raise ConfigError(f"recording video needs imageio and av: {exc}") from exc
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file: Any = iio.imopen(path, "w", plugin="pyav")
            self._file.init_video_stream(CODEC, fps=fps)
        except (OSError, ValueError, ImportError) as exc:
            raise ConfigError(f"cannot write video {path}: {exc}") from exc
        self.path = path
        self.fps = fps
        self.size = size
        self.frames = 0  # video frames written (pictures times their repeats)
        self.dropped = 0  # pictures the encoder could not take in time
        self._start_s: float | None = None
        self._carry = 0  # video frames owed to the next picture (after a dropped one)
        self._last: np.ndarray | None = None  # the latest picture, queued or dropped
        self._pending: queue.Queue[tuple[np.ndarray, int] | None] = queue.Queue(_QUEUE_PICTURES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._encode, name="hud-recorder", daemon=True)
        self._thread.start()

    def add(self, surface: pygame.Surface, t_s: float, *, wait: bool = False) -> None:
        """The picture shown from ``t_s`` on (the HUD's clock, seconds). ``wait``: a run
        that is not in real time (a headless replay) waits for the encoder instead of
        dropping pictures."""
        if self._start_s is None:
            self._start_s = t_s
        due = math.floor((t_s - self._start_s) * self.fps + 1e-6) + 1  # frames up to t_s
        repeats = due - self.frames - self._carry
        if repeats <= 0:
            return  # drawn faster than the video's rate: the next picture will do
        width, height = surface.get_size()  # row-major RGB in one copy (surfarray is column-major)
        rgb = np.frombuffer(pygame.image.tobytes(surface, "RGB"), np.uint8).reshape(
            height, width, 3
        )
        self._last = rgb
        try:
            self._pending.put((rgb, repeats + self._carry), block=wait)
        except queue.Full:
            self.dropped += 1
            self._carry += repeats
            return
        self.frames += repeats + self._carry
        self._carry = 0

    def _encode(self) -> None:
        while (item := self._pending.get()) is not None:
            if self._error is not None:
                continue  # failed already: take the rest so that close() never waits
            rgb, repeats = item
            try:
                for _ in range(repeats):
                    self._file.write_frame(rgb)
            except Exception as exc:  # a full disk, a codec error: reported by close()
                self._error = exc

    def close(self) -> None:
        """Finish the file; a failure while encoding is a :class:`ConfigError` here."""
        if self._carry and self._last is not None:  # the time of the last pictures dropped
            self._pending.put((self._last, self._carry))
            self.frames += self._carry
            self._carry = 0
        self._pending.put(None)
        self._thread.join()
        try:
            self._file.close()
        except Exception as exc:  # the container could not be finished
            self._error = self._error or exc
        # Drop the plugin now: its own __del__ closes it again, which fails when it runs
        # only at interpreter shutdown.
        self._file = None
        if self._error is not None:
            raise ConfigError(f"cannot write video {self.path}: {self._error}")
