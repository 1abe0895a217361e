"""The bus as the car sees it (rates, rejected frames, timeouts), and the privacy mark."""

from __future__ import annotations

import pygame

from dms.bus import CATALOG
from hud.draw import Fonts, panel, text
from hud.layout import COLOURS, REGIONS
from hud.view import HudState

__all__ = ["BusPanel", "PrivacyMark"]


class BusPanel:
    area = REGIONS.bus_panel

    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        area = self.area
        panel(surface, area)
        text(
            surface,
            fonts,
            "BUS (Hz)",
            (area.x + 10, area.y + 8),
            size=22,
            colour=COLOURS["dim"],
            bold=True,
        )
        rates = dict(state.bus.rates_hz)
        rows = (len(CATALOG) + 1) // 2  # two columns of messages, rates in Hz
        column_w = (area.w - 24) // 2
        for i, spec in enumerate(CATALOG):
            name, rate = spec.name, rates.get(spec.name, 0.0)
            late = name in state.bus.timed_out
            invalid = name in state.bus.unavailable and not late
            colour = COLOURS["level3"] if late or invalid else COLOURS["text"]
            x, y = area.x + 12 + (i // rows) * column_w, area.y + 34 + (i % rows) * 20
            text(surface, fonts, name, (x, y), size=18, colour=colour)
            label = "TIMEOUT" if late else "INVALID" if invalid else f"{rate:4.1f}"
            text(
                surface,
                fonts,
                label,
                (x + column_w - 8, y),
                size=18,
                colour=colour,
                anchor="topright",
            )
        failures = (
            ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in state.bus.failures)
            or "no rejected frames"
        )
        colour = COLOURS["level2"] if state.bus.failures else COLOURS["ok"]
        text(surface, fonts, failures, (area.x + 12, area.y + area.h - 24), size=20, colour=colour)
        verified = "MACs verified" if state.bus.keyed else "plain bus: not authenticated"
        colour = COLOURS["ok"] if state.bus.keyed else COLOURS["dim"]
        text(
            surface,
            fonts,
            verified,
            (area.x + area.w - 12, area.y + 8),
            size=20,
            colour=colour,
            anchor="topright",
        )


class PrivacyMark:
    """Nothing pixel-shaped leaves the camera module, and the cluster says so."""

    area = REGIONS.privacy

    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        area = self.area
        x, y = area.x + 12, area.y + area.h // 2
        pygame.draw.rect(surface, COLOURS["privacy"], (x, y - 4, 16, 12), border_radius=2)
        pygame.draw.arc(surface, COLOURS["privacy"], (x + 2, y - 14, 12, 16), 0, 3.1416, 3)
        text(
            surface,
            fonts,
            "METADATA ONLY - no camera image leaves the DMS module",
            (x + 26, y),
            size=22,
            colour=COLOURS["privacy"],
            anchor="midleft",
        )
