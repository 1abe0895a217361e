"""The work behind ``vehicle_cmd``'s commands: imported when one runs."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from dataclasses import replace

from dms.bus import Publisher, open_bus
from dms.cli.cabin_args import cabin_from
from dms.cli.event_log import print_events
from dms.cli.key_args import node_keys
from dms.cli.settings_args import settings_from
from dms.cli.sim_args import simulator_options
from dms.clock import now_s
from dms.errors import ConfigError
from dms.events import EventKind
from dms.scenario.road_watch import RoadWatch
from dms.units import KPH
from dms.vehicle.ecu import EcuNode
from dms.vehicle.model import DriverControls
from dms.vehicle.road import TEST_TARGETS, Target
from dms.vehicle.sim import SimNode
from dms.vehicle.simulators import make_vehicle

__all__ = ["ECU_TICK_S", "ecu", "run_paced", "sim"]

ECU_TICK_S = 0.01


def _target(args: argparse.Namespace) -> Target | None:
    """The forward test's target from ``--target`` and its options (None: no target)."""
    if args.target is None:
        return None
    kind, default_mps = TEST_TARGETS[args.target]
    speed_mps = default_mps if args.target_speed_kph is None else args.target_speed_kph * KPH
    if args.target_distance_m <= 0 or speed_mps < 0:
        raise ConfigError("--target-distance-m must be positive and --target-speed-kph >= 0")
    if not 0.0 <= args.impact_location_pct <= 100.0:
        raise ConfigError("--impact-location-pct is a share of the car's width: 0 to 100")
    return Target(
        kind=kind,
        speed_mps=speed_mps,
        range_m=args.target_distance_m,
        impact_location_pct=args.impact_location_pct,
    )


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
    target = _target(args)
    vehicle = make_vehicle(
        args.sim,
        speed_mps=controls.target_speed_mps,
        target=target,
        options=simulator_options(args),
    )
    road: RoadWatch | None = None  # started with the vehicle's clock, at its first step
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

            def step(t_s: float) -> None:
                nonlocal road, controls
                status = node.step(t_s, controls)
                if status is None:
                    return
                road = road or RoadWatch(start_s=t_s)
                events = road.observe(t_s, status)
                print_events(events, "vehicle")
                if target is not None and any(e.kind is EventKind.AVOIDED for e in events):
                    # stopped behind it: the driver keeps to its speed, never drives into it
                    controls = replace(controls, target_speed_mps=target.speed_mps)

            with contextlib.suppress(KeyboardInterrupt):
                run_paced(step, 0.01, args.seconds)
            if road is not None:
                print_events(road.finish(), "vehicle")
    finally:
        vehicle.close()
    print(f"{args.sim} vehicle stopped", file=sys.stderr)
    return 0
