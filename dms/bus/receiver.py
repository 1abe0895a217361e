"""Receiving frames: integrity, authenticity and sequence checks, decoding, counting.

A receiver never raises on what arrives: every frame gets a :class:`FrameStatus`, bad
frames are dropped and counted, good ones come back as message dataclasses.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

import can

from dms.bus.catalog import CATALOG
from dms.bus.codec import FrameCodec
from dms.bus.e2e import DEFAULT_E2E, CounterCheck, E2ESettings, StreamSupervisor
from dms.bus.freshness import FreshnessCheck, FreshnessStore
from dms.bus.health import HealthMonitor
from dms.bus.keys import KeyRing
from dms.bus.signals import Message, MessageSpec
from dms.bus.status import FrameStatus

__all__ = ["RATE_BUDGET", "Receiver", "Reception"]

_OK = FrameStatus.OK
_OVER_BUDGET = FrameStatus.OVER_BUDGET
#: How many times its catalog rate a sender may send valid frames (a 60 fps camera sends
#: DMS_FaceState at twice its nominal 30 Hz); more in a second are dropped as
#: ``over_budget``, so a babbling node cannot drown a receiver in valid-looking frames.
RATE_BUDGET = 3.0
#: Frames a sender may send at once (a node that stalled takes its queue in one go).
BURST_FRAMES = 8
#: The statuses that deliver data (``FrameStatus.delivered``, as a set: this is per frame).
_DELIVERED = frozenset(status for status in FrameStatus if status.delivered)


class Reception(NamedTuple):
    """One received frame and what the receiver made of it (a tuple: one per frame)."""

    t_s: float
    can_id: int
    status: FrameStatus
    message: Message | None = None
    spec: MessageSpec | None = None

    @property
    def name(self) -> str:
        return self.spec.name if self.spec is not None else f"0x{self.can_id:03X}"


_new_reception = tuple.__new__  # Reception(...) without its __new__'s Python frame


class _Incoming:
    """One message's codec and the sequence state of its stream."""

    __slots__ = (
        "codec",
        "counter",
        "freshness",
        "ok_key",
        "rate",
        "spec",
        "stream",
        "tokens",
        "tokens_s",
    )

    def __init__(
        self,
        codec: FrameCodec,
        e2e: E2ESettings,
        store: FreshnessStore,
        stream: StreamSupervisor,
    ) -> None:
        self.codec = codec
        self.spec = codec.spec
        self.ok_key = (codec.spec.name, FrameStatus.OK)  # its most frequent count
        self.counter = CounterCheck(codec.spec.period_s, e2e)
        self.freshness = FreshnessCheck(codec.spec.name, store) if codec.authenticated else None
        self.stream = stream
        # The rate budget, a token bucket: RATE_BUDGET frames a period, BURST_FRAMES at once.
        self.rate = RATE_BUDGET / codec.spec.period_s
        self.tokens = float(BURST_FRAMES)
        self.tokens_s = -math.inf


class Receiver:
    """Decodes frames of the catalog's messages, supervises each message's stream (E2E
    state machine and deadline: :attr:`health`) and keeps per-message statistics."""

    def __init__(
        self,
        catalog: Iterable[MessageSpec] = CATALOG,
        keys: KeyRing | None = None,
        e2e: E2ESettings = DEFAULT_E2E,
        freshness: FreshnessStore | None = None,
        start_s: float = 0.0,
    ) -> None:
        """``keys``: the receiving node's key ring (``None``: a plain bus); ``freshness``:
        where accepted freshness values are kept (default: in memory); ``start_s``: when
        the node starts listening, on its own clock (a stream that never starts times out
        from then)."""
        specs = list(catalog)
        self.keys = keys
        self.freshness = freshness if freshness is not None else FreshnessStore()
        self.health = HealthMonitor(start_s, specs, e2e)
        self._incoming = {
            spec.can_id: _Incoming(
                FrameCodec(spec, keys.mac_keys(spec.sender) if keys else None),
                e2e,
                self.freshness,
                self.health.supervisor(spec.name),
            )
            for spec in specs
        }
        # (message name or hex ID, status) -> frames, in order of first appearance. A plain
        # dict, not a Counter: it is updated for every frame, and dict updates are faster.
        self._counts: dict[tuple[str, FrameStatus], int] = {}

    @property
    def counts(self) -> Counter[tuple[str, FrameStatus]]:
        """(message name or hex ID, status) -> frames so far."""
        return Counter(self._counts)

    def receive(self, can_id: int, data: bytes | bytearray, t_s: float = 0.0) -> Reception:
        """Classify the payload ``data`` of a CAN FD data frame with 11-bit ``can_id``,
        taken at ``t_s``."""
        incoming = self._incoming.get(can_id)
        if incoming is None:
            return self._count(Reception(t_s, can_id, FrameStatus.UNKNOWN_ID))
        status, message, counter, freshness = incoming.codec.parse(data)
        if status is _OK:
            check = incoming.freshness
            if check is not None:
                status = check.check(freshness, t_s) or _OK
            if status is _OK:
                status = incoming.counter.check(counter, t_s)
            if status in _DELIVERED:
                tokens = incoming.tokens + (t_s - incoming.tokens_s) * incoming.rate
                incoming.tokens_s = t_s
                if tokens >= 1.0:
                    incoming.tokens = min(tokens, BURST_FRAMES) - 1.0
                else:  # a babbling sender: contained
                    incoming.tokens = tokens
                    status = _OVER_BUDGET
            if status not in _DELIVERED:
                message = None
        incoming.stream.observe(status.check, t_s)
        key = incoming.ok_key if status is _OK else (incoming.spec.name, status)
        self._counts[key] = self._counts.get(key, 0) + 1
        return _new_reception(Reception, (t_s, can_id, status, message, incoming.spec))

    def receive_can(self, frame: can.Message, t_s: float | None = None) -> Reception:
        """Classify a python-can frame; 29-bit, remote and error frames are not ours.

        ``t_s`` is when the node took the frame, on the node's own clock. Nodes always pass
        it: transports re-stamp frames (udp_multicast and socketcan with their receive
        time), so a frame's stamp is a log's time, not a clock to judge timeouts by.
        Without it the reception carries the frame's stamp (for tools reading logs).
        """
        if t_s is None:
            t_s = frame.timestamp
        if frame.is_extended_id or frame.is_remote_frame or frame.is_error_frame:
            return self._count(Reception(t_s, frame.arbitration_id, FrameStatus.UNKNOWN_ID))
        return self.receive(frame.arbitration_id, frame.data, t_s)

    def _count(self, reception: Reception) -> Reception:
        key = (reception.name, reception.status)
        self._counts[key] = self._counts.get(key, 0) + 1
        return reception

    def over_budget(self, name: str) -> bool:
        """Whether ``name``'s sender is at or over its rate budget now (a babbler)."""
        incoming = next((i for i in self._incoming.values() if i.spec.name == name), None)
        return incoming is not None and incoming.tokens < 1.0

    def count(self, status: FrameStatus, name: str | None = None) -> int:
        """Frames with ``status``, for one message or (``name=None``) for all."""
        return sum(
            n for (who, what), n in self._counts.items() if what is status and name in (None, who)
        )
