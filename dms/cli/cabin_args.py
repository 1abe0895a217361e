"""The cabin on the command line: one set of options for every command that runs the
camera module or the ECU (``replay``, ``live``, ``sensor``, ``ecu``), so the module, the
ECU and the synthetic driver agree on where the wheel and the camera are."""

from __future__ import annotations

import argparse
import dataclasses

from dms.driver_state.cabin import Cabin
from dms.errors import ConfigError

__all__ = ["add_cabin_arguments", "cabin_from"]


def add_cabin_arguments(parser: argparse.ArgumentParser, *, over: str = "") -> None:
    """``over``: what the options override, for the help text (a scenario's cabin)."""
    group = parser.add_argument_group("cabin" + (f" (overrides {over} cabin)" if over else ""))
    group.add_argument(
        "--drive-side",
        choices=("left", "right"),
        help="the side the steering wheel is on (default: left)",
    )
    group.add_argument(
        "--camera-yaw-deg",
        type=float,
        metavar="DEG",
        help="where the camera sits, seen from the driver looking ahead: + to the left "
        "(a centre-console camera in a left-hand-drive car: about -25)",
    )
    group.add_argument(
        "--camera-pitch-deg",
        type=float,
        metavar="DEG",
        help="... and + below the line of sight (a steering-column camera: about 15)",
    )


def cabin_from(args: argparse.Namespace, base: Cabin | None = None) -> Cabin:
    """``base`` (default: a left-hand-drive cabin) with the options given on the command line."""
    changes: dict[str, object] = {}
    for name, limit in (("camera_yaw_deg", 60.0), ("camera_pitch_deg", 40.0)):
        value = getattr(args, name)
        if value is not None and not -limit <= value <= limit:
            option = "--" + name.replace("_", "-")
            raise ConfigError(f"{option} must be within +-{limit:g} degrees, got {value:g}")
    if args.drive_side is not None:
        changes["drive_side"] = args.drive_side
    if args.camera_yaw_deg is not None:
        changes["camera_yaw_deg"] = args.camera_yaw_deg
    if args.camera_pitch_deg is not None:
        changes["camera_pitch_deg"] = args.camera_pitch_deg
    return dataclasses.replace(base or Cabin(), **changes)  # type: ignore[arg-type]
