"""Frames of one message: fixed-width msgpack body, AUTOSAR E2E Profile 5, optional MACs.

The byte layout is :mod:`dms.bus.layout`'s. The conversions between a message dataclass
and its frame are compiled once per message into straight-line Python (as
:mod:`dataclasses` does for ``__init__``) around one :class:`struct.Struct`: a loop over
signals with a branch per kind costs several microseconds a frame, this does not.
:mod:`dms.bus.reference` is the plain, signal-by-signal codec this one is tested against.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import hmac
import math
import struct
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dms.bus.keys import MacKeys
from dms.bus.layout import COUNTER_AT, FD_LENGTHS, MAC_BYTES, FrameLayout, layout_of
from dms.bus.signals import RAW_TYPES, Message, MessageSpec, Signal, mutable_twin
from dms.bus.status import FrameStatus
from dms.errors import EncodeError

__all__ = ["CRC_INIT", "FrameCodec", "Parsed", "profile5_crc"]

CRC_INIT = 0xFFFF

_crc_hqx = binascii.crc_hqx  # CRC-16/CCITT-FALSE when started at 0xFFFF
_PADDED_LENGTHS = frozenset(FD_LENGTHS)
_compare_digest = hmac.compare_digest


def profile5_crc(data: bytes | bytearray | memoryview, data_id: int) -> int:
    """AUTOSAR E2E Profile 5's CRC of a frame: CRC-16/CCITT-FALSE over everything after
    the CRC field (bytes 2..end), then the data ID's low byte and high byte."""
    return _crc_hqx(bytes((data_id & 0xFF, data_id >> 8 & 0xFF)), _crc_hqx(data[2:], CRC_INIT))


#: Outcome of parsing one frame of a known message, before sequence checks:
#: (status, message or None, counter, freshness or -1). A plain tuple: this is per frame.
Parsed = tuple[FrameStatus, "Message | None", int, int]

_FAIL_CRC: Parsed = (FrameStatus.CRC_ERROR, None, -1, -1)
_FAIL_MAC: Parsed = (FrameStatus.MAC_FAILURE, None, -1, -1)
_FAIL_LENGTH: Parsed = (FrameStatus.MALFORMED, None, -1, -1)


@dataclass(frozen=True, slots=True)
class _Conversions:
    #: message, counter, freshness -> bytes 2.. of the frame up to the MAC (the CRC and
    #: the MAC are added around them), or None when a value falls outside its range
    pack: Callable[[Any, int, int], bytes | None]
    #: a frame whose length, CRC and MAC are good -> the parse: ok with the message, or
    #: the status that rejects it (off the layout, out of range)
    unpack: Callable[[bytes], Parsed]


#: the values each raw type's struct code can carry (bool goes as u8)
_TYPE_BOUNDS = {code: bounds for code, bounds in RAW_TYPES.items() if code != "bool"}


def _bounds_check(raw: str, low: int, high: int, type_low: int, type_high: int) -> str:
    """``raw`` within [low, high], leaving out the bounds its struct code already enforces
    (:func:`struct.pack` refuses, :func:`struct.unpack` cannot give, values beyond them)."""
    terms = (
        ([str(low)] if low > type_low else []) + [raw] + ([str(high)] if high < type_high else [])
    )
    return " <= ".join(terms) if len(terms) > 1 else ""


