"""The HUD window: draws the cluster, handles keys, screenshots, recording and chimes.

The caller owns time and data: each call to :meth:`HudApp.frame` draws one
:class:`HudState` and returns what the user asked for (quit, pause, seek). Headless
(``SDL_VIDEODRIVER=dummy``) it still draws, writes PNGs every so often and can record.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

import pygame

from dms.display import display_available
from hud.chimes import ChimePlayer
from hud.cluster import Cluster
from hud.layout import CANVAS
from hud.recorder import VideoRecorder
from hud.view import HudState

__all__ = ["Commands", "HudApp"]

SEEK_S = 10.0


@dataclass(frozen=True, slots=True)
class Commands:
    """What the user asked for during one frame."""

    quit: bool = False
    seek_s: float = 0.0  # relative
    paused: bool = False
    show_help: bool = False


class HudApp:
    def __init__(
        self,
        *,
        title: str = "dms - instrument cluster",
        size: tuple[int, int] = CANVAS,
        fps: float = 60.0,
        screenshot_dir: Path | None = None,
        screenshot_every_s: float | None = None,
        record: Path | None = None,
    ) -> None:
        if not display_available():
            os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
            os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        pygame.display.init()
        pygame.display.set_caption(title)
        self._window = pygame.display.set_mode(size, pygame.RESIZABLE)
        self._cluster = Cluster()
        self._chimes = ChimePlayer()
        self._clock = pygame.time.Clock()
        self.fps = fps
        self._paused = False
        self._help = False
        self._fullscreen = False
        self._shots = screenshot_dir
        self._shot_every = screenshot_every_s
        self._next_shot: float | None = None
        self._drawn_s: float | None = None  # elapsed time of the last frame drawn
        self._shot_s: float | None = None  # ... and of the last screenshot
        self._recorder = VideoRecorder(record, CANVAS) if record is not None else None
        self.screenshots: list[Path] = []

    def frame(self, state: HudState, *, pace: bool = True) -> Commands:
        """Draw ``state`` (with this app's pause and help flags); handle the keys."""
        commands = self._events(state)
        shown = dataclasses.replace(state, paused=self._paused, show_help=self._help)
        canvas = self._cluster.draw(shown)
        window = self._window
        if window.get_size() == CANVAS:
            window.blit(canvas, (0, 0))
        else:
            window.blit(pygame.transform.smoothscale(canvas, window.get_size()), (0, 0))
        pygame.display.flip()
        if state.hmi is not None and not self._paused:
            self._chimes.update(state.hmi.chime, state.t_s)
        self._drawn_s = state.elapsed_s
        self._maybe_screenshot(canvas, state.elapsed_s)
        if self._recorder is not None and not self._paused:
            self._recorder.add(canvas, state.t_s, wait=not pace)
        if pace:
            self._clock.tick(self.fps)
        return commands

    def _events(self, state: HudState) -> Commands:
        quit_, seek = False, 0.0
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                quit_ = True
            elif event.type == pygame.VIDEORESIZE and not self._fullscreen:
                self._window = pygame.display.set_mode(event.size, pygame.RESIZABLE)
            elif event.type == pygame.KEYDOWN:
                key = event.key
                if key in (pygame.K_q, pygame.K_ESCAPE):
                    quit_ = True
                elif key == pygame.K_SPACE:
                    self._paused = not self._paused
                elif key == pygame.K_h:
                    self._help = not self._help
                elif key == pygame.K_f:
                    self._toggle_fullscreen()
                elif key == pygame.K_s:
                    self.screenshot(self._cluster.canvas, state.elapsed_s)
                elif key == pygame.K_LEFT:
                    seek -= SEEK_S
                elif key == pygame.K_RIGHT:
                    seek += SEEK_S
        return Commands(quit=quit_, seek_s=seek, paused=self._paused, show_help=self._help)

    def _toggle_fullscreen(self) -> None:
        self._fullscreen = not self._fullscreen
        flags = pygame.FULLSCREEN if self._fullscreen else pygame.RESIZABLE
        self._window = pygame.display.set_mode((0, 0) if self._fullscreen else CANVAS, flags)

    def due(self, t_s: float) -> bool:
        """Whether a periodic screenshot is due at ``t_s`` (headless runners draw only then)."""
        if self._shot_every is None:
            return False
        return self._next_shot is None or t_s + 1e-9 >= self._next_shot

    def _maybe_screenshot(self, canvas: pygame.Surface, t_s: float) -> None:
        if self._shot_every is None or self._shots is None:
            return
        if self._next_shot is None:
            self._next_shot = t_s
        if t_s + 1e-9 >= self._next_shot:
            self.screenshot(canvas, t_s)
            self._next_shot += self._shot_every
            while self._next_shot <= t_s:
                self._next_shot += self._shot_every

    def screenshot(self, canvas: pygame.Surface, t_s: float) -> Path:
        directory = self._shots or Path("out/hud")
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"hud-{t_s:08.1f}s.png"
        pygame.image.save(canvas, str(path))
        self.screenshots.append(path)
        self._shot_s = t_s
        return path

    def close(self) -> None:
        """Stop; with periodic screenshots, the last frame drawn is kept too (how a short
        headless run ended: a camera fault, the final alert)."""
        drawn = self._drawn_s
        if self._shot_every is not None and drawn is not None and drawn != self._shot_s:
            self.screenshot(self._cluster.canvas, drawn)
        try:
            if self._recorder is not None:
                self._recorder.close()
        finally:
            pygame.display.quit()
