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
from dms.bus.signals import Message, MessageSpec
from dms.bus.status import FrameStatus

__all__ = ["Receiver", "Reception", "freshness_is_newer"]

_FRESHNESS_MODULUS = 1 << 32


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


class Receiver:
    """Decodes frames of the catalog's messages and keeps per-message statistics."""

    def __init__(self, catalog: Iterable[MessageSpec] = CATALOG, key: bytes | None = None) -> None:
        self._codecs = {spec.can_id: FrameCodec(spec, key) for spec in catalog}
        self._last_counter: dict[int, int] = {}
        self._last_freshness: dict[int, int] = {}
        #: (message name or hex ID, status) -> frames
        self.counts: Counter[tuple[str, FrameStatus]] = Counter()

    def receive(self, can_id: int, data: bytes, t_s: float = 0.0) -> Reception:
        codec = self._codecs.get(can_id)
        if codec is None:
            return self._count(Reception(t_s, can_id, FrameStatus.UNKNOWN_ID))
        status, message, counter, freshness = codec.parse(data)
        if status is FrameStatus.OK:
            status = self._sequence(can_id, counter, freshness, codec.authenticated)
            if not status.delivered:
                message = None
        return self._count(Reception(t_s, can_id, status, message, codec.spec))

    def receive_can(self, frame: can.Message) -> Reception:
        """Classify a python-can frame; 29-bit, remote and error frames are not ours."""
        if frame.is_extended_id or frame.is_remote_frame or frame.is_error_frame:
            return self._count(
                Reception(frame.timestamp, frame.arbitration_id, FrameStatus.UNKNOWN_ID)
            )
        return self.receive(frame.arbitration_id, bytes(frame.data), frame.timestamp)

    def _sequence(
        self, can_id: int, counter: int, freshness: int, authenticated: bool
    ) -> FrameStatus:
        if authenticated:
            last_freshness = self._last_freshness.get(can_id)
            if last_freshness is not None and not freshness_is_newer(freshness, last_freshness):
                return FrameStatus.REPLAYED
            self._last_freshness[can_id] = freshness
        last = self._last_counter.get(can_id)
        if last == counter:
            return FrameStatus.REPEATED
        self._last_counter[can_id] = counter
        if last is not None and counter != (last + 1) & 0xFF:
            return FrameStatus.COUNTER_JUMP
        return FrameStatus.OK

    def _count(self, reception: Reception) -> Reception:
        self.counts[(reception.name, reception.status)] += 1
        return reception

    def count(self, status: FrameStatus, name: str | None = None) -> int:
        """Frames with ``status``, for one message or (``name=None``) for all."""
        return sum(
            n for (who, what), n in self.counts.items() if what is status and name in (None, who)
        )
