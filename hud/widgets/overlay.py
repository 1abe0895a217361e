"""The help overlay (H) and the pause mark."""

from __future__ import annotations

import pygame

from hud.draw import Fonts, text
from hud.layout import CANVAS, COLOURS
from hud.view import HudState

__all__ = ["KEYS", "Overlay"]

KEYS = (
    ("space", "pause / resume"),
    ("left / right", "seek 10 s back / ahead (replay)"),
    ("H", "this help"),
    ("F", "full screen"),
    ("S", "screenshot"),
    ("Q / Esc", "quit"),
)


class Overlay:
    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        if state.show_help:
            shade = pygame.Surface(CANVAS, pygame.SRCALPHA)
            shade.fill((0, 0, 0, 200))
            surface.blit(shade, (0, 0))
            x, y = CANVAS[0] // 2 - 260, 180
            text(surface, fonts, "Keys", (x, y), size=40, bold=True)
            for k, (key, meaning) in enumerate(KEYS):
                text(surface, fonts, key, (x, y + 60 + 40 * k), size=32, colour=COLOURS["level1"])
                text(surface, fonts, meaning, (x + 200, y + 60 + 40 * k), size=32)
        elif state.paused:
            text(
                surface,
                fonts,
                "PAUSED",
                (CANVAS[0] // 2, CANVAS[1] // 2),
                size=80,
                bold=True,
                colour=COLOURS["level1"],
                anchor="center",
            )
