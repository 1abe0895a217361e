"""Sending messages: rolling counters, freshness values, CAN FD frames."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import can

from dms.bus.catalog import CATALOG
from dms.bus.codec import FrameCodec
from dms.bus.signals import Message, MessageSpec
from dms.errors import BusError, EncodeError

__all__ = ["FrameSink", "Publisher", "make_frame"]


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
    """One message's codec and where its counter and freshness value stand."""

    __slots__ = ("can_id", "codec", "counter", "freshness")

    def __init__(self, codec: FrameCodec) -> None:
        self.codec = codec
        self.can_id = codec.spec.can_id
        self.counter = -1  # none sent yet: the first frame carries 0
        self.freshness = -1


class Publisher:
    """Encodes messages and sends them on a python-can bus.

    Each message has its own 8-bit counter. Authenticated messages carry a 32-bit
    freshness value: the send time in milliseconds, bumped to stay strictly increasing,
    so a restarted sender is still fresh to a receiver that remembers the old one.
    """

    def __init__(
        self,
        bus: FrameSink | None,
        key: bytes | None = None,
        catalog: Iterable[MessageSpec] = CATALOG,
    ) -> None:
        self._bus = bus
        self._outgoing = {spec.cls: _Outgoing(FrameCodec(spec, key)) for spec in catalog}
        self.sent = 0

    def encode(self, message: Message, t_s: float) -> can.Message:
        """The next frame for ``message`` (advances its counter and freshness)."""
        outgoing = self._outgoing.get(type(message))
        if outgoing is None:
            name = type(message).__name__
            raise EncodeError(f"{name} is not a message of this publisher's catalog")
        counter = (outgoing.counter + 1) & 0xFF
        freshness = 0
        if outgoing.codec.authenticated:
            freshness = max(outgoing.freshness + 1, int(t_s * 1000.0))
            outgoing.freshness = freshness
        data = outgoing.codec.encode(message, counter, freshness)  # keeps the low 32 bits
        outgoing.counter = counter
        return make_frame(outgoing.can_id, data, t_s)

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
