"""Whether this machine has a screen: windows (the HUD, the camera preview) open only then."""

from __future__ import annotations

import os

__all__ = ["display_available", "no_display_reason"]


def no_display_reason(*, sdl: bool = True) -> str | None:
    """Why no real window can open here, or ``None`` when one can (a desktop session).
    ``sdl``: for a pygame window, which SDL's dummy or offscreen driver keeps headless."""
    if os.name == "nt":
        return None
    if sdl and os.environ.get("SDL_VIDEODRIVER") in ("dummy", "offscreen"):
        return f"SDL_VIDEODRIVER is {os.environ['SDL_VIDEODRIVER']}"
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "neither DISPLAY nor WAYLAND_DISPLAY is set"
    return None


def display_available() -> bool:
    return no_display_reason() is None
