"""The last 60 s in a strip: eyes on the road, eye openness, alert levels."""

from __future__ import annotations

import itertools

import pygame

from dms.bus.enums import AlertLevel
from hud.draw import Fonts, panel, text
from hud.layout import COLOURS, REGIONS
from hud.view import HISTORY_S, HudState
from hud.widgets.alerts import LEVEL_COLOURS

__all__ = ["Timeline"]

LABEL_W = 110


class Timeline:
    area = REGIONS.timeline

    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        area = self.area
        panel(surface, area)
        plot_x, plot_w = area.x + LABEL_W, area.w - LABEL_W - 12
        rows = {"on road": area.y + 12, "eyes": area.y + 46, "alerts": area.y + 86}
        for label, y in rows.items():
            text(surface, fonts, label, (area.x + 10, y + 2), size=22, colour=COLOURS["dim"])
        start = state.t_s - HISTORY_S

        def x_of(t: float) -> int:
            return plot_x + int((t - start) / HISTORY_S * plot_w)

        points = state.history
        for a, b in itertools.pairwise(points):
            x0, x1 = x_of(a.t_s), max(x_of(b.t_s), x_of(a.t_s) + 1)
            colour = COLOURS["ok"] if a.eyes_on_road else COLOURS["level2"]
            pygame.draw.rect(surface, colour, (x0, rows["on road"], x1 - x0, 20))
            if a.eye_open >= 0 and b.eye_open >= 0:
                y0 = rows["eyes"] + 30 - int(a.eye_open * 28)
                y1 = rows["eyes"] + 30 - int(b.eye_open * 28)
                pygame.draw.line(surface, COLOURS["car"], (x0, y0), (x1, y1), 2)
            if a.alert_level:
                level = AlertLevel(a.alert_level)
                pygame.draw.rect(
                    surface,
                    LEVEL_COLOURS[level],
                    (x0, rows["alerts"] + (3 - a.alert_level) * 6, x1 - x0, 6 * a.alert_level + 2),
                )
        for k in range(0, int(HISTORY_S) + 1, 10):
            x = plot_x + int(k / HISTORY_S * plot_w)
            pygame.draw.line(
                surface, COLOURS["frame"], (x, area.y + 8), (x, area.y + area.h - 8), 1
            )
        text(
            surface, fonts, "-60 s", (plot_x, area.y + area.h - 18), size=18, colour=COLOURS["dim"]
        )
        text(
            surface,
            fonts,
            "now",
            (plot_x + plot_w, area.y + area.h - 18),
            size=18,
            colour=COLOURS["dim"],
            anchor="topright",
        )
