"""Bus benchmark: codec cost per message and frames/s through the virtual bus.

Targets (issue 2): encode + decode <= 5 µs per message plain, <= 8 µs authenticated (CRC,
MAC and the decoded dataclass included); >= 20,000 frames/s through python-can's virtual
bus with no loss.

    python benchmarks/bus.py [--frames N]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import timeit

from dms.bus import FrameCodec, FrameStatus, Message, Publisher, Receiver, open_bus
from dms.bus.examples import example_messages

KEY = bytes(range(32))
PLAIN_TARGET_US = 5.0
AUTH_TARGET_US = 8.0
THROUGHPUT_TARGET = 20_000


def codec_us(codec: FrameCodec, message: Message, repeats: int = 7, number: int = 20_000) -> float:
    """Best of ``repeats`` runs of the mean encode + decode time, in µs.

    The best run is the code's own cost; slower runs measure the neighbours on this VM.
    """
    frame = codec.encode(message, 1, 1000)

    def round_trip() -> None:
        codec.parse(codec.encode(message, 1, 1000))

    assert codec.parse(frame)[0] is FrameStatus.OK
    runs = timeit.repeat(round_trip, number=number, repeat=repeats)
    return min(runs) / number * 1e6


def throughput(frames: int, batch: int) -> tuple[float, int]:
    """Frames/s encoded, sent, received and decoded over the virtual bus in one thread, in
    batches as a replay step does, and how many did not arrive intact."""
    messages = example_messages()
    with open_bus("virtual:bench") as tx, open_bus("virtual:bench") as rx:
        publisher = Publisher(tx, key=KEY)
        receiver = Receiver(key=KEY)
        t0 = time.time()
        ok = 0
        start = time.perf_counter()
        for first in range(0, frames, batch):
            for i in range(first, min(first + batch, frames)):
                publisher.send(messages[i % len(messages)], t0 + i * 1e-4)
            while (frame := rx.recv(timeout=0)) is not None:
                ok += receiver.receive_can(frame).status is FrameStatus.OK
        elapsed = time.perf_counter() - start
    return frames / elapsed, frames - ok


def threaded_throughput(frames: int) -> tuple[float, int]:
    """The same with the sender in its own thread (both share the GIL)."""
    messages = example_messages()
    with open_bus("virtual:bench-threads") as tx, open_bus("virtual:bench-threads") as rx:
        publisher = Publisher(tx, key=KEY)
        receiver = Receiver(key=KEY)

        def send() -> None:
            t0 = time.time()
            for i in range(frames):
                publisher.send(messages[i % len(messages)], t0 + i * 1e-4)

        sender = threading.Thread(target=send)
        start = time.perf_counter()
        sender.start()
        ok = 0
        while ok < frames and (frame := rx.recv(timeout=1.0)) is not None:
            ok += receiver.receive_can(frame).status is FrameStatus.OK
        elapsed = time.perf_counter() - start
        sender.join()
    return frames / elapsed, frames - ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=8, help="frames per send/drain step")
    args = parser.parse_args()

    print(f"{'message':<16} {'signals':>7} {'plain µs':>9} {'auth µs':>8} {'bytes':>6}")
    plain_all, auth_all = [], []
    for message in example_messages():
        spec = message.SPEC
        plain = codec_us(FrameCodec(spec, None), message)
        auth_codec = FrameCodec(spec, KEY)
        auth = codec_us(auth_codec, message) if auth_codec.authenticated else float("nan")
        size = len(auth_codec.encode(message, 255, 2**32 - 1))
        plain_all.append(plain)
        if auth_codec.authenticated:
            auth_all.append(auth)
        print(f"{spec.name:<16} {len(spec.signals):>7} {plain:>9.2f} {auth:>8.2f} {size:>6}")
    print(
        f"encode+decode: plain max {max(plain_all):.2f} µs,"
        f" mean {statistics.mean(plain_all):.2f} µs"
        f" (target <= {PLAIN_TARGET_US}); authenticated max {max(auth_all):.2f} µs,"
        f" mean {statistics.mean(auth_all):.2f} µs (target <= {AUTH_TARGET_US})"
    )
    rate, lost = throughput(args.frames, batch=args.batch)
    print(
        f"virtual bus, one thread, batches of {args.batch}: {rate:,.0f} frames/s encoded, sent, "
        f"received and decoded; {lost} lost of {args.frames:,} "
        f"(target >= {THROUGHPUT_TARGET:,} frames/s, no loss)"
    )
    rate, lost = threaded_throughput(args.frames)
    print(
        f"virtual bus, sender thread + receiver: {rate:,.0f} frames/s, {lost} lost (for reference)"
    )


if __name__ == "__main__":
    main()
