"""Frame layout: msgpack body, E2E counter and CRC, optional SecOC-like MAC.

Plain frame::

    body | counter:u8 | crc:u16be
    crc = CRC-16/CCITT-FALSE(can_id:u16be | body | counter)

Authenticated frame (message marked authenticated and a key configured)::

    body | counter:u8 | freshness:u32be | mac:8 | crc:u16be
    mac = HMAC-SHA256(key, can_id:u16be | body | counter | freshness)[:8]
    crc = CRC-16/CCITT-FALSE(can_id:u16be | body | counter | freshness | mac)

``body`` is a msgpack array of the raw (scaled integer) signal values in catalog order.
CRC-16/CCITT-FALSE is ``binascii.crc_hqx(data, 0xFFFF)``.

The conversions between a message dataclass and its raw tuple are compiled once per
message into straight-line Python (as :mod:`dataclasses` does for ``__init__``): a loop
over signals with a branch per kind costs several microseconds a frame, this does not.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgpack

from dms.bus.signals import Message, MessageSpec, Signal
from dms.bus.status import FrameStatus
from dms.errors import EncodeError

__all__ = [
    "AUTH_TRAILER_BYTES",
    "CRC_INIT",
    "FD_LENGTHS",
    "MAC_BYTES",
    "MAX_FRAME_BYTES",
    "PLAIN_TRAILER_BYTES",
    "FrameCodec",
    "Parsed",
    "crc16",
]

MAX_FRAME_BYTES = 64
CRC_INIT = 0xFFFF
MAC_BYTES = 8
PLAIN_TRAILER_BYTES = 1 + 2  # counter, crc
AUTH_TRAILER_BYTES = 1 + 4 + MAC_BYTES + 2  # counter, freshness, mac, crc
#: Payload sizes a CAN FD frame can have; controllers pad a frame up to the next one.
FD_LENGTHS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64)
_PADDED_LENGTHS = frozenset(n for n in FD_LENGTHS if n > 8)

_crc_hqx = binascii.crc_hqx  # CRC-16/CCITT-FALSE when started at 0xFFFF
_BYTE = tuple(bytes((value,)) for value in range(256))
_UNPACK_ERRORS = (ValueError, TypeError, msgpack.UnpackException)


def crc16(data: bytes, value: int = CRC_INIT) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR)."""
    return binascii.crc_hqx(data, value)


#: Outcome of parsing one frame of a known message, before sequence checks:
#: (status, message or None, counter, freshness or -1). A plain tuple: this is per frame.
Parsed = tuple[FrameStatus, "Message | None", int, int]

_FAIL_CRC: Parsed = (FrameStatus.CRC_ERROR, None, -1, -1)
_FAIL_MAC: Parsed = (FrameStatus.MAC_FAILURE, None, -1, -1)


@dataclass(frozen=True, slots=True)
class _Conversions:
    #: message -> raw tuple, or None when a value falls outside its signal's range
    to_raw: Callable[[Any], tuple[int, ...] | None]
    #: raw tuple -> message, or the status that rejects it (malformed, out of range)
    from_raw: Callable[[Any], Message | FrameStatus]


