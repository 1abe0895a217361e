"""Sending messages: rolling counters, freshness values, CAN FD frames."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import can

from dms.bus.catalog import CATALOG
from dms.bus.codec import FrameCodec
from dms.bus.freshness import FreshnessStore
from dms.bus.keys import KeyRing
from dms.bus.signals import Message, MessageSpec
from dms.errors import BusError, EncodeError

__all__ = ["FrameSink", "Publisher", "make_frame"]

_COUNTER_MASK = 0xFFFF_FFFF  # the message counter's 32 bits


class FrameSink(Protocol):
    """Where a publisher puts frames: a python-can bus, or something standing before one."""

    def send(self, msg: can.Message, timeout: float | None = None) -> None: ...


def make_frame(can_id: int, data: bytes | bytearray, t_s: float) -> can.Message:
    """A CAN FD data frame with an 11-bit ID and bit-rate switching."""
    return can.Message(
        timestamp=t_s,
        arbitration_id=can_id,
        data=data,
        is_extended_id=False,
        is_fd=True,
        bitrate_switch=True,
    )


class _Outgoing:
    """One message's codec and where its counters stand."""

    __slots__ = ("can_id", "codec", "counter", "frames", "sender")

    def __init__(self, codec: FrameCodec) -> None:
        self.codec = codec
        self.can_id = codec.spec.can_id
        self.sender = codec.spec.sender
        self.counter = -1  # none sent yet: the first frame carries 0
        self.frames = 0  # this trip's message counter


class Publisher:
    """Encodes messages and sends them on a python-can bus.

    Each message has its own 8-bit E2E counter. On a keyed bus (``keys``: the sending
    node's key ring) authenticated messages carry both MACs and a freshness value: the
    sender's trip counter, taken from ``freshness`` when it first sends (a new trip each
    start, persisted first) and the message's frame count within the trip.
    """

    def __init__(
        self,
        bus: FrameSink | None,
        keys: KeyRing | None = None,
        catalog: Iterable[MessageSpec] = CATALOG,
        freshness: FreshnessStore | None = None,
    ) -> None:
        self._bus = bus
        self._outgoing = {
            spec.cls: _Outgoing(FrameCodec(spec, keys.mac_keys(spec.sender) if keys else None))
            for spec in catalog
        }
        self._freshness = freshness if freshness is not None else FreshnessStore()
        self._trips: dict[str, int] = {}  # sender -> this publisher's trip
        self.sent = 0

    def encode(self, message: Message, t_s: float) -> can.Message:
        """The next frame for ``message`` (advances its counters)."""
        can_id, data = self.encode_payload(message)
        return make_frame(can_id, data, t_s)

    def encode_payload(self, message: Message) -> tuple[int, bytes]:
        """(CAN ID, payload) of the next frame for ``message``, as :meth:`encode` without
        the python-can message around it."""
        outgoing = self._outgoing.get(type(message))
        if outgoing is None:
            name = type(message).__name__
            raise EncodeError(f"{name} is not a message of this publisher's catalog")
        counter = (outgoing.counter + 1) & 0xFF
        freshness = 0
        if outgoing.codec.authenticated:
            trip = self._trips.get(outgoing.sender)
            if trip is None or outgoing.frames >= _COUNTER_MASK:
                trip = self._new_trip(outgoing.sender)
            outgoing.frames += 1
            freshness = trip << 32 | outgoing.frames
        data = outgoing.codec.encode(message, counter, freshness)
        outgoing.counter = counter
        return outgoing.can_id, data

    def _new_trip(self, sender: str) -> int:
        trip = self._trips[sender] = self._freshness.next_trip(sender)
        for outgoing in self._outgoing.values():
            if outgoing.sender == sender:
                outgoing.frames = 0
        return trip

    def send(self, message: Message, t_s: float) -> can.Message:
        """Encode ``message`` and put it on the bus; returns the frame sent."""
        frame = self.encode(message, t_s)
        if self._bus is not None:
            try:
                self._bus.send(frame)
            except (can.CanError, OSError) as exc:
                raise BusError(f"cannot send {type(message).__name__}: {exc}") from exc
        self.sent += 1
        return frame
