"""``dms bus``: catalog, dump, record, play, keys, flood and demo."""

from __future__ import annotations

import argparse

from dms.bus.keys import KEY_ENV, ROLES
from dms.bus.logfile import MAX_GAP_S
from dms.cli.key_args import add_key_argument
from dms.cli.lazy import deferred

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bus = commands.add_parser("bus", help="inspect, record and replay the CAN-like bus")
    sub = bus.add_subparsers(dest="bus_command", required=True, metavar="BUS_COMMAND")

    catalog = sub.add_parser("catalog", help="print the message catalog")
    style = catalog.add_mutually_exclusive_group()
    style.add_argument("--markdown", action="store_true", help="as Markdown (docs/bus.md)")
    style.add_argument("--json", action="store_true", help="as JSON")
    style.add_argument(
        "--dbc", metavar="FILE", help="write a DBC file for CAN tools (cantools, SavvyCAN ...)"
    )
    catalog.add_argument(
        "--keyed",
        action="store_true",
        help="with --dbc: the layout on a keyed bus (authenticated messages carry freshness "
        "and MAC)",
    )
    catalog.set_defaults(run=deferred("dms.cli.bus_run", "catalog"))

    dump = sub.add_parser("dump", help="decode frames from a bus or a log file, like candump")
    source = dump.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--bus", metavar="SPEC", help="listen on a bus, e.g. udp_multicast:239.74.163.2"
    )
    source.add_argument("file", nargs="?", help="a log file (.blf, .asc, .csv, .log, .trc)")
    dump.add_argument("--json", action="store_true", help="one JSON object per frame")
    dump.add_argument("--seconds", type=float, help="stop listening after this long")
    dump.add_argument("--count", type=int, help="stop after this many frames")
    add_key_argument(dump)
    dump.set_defaults(run=deferred("dms.cli.bus_run", "dump"))

    keys = sub.add_parser(
        "keys",
        help="derive one node's key ring from the master secret",
        description="Writes the keys a node of ROLE holds, derived from the master secret "
        f"(--key-file or ${KEY_ENV}), to a file only its user can read. Give a node its "
        "ring instead of the master: a cluster's ring verifies every frame and can sign "
        "none that a node acts on.",
    )
    keys.add_argument("--role", required=True, choices=ROLES)
    keys.add_argument("-o", "--output", required=True, metavar="FILE", help="the ring file")
    keys.add_argument("--key-file", metavar="FILE", help=f"the master secret (default: ${KEY_ENV})")
    keys.set_defaults(run=deferred("dms.cli.bus_run", "keys"))

    rec = sub.add_parser("record", help="record a bus to a log file")
    rec.add_argument("--bus", metavar="SPEC", required=True)
    rec.add_argument("-o", "--output", required=True, help="log file; format from the suffix")
    rec.add_argument("--seconds", type=float, help="stop after this long (default: Ctrl-C)")
    rec.set_defaults(run=deferred("dms.cli.bus_run", "record_bus"))

    pl = sub.add_parser("play", help="send the frames of a log file on a bus")
    pl.add_argument("file")
    pl.add_argument("--bus", metavar="SPEC", required=True)
    pl.add_argument("--speed", type=float, default=1.0, help="time factor; 0 = as fast as possible")
    pl.add_argument(
        "--max-gap",
        type=float,
        default=MAX_GAP_S,
        metavar="S",
        help=f"play a longer pause in the log as this many seconds (default {MAX_GAP_S:g})",
    )
    pl.set_defaults(run=deferred("dms.cli.bus_run", "play_log"))

    junk = sub.add_parser(
        "flood",
        help="flood a bus with junk frames, to see how the nodes cope (your own bench only)",
    )
    junk.add_argument("--bus", metavar="SPEC", required=True)
    junk.add_argument("--rate", type=float, default=10_000.0, help="junk frames a second")
    junk.add_argument("--seconds", type=float, default=10.0)
    junk.add_argument(
        "--malformed",
        type=int,
        default=0,
        metavar="N",
        help="also N datagrams that are no CAN frame at all (udp_multicast)",
    )
    junk.add_argument("--seed", type=int, default=0)
    junk.set_defaults(run=deferred("dms.cli.bus_run", "flood"))

    demo = sub.add_parser("demo", help="send one message of every catalog entry and decode it")
    demo.add_argument("--bus", metavar="SPEC", default="virtual:dms-demo")
    demo.set_defaults(run=deferred("dms.cli.bus_run", "demo"))
