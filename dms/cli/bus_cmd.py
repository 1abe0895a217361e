"""``dms bus``: catalog, dump, record, play, keys, flood and demo."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

import can

from dms.bus import (
    CATALOG,
    FrameStatus,
    KeyRing,
    Publisher,
    Receiver,
    load_keys,
    load_master,
    open_bus,
    play,
    read_frames,
    record,
)
from dms.bus.docs import catalog_json, catalog_markdown
from dms.bus.dump import message_values, reception_json, reception_line
from dms.bus.examples import example_messages
from dms.bus.inbox import Inbox
from dms.bus.keys import KEY_ENV, ROLES, SENDERS
from dms.bus.logfile import MAX_GAP_S
from dms.cli.key_args import add_key_argument
from dms.clock import now_s
from dms.errors import ConfigError

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
    catalog.set_defaults(run=_catalog)

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
    dump.set_defaults(run=_dump)

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
    keys.set_defaults(run=_keys)

    rec = sub.add_parser("record", help="record a bus to a log file")
    rec.add_argument("--bus", metavar="SPEC", required=True)
    rec.add_argument("-o", "--output", required=True, help="log file; format from the suffix")
    rec.add_argument("--seconds", type=float, help="stop after this long (default: Ctrl-C)")
    rec.set_defaults(run=_record)

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
    pl.set_defaults(run=_play)

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
    junk.set_defaults(run=_flood)

    demo = sub.add_parser("demo", help="send one message of every catalog entry and decode it")
    demo.add_argument("--bus", metavar="SPEC", default="virtual:dms-demo")
    demo.set_defaults(run=_demo)


def _catalog(args: argparse.Namespace) -> int:
    if args.dbc:
        from dms.bus.dbc import catalog_dbc

        path = Path(args.dbc)
        try:
            path.write_text(catalog_dbc(keyed=args.keyed), encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc}") from exc
        layout = "keyed-bus" if args.keyed else "plain"
        print(f"wrote {path}: {len(CATALOG)} messages, {layout} layout", file=sys.stderr)
        return 0
    if args.keyed:
        raise ConfigError("--keyed goes with --dbc FILE")
    if args.markdown:
        sys.stdout.write(catalog_markdown())
    elif args.json:
        json.dump(catalog_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for spec in CATALOG:
            auth = " auth" if spec.authenticated else ""
            print(
                f"0x{spec.can_id:03X} {spec.name:<16} {spec.period_ms:>5} ms  {spec.sender}{auth}"
            )
            for signal in spec.signals:
                unit = f" [{signal.unit}]" if signal.unit and signal.unit != "1" else ""
                print(f"      {signal.name}{unit}  {signal.minimum:g}..{signal.maximum:g}")
    return 0


def _listen(inbox: Inbox, seconds: float | None, count: int | None) -> Iterator[can.Message]:
    deadline = None if seconds is None else time.monotonic() + seconds
    received = 0
    while count is None or received < count:
        remaining = None if deadline is None else deadline - time.monotonic()
        if remaining is not None and remaining <= 0:
            return
        frame = inbox.wait(0.2 if remaining is None else min(0.2, remaining))
        if frame is not None:
            received += 1
            yield frame


def _dump(args: argparse.Namespace) -> int:
    keys = load_keys("cluster", args.key_file)
    receiver = Receiver(keys=keys)  # a tool: freshness in memory, nothing persisted
    verifying = (
        "verifying every frame's display MAC (cluster keys)"
        if keys is not None
        else "no key: frames are not authenticated"
    )
    print(f"bus dump: {verifying}", file=sys.stderr)
    receive_errors = 0
    if args.bus:
        with open_bus(args.bus) as bus:
            inbox = Inbox(bus)
            heard = _listen(inbox, args.seconds, args.count)
            _print_frames(heard, receiver, args.json, sys.stdout, clock=now_s)
            receive_errors = inbox.errors
    else:
        frames: Iterable[can.Message] = read_frames(args.file)
        if args.count is not None:
            frames = (frame for i, frame in enumerate(frames) if i < args.count)
        _print_frames(frames, receiver, args.json, sys.stdout)
    _print_summary(receiver, receive_errors, sys.stderr)
    return 0


def _print_frames(
    frames: Iterable[can.Message],
    receiver: Receiver,
    as_json: bool,
    out: TextIO,
    clock: Callable[[], float] | None = None,
) -> None:
    """Decode and print each frame, at the time ``clock`` gives when it is taken (a live
    bus: the process clock), else at its stamp (a log: the recorded time)."""
    for frame in frames:
        reception = receiver.receive_can(frame, clock() if clock is not None else None)
        data = b"" if reception.message is not None else bytes(frame.data)
        if as_json:
            out.write(json.dumps(reception_json(reception, data)) + "\n")
        else:
            out.write(reception_line(reception, data) + "\n")
        out.flush()


def _print_summary(receiver: Receiver, receive_errors: int, out: TextIO) -> None:
    totals: dict[FrameStatus, int] = {}
    for (_, status), n in receiver.counts.items():
        totals[status] = totals.get(status, 0) + n
    summary = ", ".join(f"{n} {status.value}" for status, n in sorted(totals.items()))
    errors = f"; {receive_errors} more the bus could not receive" if receive_errors else ""
    out.write(f"{sum(totals.values())} frames: {summary or 'none'}{errors}\n")


def _record(args: argparse.Namespace) -> int:
    with open_bus(args.bus) as bus:
        inbox = Inbox(bus)
        try:
            frames = record(bus, args.output, seconds=args.seconds, inbox=inbox)
        except KeyboardInterrupt:
            frames = -1
    if frames >= 0:
        dropped = f" ({inbox.errors} the bus could not receive)" if inbox.errors else ""
        print(f"recorded {frames} frames to {args.output}{dropped}", file=sys.stderr)
    return 0


def _play(args: argparse.Namespace) -> int:
    with open_bus(args.bus) as bus:
        frames = play(args.file, bus, speed=args.speed, max_gap_s=args.max_gap)
    print(f"sent {frames} frames from {args.file}", file=sys.stderr)
    return 0


def _flood(args: argparse.Namespace) -> int:
    from dms.bus.flood import flood

    if not (0 < args.rate <= 1e6 and 0 < args.seconds <= 86_400 and args.malformed >= 0):
        raise ConfigError("--rate must be 0-1e6 frames/s, --seconds 0-86400, --malformed >= 0")
    sent = flood(args.bus, args.rate, args.seconds, malformed=args.malformed, seed=args.seed)
    extra = f" and {args.malformed} malformed datagrams" if args.malformed else ""
    print(f"sent {sent} junk frames{extra} on {args.bus}", file=sys.stderr)
    return 0


def _keys(args: argparse.Namespace) -> int:
    master = load_master(args.key_file)
    if master is None:
        raise ConfigError(f"no master secret: give --key-file FILE or set ${KEY_ENV}")
    ring = KeyRing.from_master(master, args.role)
    path = Path(args.output)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(ring.to_text())
    except OSError as exc:
        raise ConfigError(f"cannot write the key ring {path}: {exc}") from exc
    held = ", ".join(f"{kind.value}.{sender}" for kind, sender in ring.keys)
    print(f"wrote the {args.role} key ring ({held}) to {path}", file=sys.stderr)
    return 0


def _demo(args: argparse.Namespace) -> int:
    """Encode one message of every entry, send it, receive it, decode it, print a table."""
    master = load_master() or secrets.token_bytes(32)  # a one-off key shows the MACs at work
    with open_bus(args.bus) as sender_bus, open_bus(args.bus) as receiver_bus:
        publishers: dict[str, Publisher] = {  # each message from its own sender's ring
            role: Publisher(sender_bus, KeyRing.from_master(master, role)) for role in SENDERS
        }
        receiver = Receiver(keys=KeyRing.from_master(master, "cluster"))
        rows: list[tuple[str, ...]] = []
        t0 = now_s()
        for message in example_messages():
            sent = publishers[message.SPEC.sender].send(message, t0)
            frame = Inbox(receiver_bus).wait(1.0)
            if frame is None:
                rows.append((message.SPEC.name, f"0x{sent.arbitration_id:03X}", "-", "lost", ""))
                continue
            reception = receiver.receive_can(frame)
            values = message_values(reception.message) if reception.message is not None else {}
            rows.append(
                (
                    reception.name,
                    f"0x{frame.arbitration_id:03X}",
                    str(len(frame.data)),
                    reception.status.value,
                    " ".join(f"{k}={_short(v)}" for k, v in values.items()),
                )
            )
    _print_table(("message", "id", "bytes", "status", "decoded signals"), rows)
    bad = sum(1 for row in rows if row[3] != FrameStatus.OK.value)
    print(f"\n{len(rows)} messages over {args.bus}: {len(rows) - bad} ok, {bad} not ok")
    return 0 if bad == 0 else 1


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "|".join(value) or "NONE"
    return str(value)


def _print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))
