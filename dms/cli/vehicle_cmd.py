"""``dms ecu`` and ``dms sim``: the ECU and a vehicle simulator as processes of their own.

Run them with ``dms sensor`` and ``dms hud`` on one ``udp_multicast`` bus and the car is
four processes (or machines), as in a real vehicle. Each keeps its own clock (:mod:`dms.clock`).
"""

from __future__ import annotations

import argparse

from dms.cli.cabin_args import add_cabin_arguments
from dms.cli.key_args import add_key_argument
from dms.cli.lazy import deferred
from dms.cli.settings_args import add_settings_arguments
from dms.cli.sim_args import add_simulator_arguments
from dms.vehicle.road import TEST_TARGETS

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ecu = commands.add_parser(
        "ecu", help="run the vehicle ECU on a bus (DMS in, warnings and MRM out)"
    )
    ecu.add_argument("--bus", metavar="SPEC", required=True)
    ecu.add_argument("--seconds", type=float, help="stop after this long (default: Ctrl-C)")
    add_key_argument(ecu)
    add_settings_arguments(ecu)
    add_cabin_arguments(ecu)
    ecu.set_defaults(run=deferred("dms.cli.vehicle_run", "ecu"))

    sim = commands.add_parser(
        "sim", help="run a vehicle simulator on a bus (MRM in, VEH_State out)"
    )
    sim.add_argument("--bus", metavar="SPEC", required=True)
    sim.add_argument("--speed-kph", type=float, default=100.0, help="the driver's cruising speed")
    sim.add_argument("--seconds", type=float, help="stop after this long (default: Ctrl-C)")
    forward = sim.add_argument_group("a Euro NCAP forward test (built-in vehicle, SUMO)")
    forward.add_argument(
        "--target", choices=tuple(TEST_TARGETS), help="a test target ahead in the ego lane"
    )
    forward.add_argument(
        "--target-distance-m", type=float, default=80.0, help="how far ahead it starts"
    )
    forward.add_argument(
        "--target-speed-kph", type=float, help="its speed (default: the test's own)"
    )
    forward.add_argument(
        "--impact-location-pct",
        type=float,
        default=50.0,
        help="where on the ego's front it is met, from the left corner (50: centred)",
    )
    add_key_argument(sim)
    add_simulator_arguments(sim, default="builtin")
    sim.set_defaults(run=deferred("dms.cli.vehicle_run", "sim"))
