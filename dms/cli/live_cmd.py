"""``dms live``, ``dms sensor`` and ``dms hud``: a person in front of a camera, through the
whole chain, as one process or as several on one bus."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from dms.cli.cabin_args import add_cabin_arguments
from dms.cli.hud_args import add_hud_arguments
from dms.cli.key_args import add_key_argument
from dms.cli.lazy import deferred
from dms.cli.settings_args import add_settings_arguments

if TYPE_CHECKING:
    pass

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    live = commands.add_parser("live", help="camera -> DMS -> bus -> ECU -> vehicle -> HUD, live")
    _camera_arguments(live)
    live.add_argument("--no-hud", action="store_true", help="run without the instrument cluster")
    live.add_argument("--preview", action="store_true", help="a local window with the camera image")
    live.add_argument(
        "--bus", metavar="SPEC", help="bus to use (default: a private in-process bus)"
    )
    live.add_argument("--log", type=Path, metavar="FILE.blf", help="record the bus")
    live.add_argument("--speed-kph", type=float, default=100.0, help="the simulated car's speed")
    add_hud_arguments(live)
    live.set_defaults(run=deferred("dms.cli.live_run", "live"))

    sensor = commands.add_parser("sensor", help="run the camera module alone on a bus")
    sensor.add_argument("--bus", metavar="SPEC", required=True)
    _camera_arguments(sensor, scenario=True)
    sensor.set_defaults(run=deferred("dms.cli.live_run", "sensor"))

    hud = commands.add_parser("hud", help="the instrument cluster for a bus fed by other processes")
    hud.add_argument("--bus", metavar="SPEC", required=True)
    hud.add_argument("--seconds", type=float, help="close after this long")
    add_key_argument(hud)
    add_hud_arguments(hud)
    hud.set_defaults(run=deferred("dms.cli.live_run", "hud"))


def _camera_arguments(parser: argparse.ArgumentParser, *, scenario: bool = False) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--camera", type=int, default=None, metavar="N", help="webcam index (default 0)"
    )
    source.add_argument("--video", type=Path, metavar="FILE", help="a clip played as the camera")
    if scenario:
        source.add_argument(
            "--scenario", type=Path, metavar="FILE", help="the synthetic driver of a scenario"
        )
    parser.add_argument("--seconds", type=float, help="stop after this long")
    parser.add_argument("--model", help="face model file (default: resolved)")
    add_key_argument(parser)
    add_cabin_arguments(parser, over="a scenario's" if scenario else "")
    add_settings_arguments(parser)
