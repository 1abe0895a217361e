"""The driver, drawn from metadata only: head pose, eye openness, gaze, mouth.

The module says what it sees; it does not show it. This avatar is rebuilt from the
numbers in ``DMS_FaceState`` and is all the driver's "image" the car ever has.
"""

from __future__ import annotations

import math

import pygame

from dms.bus.enums import DmsState
from hud.draw import Fonts, panel, text
from hud.layout import COLOURS, REGIONS
from hud.view import HudState

__all__ = ["Avatar"]

HEAD_RX, HEAD_RY = 78, 100  # head ellipse radii, px
PX_PER_DEG = 1.6  # how far a turned head moves the face features
EYE_DX, EYE_DY = 32, -18  # eye centres from the face centre
EYE_RX, EYE_RY = 18, 11
MOUTH_DY = 50


class Avatar:
    area = REGIONS.avatar

    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        area = self.area
        panel(surface, area)
        text(
            surface,
            fonts,
            "DRIVER (from metadata)",
            (area.x + 10, area.y + 8),
            size=20,
            colour=COLOURS["dim"],
        )
        cx, cy = area.centre[0], area.centre[1] + 14
        face, status = state.face, state.status
        if face is None or not face.face_present:
            pygame.draw.ellipse(
                surface,
                COLOURS["grey"],
                (cx - HEAD_RX, cy - HEAD_RY, 2 * HEAD_RX, 2 * HEAD_RY),
                width=3,
            )
            lost = status is not None and status.state is DmsState.SENSOR_FAULT
            label = "camera fault" if lost else "driver not visible"
            text(
                surface,
                fonts,
                label,
                (cx, cy),
                size=30,
                colour=COLOURS["level1"],
                anchor="center",
                bold=True,
            )
            return
        # Turning left moves the features toward the driver's left: the picture's right,
        # as if we looked at the driver from the camera.
        shift_x = max(-1.0, min(1.0, face.head_yaw_deg / 60.0)) * HEAD_RX * 0.6
        shift_y = max(-1.0, min(1.0, face.head_pitch_deg / 45.0)) * HEAD_RY * 0.4
        roll = math.radians(-face.head_roll_deg)
        head = pygame.Rect(0, 0, 2 * HEAD_RX, 2 * HEAD_RY)
        head.center = (cx, cy)
        pygame.draw.ellipse(surface, COLOURS["skin"], head)

        def place(dx: float, dy: float) -> tuple[float, float]:
            x = dx * math.cos(roll) - dy * math.sin(roll)
            y = dx * math.sin(roll) + dy * math.cos(roll)
            return cx + shift_x + x, cy + shift_y + y

        gaze_dx = max(-1.0, min(1.0, (face.gaze_yaw_deg - face.head_yaw_deg) / 40.0))
        gaze_dy = max(-1.0, min(1.0, (face.gaze_pitch_deg - face.head_pitch_deg) / 30.0))
        for side, openness in ((1, face.eye_open_left_ratio), (-1, face.eye_open_right_ratio)):
            ex, ey = place(side * EYE_DX, EYE_DY)
            if not face.eyes_visible:  # dark lenses: the module cannot tell, so neither do we
                pygame.draw.ellipse(
                    surface,
                    COLOURS["lens"],
                    (ex - EYE_RX - 4, ey - EYE_RY - 4, 2 * EYE_RX + 8, 2 * EYE_RY + 8),
                )
                continue
            height = max(2.0, 2 * EYE_RY * openness)
            pygame.draw.ellipse(
                surface, COLOURS["eye"], (ex - EYE_RX, ey - height / 2, 2 * EYE_RX, height)
            )
            if openness > 0.25:
                ix, iy = ex + gaze_dx * EYE_RX * 0.55, ey + gaze_dy * EYE_RY * 0.5
                pygame.draw.circle(surface, COLOURS["iris"], (ix, iy), min(EYE_RY * openness, 8))
        mx, my = place(0, MOUTH_DY)
        width = 40 + 14 * face.smile_ratio
        height = max(3.0, 34 * face.mouth_open_ratio)
        pygame.draw.ellipse(
            surface, COLOURS["mouth"], (mx - width / 2, my - height / 2, width, height)
        )
        closed = (
            "eyes closed"
            if face.eyes_closed
            else ("eyes not visible" if not face.eyes_visible else "")
        )
        if closed:
            text(
                surface,
                fonts,
                closed,
                (cx, area.y + area.h - 22),
                size=24,
                colour=COLOURS["level1"],
                anchor="center",
            )
