"""Receiving frames: integrity, authenticity and sequence checks, decoding, counting.

A receiver never raises on what arrives: every frame gets a :class:`FrameStatus`, bad
frames are dropped and counted, good ones come back as message dataclasses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

import can

from dms.bus.catalog import CATALOG
from dms.bus.codec import FrameCodec
from dms.bus.e2e import DEFAULT_E2E, CounterCheck, E2ESettings
from dms.bus.publisher import make_frame
from dms.bus.signals import Message, MessageSpec
from dms.bus.status import FrameStatus

__all__ = ["Receiver", "Reception", "freshness_is_newer"]

_FRESHNESS_MODULUS = 1 << 32
_OK = FrameStatus.OK
#: The statuses that deliver data (``FrameStatus.delivered``, as a set: this is per frame).
_DELIVERED = frozenset(status for status in FrameStatus if status.delivered)


def freshness_is_newer(value: int, last: int) -> bool:
    """Serial-number comparison (RFC 1982) of 32-bit freshness values, so wrap-around works."""
    return 0 < (value - last) % _FRESHNESS_MODULUS < _FRESHNESS_MODULUS // 2


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


class _Incoming:
    """One message's codec and the sequence state of its stream."""

    __slots__ = ("codec", "counter", "last_freshness", "ok_key", "spec")

    def __init__(self, codec: FrameCodec, e2e: E2ESettings) -> None:
        self.codec = codec
        self.spec = codec.spec
        self.ok_key = (codec.spec.name, FrameStatus.OK)  # its most frequent count
        self.counter = CounterCheck(codec.spec.period_s, e2e)
        self.last_freshness: int | None = None

    def sequence(self, counter: int, freshness: int, t_s: float) -> FrameStatus:
        """The verdict on an intact frame's counter (and freshness, when authenticated)."""
        if self.codec.authenticated:
            last_freshness = self.last_freshness
            if last_freshness is not None and not freshness_is_newer(freshness, last_freshness):
                return FrameStatus.REPLAYED
            self.last_freshness = freshness
        return self.counter.check(counter, t_s)


class Receiver:
    """Decodes frames of the catalog's messages and keeps per-message statistics."""

    def __init__(
        self,
        catalog: Iterable[MessageSpec] = CATALOG,
        key: bytes | None = None,
        e2e: E2ESettings = DEFAULT_E2E,
    ) -> None:
        self._incoming = {spec.can_id: _Incoming(FrameCodec(spec, key), e2e) for spec in catalog}
        # (message name or hex ID, status) -> frames, in order of first appearance. A plain
        # dict, not a Counter: it is updated for every frame, and dict updates are faster.
        self._counts: dict[tuple[str, FrameStatus], int] = {}

    @property
    def counts(self) -> Counter[tuple[str, FrameStatus]]:
        """(message name or hex ID, status) -> frames so far."""
        return Counter(self._counts)

    def receive(self, can_id: int, data: bytes | bytearray, t_s: float = 0.0) -> Reception:
        """Classify the payload ``data`` of a CAN FD data frame with 11-bit ``can_id``."""
        return self.receive_can(make_frame(can_id, data, t_s))

    def receive_can(self, frame: can.Message, t_s: float | None = None) -> Reception:
        """Classify a python-can frame; 29-bit, remote and error frames are not ours.

        ``t_s`` is when the node took the frame, on the node's own clock. Nodes always pass
        it: transports re-stamp frames (udp_multicast and socketcan with their receive
        time), so a frame's stamp is a log's time, not a clock to judge timeouts by.
        Without it the reception carries the frame's stamp (for tools reading logs).
        """
        can_id = frame.arbitration_id
        if t_s is None:
            t_s = frame.timestamp
        incoming = self._incoming.get(can_id)
        ours = not (frame.is_extended_id or frame.is_remote_frame or frame.is_error_frame)
        if incoming is None or not ours:
            return self._count(Reception(t_s, can_id, FrameStatus.UNKNOWN_ID))
        status, message, counter, freshness = incoming.codec.parse(frame.data)
        if status is _OK:
            status = incoming.sequence(counter, freshness, t_s)
            if status not in _DELIVERED:
                message = None
        key = incoming.ok_key if status is _OK else (incoming.spec.name, status)
        self._counts[key] = self._counts.get(key, 0) + 1
        return Reception(t_s, can_id, status, message, incoming.spec)

    def _count(self, reception: Reception) -> Reception:
        key = (reception.name, reception.status)
        self._counts[key] = self._counts.get(key, 0) + 1
        return reception

    def count(self, status: FrameStatus, name: str | None = None) -> int:
        """Frames with ``status``, for one message or (``name=None``) for all."""
        return sum(
            n for (who, what), n in self._counts.items() if what is status and name in (None, who)
        )
