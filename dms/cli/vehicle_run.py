"""The work behind ``vehicle_cmd``'s commands: imported when one runs."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable

from dms.bus import Publisher, open_bus
from dms.cli.cabin_args import cabin_from
from dms.cli.event_log import print_events
from dms.cli.key_args import node_keys
from dms.cli.settings_args import settings_from
from dms.cli.sim_args import simulator_options
from dms.clock import now_s
from dms.units import KPH
from dms.vehicle.ecu import EcuNode
from dms.vehicle.model import DriverControls
from dms.vehicle.sim import SimNode
from dms.vehicle.simulators import make_vehicle

__all__ = ["ECU_TICK_S", "ecu", "run_paced", "sim"]

ECU_TICK_S = 0.01


def run_paced(step: Callable[[float], object], period_s: float, seconds: float | None) -> None:
    """Call ``step(wall time)`` every ``period_s`` until ``seconds`` pass or Ctrl-C."""
    start = time.monotonic()
    ticks = 0
    while seconds is None or time.monotonic() - start < seconds:
        step(now_s())
        ticks += 1
        delay = start + ticks * period_s - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def ecu(args: argparse.Namespace) -> int:
    security = node_keys(args, "ecu")
    with open_bus(args.bus) as bus, contextlib.closing(security):
        node = EcuNode(
            bus,
            Publisher(bus, security.keys, freshness=security.freshness),
            keys=security.keys,
            freshness=security.freshness,
            settings=settings_from(args).ecu,
            cabin=cabin_from(args),
            start_s=now_s(),
            on_arrival=True,
        )
        start = now_s()
        next_tick = start
        with contextlib.suppress(KeyboardInterrupt):
            while args.seconds is None or now_s() - start < args.seconds:
                outputs = node.step(now_s())
                if outputs is not None:
                    print_events(outputs.events, "ecu")
                next_tick = max(next_tick + ECU_TICK_S, now_s())
                wake = min(next_tick, node.next_deadline_s(now_s()))  # a deadline, to the ms
                node.inbox.hold(wake - now_s())  # a frame wakes the ECU at once
    return 0


def sim(args: argparse.Namespace) -> int:
    security = node_keys(args, "vehicle")
    controls = DriverControls(target_speed_mps=args.speed_kph * KPH)
    vehicle = make_vehicle(
        args.sim, speed_mps=controls.target_speed_mps, options=simulator_options(args)
    )
    try:
        with open_bus(args.bus) as bus, contextlib.closing(security):
            node = SimNode(
                vehicle,
                bus,
                Publisher(bus, security.keys, freshness=security.freshness),
                keys=security.keys,
                freshness=security.freshness,
                start_s=now_s(),
            )
            with contextlib.suppress(KeyboardInterrupt):
                run_paced(lambda t_s: node.step(t_s, controls), 0.01, args.seconds)
    finally:
        vehicle.close()
    print(f"{args.sim} vehicle stopped", file=sys.stderr)
    return 0
