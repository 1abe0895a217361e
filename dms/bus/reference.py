"""The reference codec: the frame layout of :mod:`dms.bus.layout` written out signal by
signal, with a stock msgpack decoder for the body and :mod:`hashlib`'s keyed BLAKE2s for the MACs.

It is slow and plain on purpose (as cantools keeps a plain codec beside its fast one):
:class:`~dms.bus.codec.FrameCodec` is tested against it, byte for byte and value for value.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import msgpack

from dms.bus.codec import Parsed, profile5_crc
from dms.bus.keys import MacKeys
from dms.bus.layout import (
    COUNTER_AT,
    FD_LENGTHS,
    FRESHNESS_BYTES,
    MAC_BYTES,
    FrameLayout,
    layout_of,
)
from dms.bus.signals import Message, MessageSpec, Signal
from dms.bus.status import FrameStatus

__all__ = ["reference_decode", "reference_encode"]


def _layout(spec: MessageSpec, keys: MacKeys | None) -> FrameLayout:
    return layout_of(spec, spec.authenticated and keys is not None)


def _mac(key: bytes, spec: MessageSpec, covered: bytes) -> bytes:
    data_id = spec.can_id.to_bytes(2, "big")
    return hashlib.blake2s(data_id + covered, key=key, digest_size=MAC_BYTES).digest()


def reference_encode(
    message: Message, counter: int, freshness: int = 0, keys: MacKeys | None = None
) -> bytes:
    """The frame of ``message``, built field by field (``keys``: both of the sender's)."""
    spec = message.SPEC
    layout = _layout(spec, keys)
    frame = bytearray(layout.size)
    frame[COUNTER_AT] = counter
    at = COUNTER_AT + 1
    frame[at : at + len(layout.array_header)] = layout.array_header
    for slot in layout.slots:
        raw = slot.signal.to_raw(_raw_number(slot.signal, getattr(message, slot.signal.name)))
        frame[slot.type_at] = slot.msgpack_type
        frame[slot.value_at : slot.value_at + slot.size] = raw.to_bytes(
            slot.size, "big", signed=slot.signed
        )
    fresh_at, macs_at = layout.freshness_at, layout.mac_at
    if fresh_at is not None and macs_at is not None and keys is not None:
        assert keys.control is not None and keys.display is not None
        frame[fresh_at : fresh_at + FRESHNESS_BYTES] = freshness.to_bytes(FRESHNESS_BYTES, "big")
        covered = bytes(frame[2:macs_at])
        frame[macs_at:] = _mac(keys.control, spec, covered) + _mac(keys.display, spec, covered)
    crc = profile5_crc(bytes(frame), spec.can_id)
    frame[0], frame[1] = crc & 0xFF, crc >> 8
    return bytes(frame)


def _raw_number(signal: Signal, value: Any) -> float:
    if signal.kind == "bool":
        return 1 if value else 0
    return float(value) if signal.kind == "float" else int(value)


def reference_decode(spec: MessageSpec, data: bytes, keys: MacKeys | None = None) -> Parsed:
    """(status, message, counter, freshness) of a frame, checked and decoded step by step;
    the control MAC is verified when ``keys`` hold the control key, else the display MAC."""
    layout = _layout(spec, keys)
    if layout.authenticated and len(data) == layout_of(spec, False).size != layout.size:
        return (FrameStatus.MAC_FAILURE, None, -1, -1)  # a plain frame where a MAC is due
    if len(data) < layout.size or len(data) not in FD_LENGTHS or any(data[layout.size :]):
        return (FrameStatus.MALFORMED, None, -1, -1)
    data = data[: layout.size]
    if profile5_crc(data, spec.can_id) != int.from_bytes(data[0:2], "little"):
        return (FrameStatus.CRC_ERROR, None, -1, -1)
    freshness = -1
    at, macs_at = layout.freshness_at, layout.mac_at
    if at is not None and macs_at is not None and keys is not None:
        key, mac_at = keys.control, macs_at
        if key is None:
            key, mac_at = keys.display, macs_at + MAC_BYTES
        if key is None or not hmac.compare_digest(
            _mac(key, spec, data[2:macs_at]), data[mac_at : mac_at + MAC_BYTES]
        ):
            return (FrameStatus.MAC_FAILURE, None, -1, -1)
        freshness = int.from_bytes(data[at : at + FRESHNESS_BYTES], "big")
    counter = data[COUNTER_AT]
    body = data[COUNTER_AT + 1 : layout.body_end]
    malformed: Parsed = (FrameStatus.MALFORMED, None, -1, -1)
    if body[: len(layout.array_header)] != layout.array_header or any(
        data[slot.type_at] != slot.msgpack_type for slot in layout.slots
    ):
        return malformed
    raw = msgpack.unpackb(body)
    values: dict[str, Any] = {}
    for slot, value in zip(layout.slots, raw, strict=True):
        signal = slot.signal
        if not signal.raw_min <= value <= signal.raw_max:
            return (FrameStatus.OUT_OF_RANGE, None, -1, -1)
        values[signal.name] = _physical(signal, value)
    return (FrameStatus.OK, spec.cls(**values), counter, freshness)


def _physical(signal: Signal, raw: int) -> Any:
    if signal.kind == "bool":
        return raw == 1
    if signal.enum is not None:
        return signal.enum(raw)
    return raw if signal.kind == "int" else signal.to_physical(raw)
