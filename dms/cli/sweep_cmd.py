"""``dms sweep``: a scenario across axes of parameters, settings and seeds."""

from __future__ import annotations

import argparse
from pathlib import Path

from dms.cli.engine_args import add_engine_arguments
from dms.cli.lazy import deferred
from dms.cli.settings_args import add_settings_arguments

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sweep = commands.add_parser(
        "sweep",
        help="run a scenario across axes of parameters and seeds; one table of results",
        description="Exit status: 0 when the sweep ran (whatever its rows say), 2 for invalid "
        "input. See sweeps/ for examples.",
    )
    sweep.add_argument("sweep", type=Path, metavar="SWEEP.yaml")
    sweep.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where the table and runs go (default: out/sweeps/NAME)",
    )
    sweep.add_argument(
        "--resume", action="store_true", help="keep the rows already in the table; run the rest"
    )
    add_engine_arguments(sweep)
    sweep.add_argument("--no-plot", action="store_true", help="the table only (no plots/*.png)")
    add_settings_arguments(sweep)
    sweep.set_defaults(run=deferred("dms.cli.sweep_run", "sweep"))
