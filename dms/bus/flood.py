"""Junk on a bus, to see how nodes cope (``dms bus flood``): for one's own test bench.

Random CAN FD frames on the catalog's IDs and on others, with random payloads (they fail
the E2E CRC, as an attacker's junk does), and optionally datagrams that are no CAN frame
at all. On ``udp_multicast`` the junk goes straight from a UDP socket as python-can's
datagrams (pre-packed: an attacker needs no python-can, and a flood must be cheap to
send); on any other bus through python-can.
"""

from __future__ import annotations

import contextlib
import random
import socket
import time
from collections.abc import Callable

import can
from can.interfaces.udp_multicast.utils import pack_message

from dms.bus.catalog import CATALOG
from dms.bus.publisher import make_frame
from dms.bus.transport import BusSpec, open_bus
from dms.errors import BusError

__all__ = ["MULTICAST_PORT", "flood"]

#: python-can's default udp_multicast port.
MULTICAST_PORT = 43113
_DISTINCT = 4096  # junk frames made up front, sent round robin
_BATCH_S = 0.001


def _junk(rng: random.Random) -> list[can.Message]:
    ids = [spec.can_id for spec in CATALOG] * 4 + [rng.randrange(0x800) for _ in range(32)]
    return [make_frame(rng.choice(ids), rng.randbytes(64), 0.0) for _ in range(_DISTINCT)]


def _multicast_sender(spec: BusSpec) -> Callable[[bytes], None]:
    group = spec.channel
    family = socket.AF_INET6 if ":" in group else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    port = spec.options.get("port", MULTICAST_PORT)
    destination = (group, int(port))

    def send(datagram: bytes) -> None:
        # A full send buffer loses the datagram, as on a real flood.
        with contextlib.suppress(OSError):
            sock.sendto(datagram, destination)

    return send


def flood(
    spec: str | BusSpec,
    rate_hz: float,
    seconds: float,
    *,
    malformed: int = 0,
    seed: int = 0,
) -> int:
    """Send junk at ``rate_hz`` for ``seconds`` (and ``malformed`` datagrams that are no
    frame, on udp_multicast); returns the junk frames sent."""
    parsed = spec if isinstance(spec, BusSpec) else BusSpec.parse(spec)
    rng = random.Random(seed)
    frames = _junk(rng)
    if parsed.interface == "udp_multicast":
        send_datagram = _multicast_sender(parsed)
        datagrams = [pack_message(frame) for frame in frames]
        for _ in range(malformed):
            send_datagram(rng.randbytes(rng.randrange(1, 200)))
        return _paced(lambda i: send_datagram(datagrams[i % _DISTINCT]), rate_hz, seconds)
    with open_bus(parsed) as bus:

        def send_frame(i: int) -> None:
            try:
                bus.send(frames[i % _DISTINCT])
            except can.CanError as exc:
                raise BusError(f"cannot flood {parsed}: {exc}") from exc

        return _paced(send_frame, rate_hz, seconds)


def _paced(send: Callable[[int], None], rate_hz: float, seconds: float) -> int:
    sent, start = 0, time.monotonic()
    while (now := time.monotonic()) - start < seconds:
        due = int((now - start) * rate_hz)
        while sent < due:
            send(sent)
            sent += 1
        time.sleep(_BATCH_S)
    return sent
