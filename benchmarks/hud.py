"""HUD benchmark: frames/s of the 1280×720 cluster, headless.

Target (issue 6): >= 120 frames/s. The state is a busy one — a level-2 alert, an MRM with
blinking hazards, a full 60 s timeline — taken from a replay of the showcase scenario.

    python benchmarks/hud.py [--frames N]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path

if not __package__:  # run as a script: import the project, not this folder's own files
    sys.path[0] = str(Path(__file__).resolve().parents[1])
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from dms.bus import open_bus
from dms.scenario.loader import load_scenario
from dms.scenario.runner import Replay
from hud.app import HudApp
from hud.cluster import Cluster
from hud.view import BusView, HudState

SHOWCASE = Path(__file__).resolve().parents[1] / "scenarios" / "showcase.yaml"
TARGET_FPS = 120.0


def busy_state(at_s: float) -> HudState:
    """The HUD's state after replaying the showcase up to ``at_s``."""
    replay = Replay(load_scenario(SHOWCASE))
    with open_bus(replay.spec) as bus:
        view = BusView(bus)
        while replay.t_s < at_s:
            replay.step()
            view.poll(replay.t_s)
        state = view.snapshot(replay.t_s, source="benchmark")
    replay.finish()
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=600)
    args = parser.parse_args()
    state = busy_state(120.0)
    cluster = Cluster()
    started = time.perf_counter()
    for k in range(args.frames):
        cluster.draw(dataclasses.replace(state, t_s=state.t_s + k / 60))
    draw_s = (time.perf_counter() - started) / args.frames
    app = HudApp()
    started = time.perf_counter()
    for k in range(args.frames):
        app.frame(dataclasses.replace(state, t_s=state.t_s + k / 60), pace=False)
    frame_s = (time.perf_counter() - started) / args.frames
    app.close()
    print(f"cluster draw only: {draw_s * 1e3:.2f} ms ({1 / draw_s:.0f} frames/s)")
    print(
        f"HUD frame (draw, window blit, flip, keys) at 1280x720 headless: {frame_s * 1e3:.2f} ms "
        f"= {1 / frame_s:.0f} frames/s (target >= {TARGET_FPS:.0f})"
    )


if __name__ == "__main__":
    main()
