"""Drawing helpers shared by the widgets: fonts, text, panels."""

from __future__ import annotations

import pygame

from hud.layout import COLOURS, Rect

__all__ = ["Fonts", "panel", "text"]


class Fonts:
    """pygame's bundled font at the sizes the HUD uses, loaded once."""

    def __init__(self) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self._cache: dict[tuple[int, bool], pygame.font.Font] = {}

    def get(self, size: int, bold: bool = False) -> pygame.font.Font:
        key = (size, bold)
        if key not in self._cache:
            font = pygame.font.Font(None, size)
            font.set_bold(bold)
            self._cache[key] = font
        return self._cache[key]


def text(
    surface: pygame.Surface,
    fonts: Fonts,
    words: str,
    at: tuple[int, int],
    *,
    size: int = 24,
    colour: tuple[int, int, int] = COLOURS["text"],
    bold: bool = False,
    anchor: str = "topleft",
) -> pygame.Rect:
    image = fonts.get(size, bold).render(words, True, colour)
    box = image.get_rect(**{anchor: at})
    surface.blit(image, box)
    return box


def panel(
    surface: pygame.Surface,
    area: Rect,
    *,
    fill: tuple[int, int, int] = COLOURS["panel"],
    border: tuple[int, int, int] = COLOURS["frame"],
    width: int = 1,
) -> None:
    pygame.draw.rect(surface, fill, area.tuple(), border_radius=8)
    pygame.draw.rect(surface, border, area.tuple(), width=width, border_radius=8)
