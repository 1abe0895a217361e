"""``--preview``: a local window with the camera image and the landmarks, for setting up.

This window is the only place the image is shown, on the machine the camera is on; it
never goes on the bus. Without a display the preview switches itself off.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from dms.display import no_display_reason
from dms.sensor.face_mesh import LEFT_EYE, RIGHT_EYE
from dms.sensor.observation import FaceObservation
from dms.sensor.sources import Frame

__all__ = ["Preview", "annotate"]

WINDOW = "dms camera preview (local only)"
MESH_BGR = (120, 220, 0)  # every third mesh point
EYE_BGR = (0, 200, 255)  # the lid outlines the eye openness is read from
TEXT_BGR = (255, 255, 255)
MESH_STEP = 3


def annotate(frame: Frame, observation: FaceObservation | None) -> np.ndarray:
    """The frame as BGR with the face model's view drawn on it: mesh points, the eyes'
    outlines, or "no face"."""
    bgr = cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR)
    if observation is None:
        cv2.putText(bgr, "no face", (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.8, TEXT_BGR, 2)
        return bgr
    points = observation.landmarks[:, :2].astype(np.int32)
    for x, y in points[::MESH_STEP].tolist():
        cv2.circle(bgr, (x, y), 1, MESH_BGR, -1)
    for eye in (LEFT_EYE, RIGHT_EYE):
        cv2.polylines(bgr, [points[list(eye.contour)]], isClosed=True, color=EYE_BGR)
    return bgr


class Preview:
    """Shows annotated frames in a local OpenCV window while one can be opened."""

    def __init__(self, log: Callable[[str], None] = print) -> None:
        self._log = log
        # Checked before any window: OpenCV's GUI aborts the process without a display.
        reason = no_display_reason(sdl=False)
        self.enabled = reason is None
        if reason is not None:
            log(f"preview: no display here ({reason}); going on without the preview window")

    def show(self, frame: Frame, observation: FaceObservation | None) -> None:
        if not self.enabled:
            return
        try:
            cv2.imshow(WINDOW, annotate(frame, observation))
            cv2.waitKey(1)
        except cv2.error:
            self.enabled = False
            self._log("preview: no display here; continuing without the preview window")

    def close(self) -> None:
        if self.enabled:
            cv2.destroyAllWindows()
