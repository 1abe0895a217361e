"""Gauges: the AttenD attention buffer, PERCLOS and the KSS-like drowsiness level."""

from __future__ import annotations

import pygame

from hud.draw import Fonts, panel, text
from hud.layout import COLOURS, REGIONS, Rect
from hud.view import HudState

__all__ = ["Gauges"]

ATTEND_FULL_S = 2.0
PERCLOS_SCALE_PCT = 40.0
PERCLOS_DROWSY_PCT = 15.0  # the classic drowsy criterion (Dinges 1998)
KSS_LEVELS = 9
KSS_WARN = 7  # DDAW may warn from 7


class Gauges:
    area = REGIONS.gauges

    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        area = self.area
        panel(surface, area)
        bar = Rect(area.x + 150, 0, area.w - 170, 24)
        buffer = (
            state.distraction.attend_buffer_s if state.distraction is not None else ATTEND_FULL_S
        )
        self._bar(
            surface,
            fonts,
            "attention",
            fraction=buffer / ATTEND_FULL_S,
            value=f"{buffer:.1f} s",
            bar=bar,
            y=area.y + 20,
            low_is_bad=True,
        )
        drowsiness = state.drowsiness
        valid = drowsiness is not None and drowsiness.perclos_valid
        perclos = drowsiness.perclos_pct if drowsiness is not None and valid else 0.0
        self._bar(
            surface,
            fonts,
            "PERCLOS",
            fraction=perclos / PERCLOS_SCALE_PCT,
            value=f"{perclos:.0f} %" if valid else "—",  # no value until the window is judged
            bar=bar,
            y=area.y + 70,
            threshold=PERCLOS_DROWSY_PCT / PERCLOS_SCALE_PCT,
        )
        level = state.drowsiness.drowsiness_level if state.drowsiness is not None else 1
        text(
            surface,
            fonts,
            "drowsiness",
            (area.x + 12, area.y + 126),
            size=24,
            colour=COLOURS["dim"],
        )
        cell = (area.w - 170) // KSS_LEVELS
        for k in range(1, KSS_LEVELS + 1):
            box = pygame.Rect(area.x + 150 + (k - 1) * cell, area.y + 120, cell - 4, 30)
            lit = k <= level
            colour = (
                COLOURS["level3"]
                if k >= KSS_WARN + 1
                else COLOURS["level1"]
                if k >= KSS_WARN
                else COLOURS["ok"]
            )
            pygame.draw.rect(surface, colour if lit else COLOURS["frame"], box, border_radius=3)
        text(
            surface,
            fonts,
            f"KSS-like {level}",
            (area.x + area.w - 20, area.y + 160),
            size=22,
            colour=COLOURS["dim"],
            anchor="topright",
        )

    @staticmethod
    def _bar(
        surface: pygame.Surface,
        fonts: Fonts,
        label: str,
        *,
        fraction: float,
        value: str,
        bar: Rect,
        y: int,
        low_is_bad: bool = False,
        threshold: float | None = None,
    ) -> None:
        fraction = max(0.0, min(1.0, fraction))
        text(surface, fonts, label, (bar.x - 138, y + 2), size=24, colour=COLOURS["dim"])
        pygame.draw.rect(surface, COLOURS["frame"], (bar.x, y, bar.w, bar.h), border_radius=4)
        bad = fraction < 0.25 if low_is_bad else (threshold is not None and fraction >= threshold)
        colour = COLOURS["level2"] if bad else COLOURS["ok"]
        pygame.draw.rect(surface, colour, (bar.x, y, int(bar.w * fraction), bar.h), border_radius=4)
        if threshold is not None:
            x = bar.x + int(bar.w * threshold)
            pygame.draw.line(surface, COLOURS["text"], (x, y - 3), (x, y + bar.h + 3), 2)
        text(
            surface,
            fonts,
            value,
            (bar.x + bar.w, y + bar.h + 2),
            size=20,
            colour=COLOURS["dim"],
            anchor="topright",
        )
