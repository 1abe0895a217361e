"""The whole cluster: every widget drawn onto the 1280×720 canvas from one HudState."""

from __future__ import annotations

import pygame

from hud.draw import Fonts
from hud.layout import CANVAS, COLOURS
from hud.view import HudState
from hud.widgets.alerts import AdasLine, AlertArea, StatusLine
from hud.widgets.avatar import Avatar
from hud.widgets.bus_panel import BusPanel, PrivacyMark
from hud.widgets.gauges import Gauges
from hud.widgets.overlay import Overlay
from hud.widgets.road import Road
from hud.widgets.timeline import Timeline

__all__ = ["Cluster"]


class Cluster:
    """Stateless drawing: the same HudState always gives the same picture."""

    def __init__(self) -> None:
        self.fonts = Fonts()
        self.canvas = pygame.Surface(CANVAS)
        self.widgets = (
            StatusLine(),
            Avatar(),
            Gauges(),
            Road(),
            AlertArea(),
            AdasLine(),
            BusPanel(),
            Timeline(),
            PrivacyMark(),
            Overlay(),
        )

    def draw(self, state: HudState) -> pygame.Surface:
        self.canvas.fill(COLOURS["background"])
        for widget in self.widgets:
            widget.render(self.canvas, state, self.fonts)
        return self.canvas
