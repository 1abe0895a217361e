"""The work behind ``bus_cmd``'s commands: imported when one runs."""

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
from dms.bus.keys import KEY_ENV, SENDERS
from dms.clock import now_s
from dms.errors import ConfigError

__all__ = ["catalog", "demo", "dump", "flood", "keys", "play_log", "record_bus"]


def catalog(args: argparse.Namespace) -> int:
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


def dump(args: argparse.Namespace) -> int:
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


def record_bus(args: argparse.Namespace) -> int:
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


def play_log(args: argparse.Namespace) -> int:
    with open_bus(args.bus) as bus:
        frames = play(args.file, bus, speed=args.speed, max_gap_s=args.max_gap)
    print(f"sent {frames} frames from {args.file}", file=sys.stderr)
    return 0


def flood(args: argparse.Namespace) -> int:
    from dms.bus.flood import flood

    if not (0 < args.rate <= 1e6 and 0 < args.seconds <= 86_400 and args.malformed >= 0):
        raise ConfigError("--rate must be 0-1e6 frames/s, --seconds 0-86400, --malformed >= 0")
    sent = flood(args.bus, args.rate, args.seconds, malformed=args.malformed, seed=args.seed)
    extra = f" and {args.malformed} malformed datagrams" if args.malformed else ""
    print(f"sent {sent} junk frames{extra} on {args.bus}", file=sys.stderr)
    return 0


def keys(args: argparse.Namespace) -> int:
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


def demo(args: argparse.Namespace) -> int:
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
