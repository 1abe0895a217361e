"""``dms eval`` and ``dms video``: the on-module perception on real media."""

from __future__ import annotations

import argparse
from pathlib import Path

from dms.cli.lazy import deferred

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = commands.add_parser("eval", help="check the perception against a labelled manifest")
    ev.add_argument("manifest", type=Path, help="CSV: path, frames, expect")
    ev.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON")
    ev.add_argument("--model", type=Path, help="face model file (default: resolved)")
    ev.set_defaults(run=deferred("dms.cli.perception_run", "evaluate"))

    video = commands.add_parser("video", help="per-frame features of a clip, as CSV and a plot")
    video.add_argument("file", type=Path, help="a video, an image or a folder of images")
    video.add_argument("--csv", type=Path, metavar="OUT", help="write CSV here (default: stdout)")
    video.add_argument("--plot", type=Path, metavar="OUT.png", help="plot the features over time")
    video.add_argument("--model", type=Path, help="face model file (default: resolved)")
    video.set_defaults(run=deferred("dms.cli.perception_run", "video"))