def _compile(spec: MessageSpec) -> _Conversions:
    """Build the message <-> raw tuple conversions of one message as straight-line code.

    The range limits are literals in the generated code. Decoding does not call the frozen
    ``__init__`` (an ``object.__setattr__`` per field, 3 µs for 14 signals): it fills a
    mutable twin with the very same slots at plain attribute speed and then re-labels it
    as the frozen class, which Python allows between classes of identical layout.
    """
    twin = type(f"_{spec.cls.__name__}Fill", spec.cls.__bases__, {"__slots__": spec.cls.__slots__})
    namespace: dict[str, Any] = {
        "_cls": spec.cls,
        "_twin": twin,
        "_int": int,
        "round": round,
        "_MALFORMED": FrameStatus.MALFORMED,
        "_OUT_OF_RANGE": FrameStatus.OUT_OF_RANGE,
    }
    to_raw_terms: list[str] = []  # per signal: physical -> raw expression
    encode_checks: list[str] = []  # range checks for values a sender could get wrong
    types: list[str] = []  # per signal: the raw value is an int
    ranges: list[str] = []  # per signal: the raw value is in range
    fills: list[str] = []  # per signal: assignment of the physical value
    for i, signal in enumerate(spec.signals):
        value, raw = f"m.{signal.name}", f"r{i}"
        namespace[f"_f{i}"] = signal.factor
        namespace[f"_o{i}"] = signal.offset
        in_range = f"{signal.raw_min} <= {raw} <= {signal.raw_max}"
        types.append(f"type({raw}) is _int")
        ranges.append(in_range)
        if signal.kind == "bool":
            to_raw_terms.append(f"(1 if {value} else 0)")
            physical = f"{raw} == 1"
        elif signal.kind == "enum":
            assert signal.enum is not None
            namespace[f"_e{i}"] = tuple(sorted(signal.enum, key=int))
            to_raw_terms.append(f"int({value})")
            physical = f"_e{i}[{raw}]"
        elif signal.kind == "flags":
            namespace[f"_e{i}"] = signal.enum
            to_raw_terms.append(f"int({value})")
            physical = f"_e{i}({raw})"
        elif signal.kind == "int":
            to_raw_terms.append(f"round({value})")
            physical = raw
        else:  # scaled, with the same arithmetic as Signal.to_raw / Signal.to_physical
            steps = signal.steps_per_unit
            shifted = f"({value} - _o{i})" if signal.offset else value
            to_raw_terms.append(
                f"round({shifted} * {steps})" if steps else f"round({shifted} / _f{i})"
            )
            physical = f"{raw} / {steps}" if steps else f"{raw} * _f{i}"
            if signal.offset:
                physical = f"({physical}) + _o{i}"
        if signal.kind != "bool":
            encode_checks.append(in_range)
        fills.append(f"    m.{signal.name} = {physical}\n")
    names = ", ".join(f"r{i}" for i in range(len(spec.signals)))
    to_raw_lines = [f"    r{i} = {term}\n" for i, term in enumerate(to_raw_terms)]
    source = (
        "def to_raw(m):\n"
        f"{''.join(to_raw_lines)}"
        f"    if {' and '.join(encode_checks) or 'True'}:\n"
        f"        return ({names},)\n"
        "    return None\n"
        "def from_raw(raw):\n"
        f"    ({names},) = raw\n"
        f"    if not ({' and '.join(types)}):\n"
        "        return _MALFORMED\n"
        f"    if not ({' and '.join(ranges)}):\n"
        "        return _OUT_OF_RANGE\n"
        "    m = _twin()\n"
        f"{''.join(fills)}"
        "    m.__class__ = _cls\n"
        "    return m\n"
    )
    exec(compile(source, f"<codec {spec.name}>", "exec"), namespace)
    return _Conversions(to_raw=namespace["to_raw"], from_raw=namespace["from_raw"])


def _explain(spec: MessageSpec, message: Any) -> str:
    """Name the first signal of ``message`` that cannot be encoded, and why."""
    if not isinstance(message, spec.cls):
        return f"{spec.name}: expected a {spec.cls.__name__}, got {type(message).__name__}"
    for signal in spec.signals:
        value = getattr(message, signal.name)
        problem = _signal_problem(signal, value)
        if problem:
            return f"{spec.name}.{signal.name} = {value!r}: {problem}"
    return f"{spec.name}: cannot encode {message!r}"


def _signal_problem(signal: Signal, value: Any) -> str:
    if signal.kind in ("enum", "flags"):
        assert signal.enum is not None
        try:
            signal.enum(value)
        except (ValueError, TypeError):
            return f"not a {signal.enum.__name__}"
        return ""
    if signal.kind == "bool":
        return ""
    if not isinstance(value, (int, float)):
        return f"expected a number, got {type(value).__name__}"
    if not math.isfinite(value):
        return "not a finite number"
    if not signal.minimum <= value <= signal.maximum:
        unit = f" {signal.unit}" if signal.unit else ""
        return f"outside [{signal.minimum:g}, {signal.maximum:g}]{unit}"
    return ""


