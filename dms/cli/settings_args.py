"""``--settings FILE`` and ``--set KEY=VALUE`` on every command that runs the chain."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the settings pull in every estimator: imported when a command runs
    from dms.settings import Assignment, DmsSettings

__all__ = ["add_settings_arguments", "settings_from", "user_settings"]


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("settings (see 'dms settings schema')")
    group.add_argument(
        "--settings",
        type=Path,
        metavar="FILE.toml",
        help="thresholds from a TOML file of [section] tables, e.g. [eyes] sleep_s = 2.5",
    )
    group.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="set_values",
        help="one threshold, e.g. --set attention.long_distraction_fast_s=2.5 (repeatable; "
        "wins over the file, which wins over a scenario's settings: block)",
    )


def user_settings(args: argparse.Namespace) -> list[Assignment]:
    """The settings file's and ``--set``'s assignments, checked now (a bad key stops the
    command before anything runs)."""
    from dms.settings import parse_assignment, read_toml, resolve

    layer: list[Assignment] = []
    if args.settings is not None:
        layer += read_toml(args.settings)
    layer += [(*parse_assignment(text), "--set") for text in args.set_values]
    resolve(layer)
    return layer


def settings_from(args: argparse.Namespace) -> DmsSettings:
    """The effective settings of a command without a scenario (live, sensor, ecu)."""
    from dms.settings import resolve

    return resolve(user_settings(args))[0]
