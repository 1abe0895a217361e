"""``dms replay``: run scenarios faster than real time and check their expectations."""

from __future__ import annotations

import argparse
from pathlib import Path

from dms.cli.cabin_args import add_cabin_arguments
from dms.cli.hud_args import add_hud_arguments
from dms.cli.lazy import deferred
from dms.cli.settings_args import add_settings_arguments
from dms.cli.sim_args import add_simulator_arguments

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    replay = commands.add_parser(
        "replay",
        help="replay scenarios through the whole chain and check their expectations",
        description="Exit status: 0 when every expectation holds, 1 when any fails, "
        "2 for invalid input.",
    )
    replay.add_argument(
        "scenarios", nargs="+", type=Path, metavar="SCENARIO", help="scenario YAML files"
    )
    replay.add_argument(
        "--bus", metavar="SPEC", help="bus to run on (default: a private in-process bus)"
    )
    replay.add_argument(
        "--report", type=Path, metavar="DIR", help="report directory (default: out/<scenario>)"
    )
    replay.add_argument(
        "--log", type=Path, metavar="FILE.blf", help="record the bus with python-can"
    )
    replay.add_argument("--realtime", action="store_true", help="pace the replay to the wall clock")
    replay.add_argument(
        "--no-plot", action="store_true", help="write report.json only (no timeline.png)"
    )
    replay.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="scenarios side by side in N processes (0: one per core; default 1)",
    )
    replay.add_argument(
        "--junit", type=Path, metavar="FILE.xml", help="also write a JUnit XML report (for CI)"
    )
    replay.add_argument(
        "--support",
        action="store_true",
        help="also run each scenario without the DMS raising the ADAS sensitivity, and give "
        "Euro NCAP's forward support, lane support and emergency function verdicts",
    )
    replay.add_argument(
        "--key-file",
        help="authenticate frames: a master secret, hex (default: $DMS_BUS_KEY). The replay "
        "signs with a one-off key derived from nothing, so its frames are never valid on "
        "a live bus; --bus-key signs with this key instead",
    )
    replay.add_argument(
        "--bus-key",
        action="store_true",
        help="sign with the bus key itself (for a cluster on a live bus); freshness then "
        "comes from the persisted trip counters, so the frames are fresh once",
    )
    replay.add_argument(
        "--hud",
        action="store_true",
        help="show the instrument cluster (paced to real time; without a display: "
        "screenshots into the report directory)",
    )
    add_hud_arguments(replay)
    add_cabin_arguments(replay, over="the scenario's")
    add_settings_arguments(replay)
    add_simulator_arguments(replay, default=None)
    replay.set_defaults(run=deferred("dms.cli.replay_run", "replay"))
