"""Where everything sits on the 1280×720 cluster, and its colours. Named, not magic.

The HUD always draws on a 1280×720 canvas and scales it to the window, so these numbers
hold at any window size.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CANVAS", "COLOURS", "REGIONS", "Rect", "Regions"]

CANVAS = (1280, 720)
MARGIN = 12


@dataclass(frozen=True, slots=True)
class Rect:
    x: int
    y: int
    w: int
    h: int

    @property
    def centre(self) -> tuple[int, int]:
        return (self.x + self.w // 2, self.y + self.h // 2)

    def tuple(self) -> tuple[int, int, int, int]:
        return (self.x, self.y, self.w, self.h)

    def inset(self, by: int) -> Rect:
        return Rect(self.x + by, self.y + by, self.w - 2 * by, self.h - 2 * by)


@dataclass(frozen=True, slots=True)
class Regions:
    """The cluster's areas: avatar and gauges left, road and speed centre, alerts and bus
    right, the 60 s timeline along the bottom, a status line on top."""

    status_line: Rect = Rect(MARGIN, 8, 1280 - 2 * MARGIN, 28)
    avatar: Rect = Rect(MARGIN, 44, 380, 300)
    gauges: Rect = Rect(MARGIN, 352, 380, 196)
    road: Rect = Rect(404, 44, 472, 504)
    speed: Rect = Rect(404, 44, 472, 96)
    alert: Rect = Rect(888, 44, 380, 230)
    adas: Rect = Rect(888, 282, 380, 52)
    bus_panel: Rect = Rect(888, 342, 380, 206)
    timeline: Rect = Rect(MARGIN, 556, 1280 - 2 * MARGIN, 120)
    privacy: Rect = Rect(MARGIN, 684, 1280 - 2 * MARGIN, 28)


REGIONS = Regions()

#: The cluster's palette (RGB).
COLOURS: dict[str, tuple[int, int, int]] = {
    "background": (12, 14, 20),
    "panel": (24, 28, 38),
    "frame": (58, 64, 80),
    "text": (228, 232, 240),
    "dim": (130, 138, 156),
    "ok": (70, 200, 120),
    "level1": (240, 190, 40),  # amber: look
    "level2": (245, 130, 30),  # orange: act
    "level3": (230, 40, 40),  # red: act now
    "hazard": (255, 170, 0),
    "road": (46, 50, 58),
    "lane": (220, 220, 220),
    "car": (90, 160, 240),
    "skin": (214, 178, 146),
    "eye": (250, 250, 250),
    "iris": (60, 90, 140),
    "lens": (20, 20, 24),
    "mouth": (150, 60, 60),
    "grey": (90, 94, 104),
    "privacy": (110, 190, 230),
}
