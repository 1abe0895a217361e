"""What the estimators read, and the events they report (see :mod:`dms.events`).

The estimators do not import the sensor: they read any object with the attributes of
:class:`FaceMeasurement` (the sensor's ``FaceFeatures`` has them), so replay, live and tests
feed them alike.
"""

from __future__ import annotations

from typing import Protocol

from dms.events import Event, EventKind

__all__ = ["Event", "EventKind", "FaceMeasurement"]


class FaceMeasurement(Protocol):
    """One frame of face features; angles in degrees, driver's own left/right."""

    @property
    def t_s(self) -> float: ...
    @property
    def face_present(self) -> bool: ...
    @property
    def eyes_visible(self) -> bool: ...
    @property
    def eyes_closed(self) -> bool: ...
    @property
    def eye_open_left(self) -> float: ...
    @property
    def eye_open_right(self) -> float: ...
    @property
    def mouth_open(self) -> float: ...
    @property
    def smile(self) -> float: ...
    @property
    def head_yaw_deg(self) -> float: ...
    @property
    def head_pitch_deg(self) -> float: ...
    @property
    def head_roll_deg(self) -> float: ...
    @property
    def gaze_yaw_deg(self) -> float: ...
    @property
    def gaze_pitch_deg(self) -> float: ...
    @property
    def quality(self) -> float: ...
