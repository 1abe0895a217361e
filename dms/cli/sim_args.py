"""The vehicle simulator on the command line: one set of options for every command that
runs one (``replay``, ``sim``), as SUMO and CARLA users run them."""

from __future__ import annotations

import argparse
from pathlib import Path

from dms.errors import ConfigError
from dms.vehicle.carla_vehicle import CarlaSettings
from dms.vehicle.simulators import SIMULATORS, SimulatorOptions
from dms.vehicle.sumo import SUMO_STEP_S, SumoSettings

__all__ = ["add_simulator_arguments", "simulator_options"]

_SCENARIOS_CHOICE = "the scenario's, else builtin"


def add_simulator_arguments(parser: argparse.ArgumentParser, *, default: str | None) -> None:
    """``--sim`` and each simulator's options; ``default`` None: the scenario's choice."""
    parser.add_argument(
        "--sim",
        choices=SIMULATORS,
        default=default,
        help=f"vehicle simulator (default: {default or _SCENARIOS_CHOICE})",
    )
    sumo = parser.add_argument_group("SUMO (--sim sumo)")
    sumo.add_argument(
        "--sumo-config",
        type=Path,
        metavar="FILE",
        help="a .sumocfg of your own (default: the packaged three-lane motorway)",
    )
    sumo.add_argument(
        "--sumo-port",
        type=int,
        metavar="PORT",
        help="attach over TraCI to a SUMO already running with --remote-port PORT",
    )
    sumo.add_argument("--sumo-host", default="localhost", help="... on this host")
    sumo.add_argument(
        "--ego",
        metavar="ID",
        help="the vehicle to drive (default 'ego', inserted by dms on the packaged network; "
        "with your own config or a running SUMO, a vehicle of yours)",
    )
    sumo.add_argument(
        "--step-length",
        type=float,
        metavar="S",
        default=SUMO_STEP_S,
        help=f"SUMO's step length in seconds (default {SUMO_STEP_S:g}; a running SUMO keeps "
        "its own)",
    )
    carla = parser.add_argument_group("CARLA (--sim carla)")
    carla.add_argument("--host", default="localhost", help="the CARLA server")
    carla.add_argument("--port", type=int, default=2000, help="... and its port")
    carla.add_argument("--role-name", default="hero", help="the ego actor's role_name")
    carla.add_argument(
        "--fixed-delta",
        type=float,
        metavar="S",
        default=0.05,
        help="synchronous mode's fixed time step (default 0.05 s)",
    )
    carla.add_argument(
        "--observe-only", action="store_true",
        help="another client drives the car and ticks the world; dms reads the speed and "
        "takes control only for a minimal-risk manoeuvre",
    )  # fmt: skip


def simulator_options(args: argparse.Namespace) -> SimulatorOptions:
    if args.step_length <= 0 or args.fixed_delta <= 0:
        raise ConfigError("--step-length and --fixed-delta must be positive")
    if args.sumo_config is not None and args.sumo_port is not None:
        raise ConfigError("--sumo-config starts a SUMO, --sumo-port attaches to one: pick one")
    return SimulatorOptions(
        sumo=SumoSettings(
            config=args.sumo_config,
            port=args.sumo_port,
            host=args.sumo_host,
            ego=args.ego or "ego",
            step_length_s=args.step_length,
        ),
        carla=CarlaSettings(
            host=args.host,
            port=args.port,
            role_name=args.role_name,
            fixed_delta_s=args.fixed_delta,
            observe_only=args.observe_only,
        ),
    )
