"""Driving the HUD: from a replay (paced, with pause and seek) or from a live bus.

The HUD package only draws what a bus says; these loops decide the clock. With no
display, the HUD runs headless and writes screenshots (and a video with --record).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import can

from dms.bus import KeyRing, open_bus
from dms.bus.freshness import FreshnessStore
from dms.clock import now_s
from dms.display import display_available
from dms.scenario.runner import Replay, ReplayResult

if TYPE_CHECKING:  # the HUD (and pygame) load only when a HUD is asked for
    from hud.app import Commands, HudApp

__all__ = ["make_app", "show_bus", "show_replay"]

HEADLESS_SHOT_EVERY_S = 10.0


def make_app(args: argparse.Namespace, default_dir: Path, title: str) -> HudApp:
    from hud.app import HudApp
    from hud.recorder import RECORD_FPS

    every = args.screenshot_every
    if every is None and not display_available():
        every = HEADLESS_SHOT_EVERY_S  # no screen: show it as pictures
    return HudApp(
        title=title,
        screenshot_dir=args.screenshot_dir or default_dir,
        screenshot_every_s=every,
        record=args.record,
        fps=RECORD_FPS if args.record else 60.0,
    )


def show_replay(
    make: Callable[[], Replay], args: argparse.Namespace, report_dir: Path
) -> ReplayResult:
    """Run a replay under the HUD. With a display: paced to real time, with pause and seek;
    without: as fast as it goes, drawing only the frames that become pictures."""
    session = _ReplaySession(make, make_app(args, report_dir / "hud", "dms - replay"))
    try:
        if display_available():
            session.interactive()
        else:
            session.headless(record=args.record is not None)
        session.run_out()  # the user quit early: finish the drive for the report
    finally:
        session.close()
    return session.replay.finish()


class _ReplaySession:
    """A replay, the HUD's own listener on its bus, and the HUD window."""

    def __init__(self, make: Callable[[], Replay], app: HudApp) -> None:
        from hud.view import BusView

        self.make = make
        self.app = app
        self.replay = make()
        self.listener = open_bus(self.replay.spec)
        self.view = BusView(self.listener, keys=self.replay.cluster_keys)
        self.source = f"replay: {self.replay.scenario.path.name}"

    def step(self) -> None:
        self.replay.step()
        self.view.poll(self.replay.t_s)

    def draw(self, *, pace: bool) -> Commands:
        return self.app.frame(self.view.snapshot(self.replay.t_s, source=self.source), pace=pace)

    def interactive(self) -> None:
        """Paced to the wall clock; space pauses, the arrows seek; the end stays on screen."""
        clock_start, sim_start = time.monotonic(), 0.0
        while True:
            commands = self.draw(pace=True)
            if commands.quit:
                return
            if commands.seek_s:
                self.seek(self.replay.t_s + commands.seek_s)
            if commands.seek_s or commands.paused:
                clock_start, sim_start = time.monotonic(), self.replay.t_s
                continue
            target = sim_start + time.monotonic() - clock_start
            while not self.replay.done and self.replay.t_s <= target:
                self.step()

    def headless(self, *, record: bool) -> None:
        """As fast as it goes; draw only the frames that become screenshots or video."""
        from hud.recorder import RECORD_FPS

        every = max(1, round(self.replay.scenario.fps / RECORD_FPS))
        while not self.replay.done:
            self.step()
            if (record and self.replay.frame_index % every == 0) or self.app.due(self.replay.t_s):
                self.draw(pace=False)

    def seek(self, target_s: float) -> None:
        """Forward: run ahead. Backward: the replay is deterministic, so start it again
        and run ahead to the target (seconds of computing for minutes of driving)."""
        from hud.view import BusView

        replay = self.replay
        target_s = min(max(0.0, target_s), replay.frames / replay.scenario.fps)
        if target_s < replay.t_s:
            replay.finish()
            self.listener.shutdown()
            self.replay = self.make()
            self.listener = open_bus(self.replay.spec)
            self.view = BusView(self.listener, keys=self.replay.cluster_keys)
        while not self.replay.done and self.replay.t_s < target_s:
            self.step()

    def run_out(self) -> None:
        while not self.replay.done:
            self.replay.step()

    def close(self) -> None:
        self.app.close()
        self.listener.shutdown()


def show_bus(
    bus: can.BusABC,
    args: argparse.Namespace,
    *,
    keys: KeyRing | None,
    freshness: FreshnessStore | None = None,
    source: str,
) -> int:
    """A standalone HUD on a live bus; returns the number of frames it decoded."""
    from hud.view import BusView

    app = make_app(args, Path("out/hud"), f"dms - {source}")
    view = BusView(bus, keys=keys, freshness=freshness, start_s=now_s())
    start = time.monotonic()
    try:
        while args.seconds is None or time.monotonic() - start < args.seconds:
            view.poll(now_s())
            state = view.snapshot(now_s(), source=source)
            if app.frame(state).quit:
                break
    finally:
        app.close()
    return view.frames
