"""The HUD's screenshot and recording options, shared by replay, live and hud."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["add_hud_arguments"]


def add_hud_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--screenshot-every",
        type=float,
        metavar="SECONDS",
        help="write a PNG of the HUD this often",
    )
    parser.add_argument(
        "--screenshot-dir", type=Path, metavar="DIR", help="where screenshots go (default: out/...)"
    )
    parser.add_argument("--record", type=Path, metavar="OUT.mp4", help="record the HUD to a video")
