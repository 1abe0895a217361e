"""Feeding estimators hand-made frame sequences."""

from __future__ import annotations

from dataclasses import dataclass, replace

FPS = 30.0
DT = 1.0 / FPS


@dataclass(frozen=True)
class Face:
    """A FaceMeasurement built by hand: an alert driver looking at the road."""

    t_s: float = 0.0
    face_present: bool = True
    eyes_visible: bool = True
    eyes_closed: bool = False
    eye_open_left: float = 1.0
    eye_open_right: float = 1.0
    mouth_open: float = 0.02
    smile: float = 0.05
    head_yaw_deg: float = 0.0
    head_pitch_deg: float = 0.0
    head_roll_deg: float = 0.0
    gaze_yaw_deg: float = 0.0
    gaze_pitch_deg: float = 0.0
    quality: float = 1.0

    def at(self, t_s: float) -> Face:
        return replace(self, t_s=t_s)


OPEN = Face()
CLOSED = Face(eyes_closed=True, eye_open_left=0.0, eye_open_right=0.0)


def looking(yaw_deg: float, pitch_deg: float = 0.0) -> Face:
    return Face(
        gaze_yaw_deg=yaw_deg,
        gaze_pitch_deg=pitch_deg,
        head_yaw_deg=yaw_deg * 0.5,
        head_pitch_deg=pitch_deg * 0.5,
    )


def frames(*segments: tuple[float, Face], start_s: float = 0.0) -> list[Face]:
    """(seconds, face) segments -> one Face per frame with its time."""
    out: list[Face] = []
    t = start_s
    for seconds, face in segments:
        for _ in range(round(seconds * FPS)):
            out.append(face.at(round(t, 9)))
            t += DT
    return out