class _Hmac:
    """HMAC-SHA256 (RFC 2104) with the padded-key hash states computed once.

    ``hmac.digest`` re-derives them on every call; for 30-100 small frames a second per
    message that is most of the cost of authenticating.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        block = hashlib.sha256().block_size
        if len(key) > block:
            key = hashlib.sha256(key).digest()
        key = key.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(self, data: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(data)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


class FrameCodec:
    """Encodes and parses the frames of one message."""

    __slots__ = (
        "_conv",
        "_crc_seed",
        "_id_prefix",
        "_mac",
        "_packer",
        "authenticated",
        "spec",
        "trailer_bytes",
    )

    def __init__(self, spec: MessageSpec, key: bytes | None = None) -> None:
        self.spec = spec
        self.authenticated = spec.authenticated and key is not None
        self.trailer_bytes = AUTH_TRAILER_BYTES if self.authenticated else PLAIN_TRAILER_BYTES
        self._mac = _Hmac(key) if key is not None and self.authenticated else None
        self._packer = msgpack.Packer()
        self._id_prefix = spec.can_id.to_bytes(2, "big")
        self._crc_seed = crc16(self._id_prefix)
        self._conv = _compile(spec)

    # -- sending ---------------------------------------------------------------------------

    def to_raw(self, message: Message) -> tuple[int, ...]:
        """The raw signal values of ``message``; :class:`EncodeError` names a bad signal."""
        if type(message) is not self.spec.cls:
            raise EncodeError(_explain(self.spec, message))
        try:
            raw = self._conv.to_raw(message)
        except (ValueError, TypeError, OverflowError):
            raw = None
        if raw is None:
            raise EncodeError(_explain(self.spec, message))
        return raw

    def encode(self, message: Message, counter: int, freshness: int = 0) -> bytes:
        """The frame for ``message`` with rolling ``counter`` (0-255) and ``freshness``."""
        body: bytes = self._packer.pack(self.to_raw(message))
        head = body + _BYTE[counter & 0xFF]
        if self._mac is not None:
            head += (freshness & 0xFFFF_FFFF).to_bytes(4, "big")
            head += self._mac.digest(self._id_prefix + head)[:MAC_BYTES]
        return head + _crc_hqx(head, self._crc_seed).to_bytes(2, "big")

    # -- receiving -------------------------------------------------------------------------

    def parse(self, data: bytes) -> Parsed:
        """Check integrity and authenticity, then decode. Never raises on bad input."""
        if data[-2:] == b"\0\0" and len(data) in _PADDED_LENGTHS:
            data = self._strip_padding(data)
        crc_at = len(data) - 2
        if crc_at < self.trailer_bytes - 1 or _crc_hqx(data[:crc_at], self._crc_seed) != (
            data[crc_at] << 8 | data[crc_at + 1]
        ):
            return _FAIL_CRC
        body_end = len(data) - self.trailer_bytes
        counter = data[body_end]
        freshness = -1
        if self._mac is not None:
            mac_at = body_end + 5
            expected = self._mac.digest(self._id_prefix + data[:mac_at])
            if not hmac.compare_digest(expected[:MAC_BYTES], data[mac_at : mac_at + MAC_BYTES]):
                return _FAIL_MAC
            freshness = int.from_bytes(data[body_end + 1 : mac_at], "big")
        try:
            raw = msgpack.unpackb(data[:body_end], use_list=False)
            decoded = self._conv.from_raw(raw) if type(raw) is tuple else FrameStatus.MALFORMED
        except _UNPACK_ERRORS:
            decoded = FrameStatus.MALFORMED
        if isinstance(decoded, FrameStatus):
            return (decoded, None, counter, freshness)
        return (FrameStatus.OK, decoded, counter, freshness)

    def _strip_padding(self, data: bytes) -> bytes:
        """Undo CAN FD DLC padding: real controllers round a frame up to the next FD length
        with zero bytes, and zeros after a CRC without final XOR still pass the CRC check.
        The msgpack body delimits itself, so its end shows where the trailer ends."""
        unpacker = msgpack.Unpacker()
        unpacker.feed(data)
        try:
            unpacker.skip()
        except _UNPACK_ERRORS:
            return data
        end = unpacker.tell() + self.trailer_bytes
        return data[:end] if end < len(data) and not any(data[end:]) else data
