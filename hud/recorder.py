"""Writing the HUD to a video file with OpenCV's writer (already there through mediapipe).

This is the cluster's own picture, never a camera image.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygame

from dms.errors import ConfigError

__all__ = ["VideoRecorder"]


class VideoRecorder:
    def __init__(self, path: Path, size: tuple[int, int], fps: float) -> None:
        import cv2  # the one HUD use of OpenCV: encoding the HUD's own frames

        path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, size)
        if not self._writer.isOpened():
            raise ConfigError(f"cannot write video {path}")
        self._cv2 = cv2
        self.frames = 0

    def add(self, surface: pygame.Surface) -> None:
        rgb = np.transpose(pygame.surfarray.array3d(surface), (1, 0, 2))
        self._writer.write(self._cv2.cvtColor(rgb, self._cv2.COLOR_RGB2BGR))
        self.frames += 1

    def close(self) -> None:
        self._writer.release()