@functools.cache
def _compile(layout: FrameLayout) -> _Conversions:
    """Build one layout's conversions as straight-line code (once per message and key
    mode: every publisher and receiver has a codec per message).

    Range limits are literals in the generated code. The msgpack framing (array header,
    type bytes) is written as literals and checked on receipt with one mask over the
    frame. Decoding does not call the frozen ``__init__`` (an ``object.__setattr__`` per
    field, 3 µs for 14 signals): it fills a :func:`~dms.bus.signals.mutable_twin` and
    re-labels it as the frozen class.
    """
    spec = layout.spec
    trailer = f"{layout.padding}xQ" if layout.authenticated else ""  # freshness after padding
    pack_struct = struct.Struct(layout.body_struct + (trailer or f"{layout.padding}x"))
    framing = ">B" + "x" * len(layout.array_header)
    read_struct = struct.Struct(
        framing + "".join("x" + slot.struct_code for slot in layout.slots) + trailer
    )
    mask, expected = bytearray(layout.size), bytearray(layout.size)
    header_at = COUNTER_AT + 1
    mask[header_at : layout.slots[0].type_at] = b"\xff" * len(layout.array_header)
    expected[header_at : layout.slots[0].type_at] = layout.array_header
    for slot in layout.slots:
        mask[slot.type_at], expected[slot.type_at] = 0xFF, slot.msgpack_type
    namespace: dict[str, Any] = {
        "_cls": spec.cls,
        "_twin": mutable_twin(spec.cls),
        "_pack": pack_struct.pack,
        "_read": read_struct.unpack_from,
        "_bits": int.from_bytes,
        "round": round,
        "_OK": FrameStatus.OK,
        "_OFF_LAYOUT": (FrameStatus.MALFORMED, None, -1, -1),
        "_OUT_OF_RANGE": (FrameStatus.OUT_OF_RANGE, None, -1, -1),
    }
    header = list(layout.array_header)
    header_values = [str(header[0])] if len(header) == 1 else ["0xDC", str(len(spec.signals))]
    to_raw: list[str] = []  # per signal: physical -> raw assignment
    encode_checks: list[str] = []  # range checks for values a sender could get wrong
    packed: list[str] = ["counter", *header_values]  # the pack call's arguments
    unpacked: list[str] = ["counter"]
    ranges: list[str] = []  # per signal: the raw value is in range
    fills: list[str] = []  # per signal: assignment of the physical value
    for i, slot in enumerate(layout.slots):
        signal = slot.signal
        value, raw = f"m.{signal.name}", f"r{i}"
        namespace[f"_f{i}"] = signal.factor
        namespace[f"_o{i}"] = signal.offset
        type_low, type_high = _TYPE_BOUNDS["u8" if signal.raw_type == "bool" else signal.raw_type]
        check = _bounds_check(raw, signal.raw_min, signal.raw_max, type_low, type_high)
        packed += [str(slot.msgpack_type), raw]
        unpacked.append(raw)
        term, physical = _terms(signal, i, value, raw, namespace)
        to_raw.append(f"    {raw} = {term}\n")
        if check:
            ranges.append(check)
            if signal.kind != "bool":
                encode_checks.append(check)
        fills.append(f"    m.{signal.name} = {physical}\n")
    if layout.authenticated:
        packed.append("freshness & 0xFFFFFFFFFFFFFFFF")
        unpacked.append("freshness")
    no_freshness = "" if layout.authenticated else "    freshness = -1\n"
    source = (
        "def pack(m, counter, freshness):\n"
        f"{''.join(to_raw)}"
        f"    if {' and '.join(encode_checks) or 'True'}:\n"
        f"        return _pack({', '.join(packed)})\n"
        "    return None\n"
        "def unpack(data):\n"
        f"    if _bits(data, 'big') & {int.from_bytes(mask, 'big')} != "
        f"{int.from_bytes(expected, 'big')}:\n"
        "        return _OFF_LAYOUT\n"
        f"    ({', '.join(unpacked)},) = _read(data, 2)\n"
        f"{no_freshness}"
        f"    if not ({' and '.join(ranges) or 'True'}):\n"
        "        return _OUT_OF_RANGE\n"
        "    m = _twin()\n"
        f"{''.join(fills)}"
        "    m.__class__ = _cls\n"
        "    return (_OK, m, counter, freshness)\n"
    )
    exec(compile(source, f"<codec {spec.name}>", "exec"), namespace)
    return _Conversions(namespace["pack"], namespace["unpack"])


def _terms(
    signal: Signal, i: int, value: str, raw: str, namespace: dict[str, Any]
) -> tuple[str, str]:
    """Signal ``i``'s physical -> raw expression and raw -> physical expression, with the
    same arithmetic as :meth:`Signal.to_raw` and :meth:`Signal.to_physical`."""
    if signal.kind == "bool":
        return f"(1 if {value} else 0)", f"{raw} == 1"
    if signal.kind == "enum":
        assert signal.enum is not None
        namespace[f"_e{i}"] = tuple(sorted(signal.enum, key=int))
        return f"int({value})", f"_e{i}[{raw}]"
    if signal.kind == "flags":
        assert signal.enum is not None
        # Every raw value in range, built once: constructing an IntFlag costs 0.5 µs.
        namespace[f"_e{i}"] = tuple(signal.enum(v) for v in range(signal.raw_max + 1))
        return f"int({value})", f"_e{i}[{raw}]"
    if signal.kind == "int":
        return f"round({value})", raw
    steps = signal.steps_per_unit
    shifted = f"({value} - _o{i})" if signal.offset else value
    term = f"round({shifted} * {steps})" if steps else f"round({shifted} / _f{i})"
    physical = f"{raw} / {steps}" if steps else f"{raw} * _f{i}"
    if signal.offset:
        physical = f"({physical}) + _o{i}"
    return term, physical


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


