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
import functools
import hashlib
import hmac
import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgpack

from dms.bus.signals import Message, MessageSpec, Signal, mutable_twin
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
_unpackb = msgpack.unpackb
_compare_digest = hmac.compare_digest
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
    #: (raw tuple, counter, freshness) -> the parse: ok with the message, or the status
    #: that rejects it (malformed, out of range)
    from_raw: Callable[[Any, int, int], Parsed]


@functools.cache
def _compile(spec: MessageSpec) -> _Conversions:
    """Build the message <-> raw tuple conversions of one message as straight-line code
    (once per message: every publisher and receiver has a codec per message).

    The range limits are literals in the generated code. Decoding does not call the frozen
    ``__init__`` (an ``object.__setattr__`` per field, 3 µs for 14 signals): it fills a
    :func:`~dms.bus.signals.mutable_twin` and re-labels it as the frozen class.
    """
    twin = mutable_twin(spec.cls)
    namespace: dict[str, Any] = {
        "_cls": spec.cls,
        "_twin": twin,
        "_int": int,
        "round": round,
        "_OK": FrameStatus.OK,
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
            assert signal.enum is not None
            # Every raw value in range, built once: constructing an IntFlag costs 0.5 µs.
            namespace[f"_e{i}"] = tuple(signal.enum(v) for v in range(signal.raw_max + 1))
            to_raw_terms.append(f"int({value})")
            physical = f"_e{i}[{raw}]"
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
        "def from_raw(raw, counter, freshness):\n"
        f"    ({names},) = raw\n"
        f"    if not ({' and '.join(types)}):\n"
        "        return (_MALFORMED, None, counter, freshness)\n"
        f"    if not ({' and '.join(ranges)}):\n"
        "        return (_OUT_OF_RANGE, None, counter, freshness)\n"
        "    m = _twin()\n"
        f"{''.join(fills)}"
        "    m.__class__ = _cls\n"
        "    return (_OK, m, counter, freshness)\n"
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
    """Truncated HMAC-SHA256 (RFC 2104) of ``prefix | data``, with the padded-key hash
    states (and the constant prefix, the CAN ID) hashed once.

    ``hmac.digest`` re-derives them on every call; for 30-100 small frames a second per
    message that is most of the cost of authenticating.
    """

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes, prefix: bytes = b"") -> None:
        block = hashlib.sha256().block_size
        if len(key) > block:
            key = hashlib.sha256(key).digest()
        key = key.ljust(block, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._inner.update(prefix)
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def digest(self, data: bytes) -> bytes:
        """The first :data:`MAC_BYTES` of the MAC over ``prefix | data``."""
        inner = self._inner.copy()
        inner.update(data)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()[:MAC_BYTES]


class _LastParse:
    """The last frame parsed for one message (and MAC key), shared by all its codecs.

    In one process the same frame usually reaches several nodes (a replay runs four on
    one bus, each with its own receiver). Parsing is a pure function of the bytes, so all
    but the first get the verdict for a byte comparison. Decoded messages are frozen, so
    sharing them is safe; frame and verdict are replaced as one tuple, so a reader in
    another thread never pairs one frame with another's verdict.
    """

    __slots__ = ("__weakref__", "frame")

    def __init__(self) -> None:
        self.frame: tuple[bytes, Parsed] | None = None


#: (message, MAC key or None) -> its shared last parse, while some codec uses it.
_LAST_PARSES: weakref.WeakValueDictionary[tuple[MessageSpec, bytes | None], _LastParse] = (
    weakref.WeakValueDictionary()
)


def _last_parse(spec: MessageSpec, key: bytes | None) -> _LastParse:
    last = _LAST_PARSES.get((spec, key))
    if last is None:
        last = _LAST_PARSES[(spec, key)] = _LastParse()
    return last


class FrameCodec:
    """Encodes and parses the frames of one message."""

    __slots__ = (
        "_cls",
        "_crc_seed",
        "_from_raw",
        "_id_prefix",
        "_last",
        "_mac",
        "_min_size",
        "_pack",
        "_to_raw",
        "authenticated",
        "spec",
        "trailer_bytes",
    )

    def __init__(self, spec: MessageSpec, key: bytes | None = None) -> None:
        self.spec = spec
        self.authenticated = spec.authenticated and key is not None
        self.trailer_bytes = AUTH_TRAILER_BYTES if self.authenticated else PLAIN_TRAILER_BYTES
        self._min_size = self.trailer_bytes + 1  # an empty msgpack array is one byte
        self._id_prefix = spec.can_id.to_bytes(2, "big")
        self._mac = _Hmac(key, self._id_prefix) if key is not None and self.authenticated else None
        self._pack = msgpack.Packer().pack
        self._crc_seed = crc16(self._id_prefix)
        conversions = _compile(spec)
        self._cls = spec.cls
        self._to_raw = conversions.to_raw
        self._from_raw = conversions.from_raw
        self._last = _last_parse(spec, key if self.authenticated else None)

    # -- sending ---------------------------------------------------------------------------

    def to_raw(self, message: Message) -> tuple[int, ...]:
        """The raw signal values of ``message``; :class:`EncodeError` names a bad signal."""
        try:
            raw = self._to_raw(message) if type(message) is self._cls else None
        except (ValueError, TypeError, OverflowError):  # NaN, infinity, not a number
            raw = None
        if raw is None:
            raise EncodeError(_explain(self.spec, message))
        return raw

    def encode(self, message: Message, counter: int, freshness: int = 0) -> bytes:
        """The frame for ``message`` with rolling ``counter`` (0-255) and ``freshness``."""
        head: bytes = self._pack(self.to_raw(message)) + _BYTE[counter & 0xFF]
        if self._mac is not None:
            head += (freshness & 0xFFFF_FFFF).to_bytes(4, "big")
            head += self._mac.digest(head)
        return head + _crc_hqx(head, self._crc_seed).to_bytes(2, "big")

    # -- receiving -------------------------------------------------------------------------

    def parse(self, data: bytes | bytearray) -> Parsed:
        """Check integrity and authenticity, then decode. Never raises on bad input."""
        last = self._last.frame
        if last is not None and last[0] == data:  # compares contents, bytes or bytearray
            return last[1]
        if type(data) is not bytes:
            data = bytes(data)  # the memo must not hold a mutable buffer
        parsed = self._parse(data)
        self._last.frame = (data, parsed)
        return parsed

    def _parse(self, data: bytes) -> Parsed:
        size = len(data)
        # A single pad byte must be caught too: after a CRC without final XOR, one zero
        # byte shifts the check onto (CRC low byte, 0), which passes whatever the body.
        if size in _PADDED_LENGTHS and not data[-1]:
            data = self._strip_padding(data)
            size = len(data)
        crc_at = size - 2
        if size < self._min_size or _crc_hqx(data[:crc_at], self._crc_seed) != (
            data[crc_at] << 8 | data[crc_at + 1]
        ):
            return _FAIL_CRC
        body_end = size - self.trailer_bytes
        counter = data[body_end]
        freshness = -1
        if self._mac is not None:
            mac_at = body_end + 5
            if not _compare_digest(self._mac.digest(data[:mac_at]), data[mac_at:crc_at]):
                return _FAIL_MAC
            freshness = int.from_bytes(data[body_end + 1 : mac_at], "big")
        try:
            raw = _unpackb(data[:body_end], use_list=False)
            if type(raw) is tuple:
                return self._from_raw(raw, counter, freshness)
        except _UNPACK_ERRORS:
            pass
        return (FrameStatus.MALFORMED, None, counter, freshness)

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
