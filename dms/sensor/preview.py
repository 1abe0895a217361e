"""``--preview``: a local window with the camera image and the landmarks, for setting up.

This window is the only place the image is shown, on the machine the camera is on; it
never goes on the bus. Without a display the preview switches itself off.
"""

from __future__ import annotations

import cv2

from dms.sensor.observation import FaceObservation
from dms.sensor.sources import Frame

__all__ = ["Preview"]

WINDOW = "dms camera preview (local only)"


class Preview:
    def __init__(self, log: object = print) -> None:
        self.enabled = True
        self._log = log

    def show(self, frame: Frame, observation: object) -> None:
        if not self.enabled:
            return
        bgr = cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR)
        if isinstance(observation, FaceObservation):
            for x, y, _ in observation.landmarks[::3]:
                cv2.circle(bgr, (int(x), int(y)), 1, (0, 220, 120), -1)
        try:
            cv2.imshow(WINDOW, bgr)
            cv2.waitKey(1)
        except cv2.error:
            self.enabled = False
            if callable(self._log):
                self._log("preview: no display here; continuing without the preview window")

    def close(self) -> None:
        if self.enabled:
            cv2.destroyAllWindows()