class _Mac:
    """The MAC of ``prefix | data``: keyed BLAKE2s with an 8-byte output (RFC 7693, section
    2.5: BLAKE2's keyed mode is a MAC), with the key block and the prefix (the CAN ID)
    hashed once. Half the cost of HMAC-SHA256 per frame, which matters at two MACs a
    frame and 30-100 frames a second per message."""

    __slots__ = ("_keyed",)

    def __init__(self, key: bytes, prefix: bytes = b"") -> None:
        self._keyed = hashlib.blake2s(prefix, key=key, digest_size=MAC_BYTES)

    def digest(self, data: bytes) -> bytes:
        mac = self._keyed.copy()
        mac.update(data)
        return mac.digest()


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


#: (message, verifying MAC key or None) -> its shared last parse, while some codec uses it.
_LAST_PARSES: weakref.WeakValueDictionary[tuple[MessageSpec, bytes | None], _LastParse] = (
    weakref.WeakValueDictionary()
)


def _last_parse(spec: MessageSpec, key: bytes | None) -> _LastParse:
    last = _LAST_PARSES.get((spec, key))
    if last is None:
        last = _LAST_PARSES[(spec, key)] = _LastParse()
    return last


class FrameCodec:
    """Encodes and parses the frames of one message.

    With ``keys`` (the sender's MAC keys a node holds) the message is authenticated:
    encoding needs both keys; parsing verifies the control MAC when the node holds the
    control key (it acts on the message), else the display MAC (it only shows it).
    """

    __slots__ = (
        "_cls",
        "_control",
        "_data_id",
        "_display",
        "_last",
        "_macs_at",
        "_pack",
        "_size",
        "_unpack",
        "_unsecured_size",
        "_verify",
        "_verify_at",
        "authenticated",
        "layout",
        "spec",
    )

    def __init__(self, spec: MessageSpec, keys: MacKeys | None = None) -> None:
        self.spec = spec
        self.authenticated = spec.authenticated and keys is not None
        self.layout = layout_of(spec, self.authenticated)
        self._size = self.layout.size
        #: the length of this message's plain frames, when this codec expects a MAC
        self._unsecured_size = layout_of(spec, False).size if self.authenticated else -1
        self._data_id = bytes((spec.can_id & 0xFF, spec.can_id >> 8))  # Profile 5: low first
        id_prefix = spec.can_id.to_bytes(2, "big")
        control = keys.control if keys is not None and self.authenticated else None
        display = keys.display if keys is not None and self.authenticated else None
        self._control = _Mac(control, id_prefix) if control is not None else None
        self._display = _Mac(display, id_prefix) if display is not None else None
        self._verify = self._control or self._display
        self._macs_at = self.layout.mac_at or self._size  # the MACs cover the bytes before
        display_at = self.layout.display_mac_at or self._size
        self._verify_at = self._macs_at if self._control is not None else display_at
        conversions = _compile(self.layout)
        self._cls = spec.cls
        self._pack = conversions.pack
        self._unpack = conversions.unpack
        mode = (control or display) if self.authenticated else None
        self._last = _last_parse(spec, mode)

    # -- sending ---------------------------------------------------------------------------

    def encode(self, message: Message, counter: int, freshness: int = 0) -> bytes:
        """The frame for ``message`` with rolling ``counter`` (0-255) and 64-bit
        ``freshness``; :class:`EncodeError` names a signal it cannot carry."""
        tail = None
        if type(message) is self._cls:
            try:
                tail = self._pack(message, counter & 0xFF, freshness)
            except (ValueError, TypeError, OverflowError, struct.error):  # NaN, inf, not a number
                tail = None
        if tail is None:
            raise EncodeError(_explain(self.spec, message))
        if self.authenticated:
            if self._control is None or self._display is None:
                spec = self.spec
                raise EncodeError(f"{spec.name}: this node holds no keys to sign {spec.sender}'s")
            tail += self._control.digest(tail) + self._display.digest(tail)
        crc = _crc_hqx(self._data_id, _crc_hqx(tail, CRC_INIT))
        return crc.to_bytes(2, "little") + tail

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
        size = self._size
        if len(data) != size:
            if len(data) == self._unsecured_size:  # a plain frame where a MAC is due
                return _FAIL_MAC
            # A controller or a log may pad a frame up to a longer CAN FD length with
            # zeros: the message's own bytes are the first ``size``. Nothing else fits.
            if len(data) < size or len(data) not in _PADDED_LENGTHS or any(data[size:]):
                return _FAIL_LENGTH
            data = data[:size]
        if _crc_hqx(self._data_id, _crc_hqx(data[2:], CRC_INIT)) != data[0] | data[1] << 8:
            return _FAIL_CRC
        if self.authenticated:
            verify, at = self._verify, self._verify_at
            if verify is None:  # a keyed node without this sender's keys cannot trust it
                return _FAIL_MAC
            mac = verify.digest(data[2 : self._macs_at])
            if not _compare_digest(mac, data[at : at + MAC_BYTES]):
                return _FAIL_MAC
        return self._unpack(data)
