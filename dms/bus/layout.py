"""Where every byte of a frame sits: one fixed layout per message (and per keyed or plain).

::

    offset 0   crc:u16le      AUTOSAR E2E Profile 5: CRC-16/CCITT-FALSE over bytes 2..end,
                              then the data ID (the CAN ID) low byte, high byte
    offset 2   counter:u8     Profile 5's rolling counter
    offset 3   body           a msgpack array, every signal at a fixed width:
                              type byte (0xcc u8, 0xcd u16, 0xce u32, 0xd0 i8, 0xd1 i16,
                              0xd2 i32), then the big-endian raw value
    ...        zero padding   up to the next CAN FD length
    end - 24   freshness:u64be  } authenticated messages on a keyed bus only: trip
                                } counter (high 32 bits) and message counter
    end - 16   control MAC:8    } BLAKE2s-64 keyed (RFC 7693) over data ID:u16be |
    end - 8    display MAC:8    } bytes 2..end-16, with the sender's control key, then
                                } its display key

Any msgpack decoder reads the body (fixed-width integers are valid msgpack), and each
signal sits at a fixed offset, so a DBC can describe the frame (``dms bus catalog --dbc``)
and CAN tools decode it. Booleans go as u8 0/1: DBC signals are numbers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from dms.bus.signals import MessageSpec, Signal

__all__ = [
    "BODY_AT",
    "COUNTER_AT",
    "CRC_AT",
    "FD_LENGTHS",
    "FRESHNESS_BYTES",
    "MACS",
    "MAC_BYTES",
    "MAX_FRAME_BYTES",
    "TRAILER_BYTES",
    "FrameLayout",
    "SignalSlot",
    "fd_length",
    "layout_of",
]

CRC_AT = 0
COUNTER_AT = 2
BODY_AT = 3
FRESHNESS_BYTES = 8
MAC_BYTES = 8
#: The MACs of a keyed frame: control (for the nodes that act on it), display (observers).
MACS = 2
TRAILER_BYTES = FRESHNESS_BYTES + MACS * MAC_BYTES
MAX_FRAME_BYTES = 64
#: Payload sizes a CAN FD frame can have (its DLC codes); anything else is padded up.
FD_LENGTHS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64)

#: raw type -> (msgpack type byte, struct code, value bytes, signed)
_WIRE: dict[str, tuple[int, str, int, bool]] = {
    "bool": (0xCC, "B", 1, False),
    "u8": (0xCC, "B", 1, False),
    "u16": (0xCD, "H", 2, False),
    "u32": (0xCE, "I", 4, False),
    "i8": (0xD0, "b", 1, True),
    "i16": (0xD1, "h", 2, True),
    "i32": (0xD2, "i", 4, True),
}


def fd_length(size: int) -> int:
    """The smallest CAN FD payload length that holds ``size`` bytes."""
    for length in FD_LENGTHS:
        if length >= size:
            return length
    raise ValueError(f"{size} bytes do not fit a CAN FD frame (at most {MAX_FRAME_BYTES})")


@dataclass(frozen=True, slots=True)
class SignalSlot:
    """One signal's place in the frame: its msgpack type byte, then its value."""

    signal: Signal
    type_at: int  # offset of the msgpack type byte
    msgpack_type: int
    struct_code: str
    size: int  # value bytes, big-endian, right after the type byte
    signed: bool

    @property
    def value_at(self) -> int:
        return self.type_at + 1


@dataclass(frozen=True, slots=True)
class FrameLayout:
    """The fixed layout of one message's frames."""

    spec: MessageSpec
    authenticated: bool
    array_header: bytes  # msgpack fixarray (or array16) of the signal count
    slots: tuple[SignalSlot, ...]
    body_end: int  # first byte after the msgpack body
    size: int  # on the wire: a CAN FD length, padding included

    @property
    def freshness_at(self) -> int | None:
        return self.size - TRAILER_BYTES if self.authenticated else None

    @property
    def mac_at(self) -> int | None:
        """Where the MACs start (the control MAC; the display MAC follows it)."""
        return self.size - MACS * MAC_BYTES if self.authenticated else None

    @property
    def display_mac_at(self) -> int | None:
        return self.size - MAC_BYTES if self.authenticated else None

    @property
    def padding(self) -> int:
        """Zero bytes between the body and the end (or the freshness value)."""
        return self.size - (TRAILER_BYTES if self.authenticated else 0) - self.body_end

    @property
    def body_struct(self) -> str:
        """A :mod:`struct` format for bytes 2.. up to the padding: the counter, the array
        header and each signal's type byte and value."""
        header = "B" if len(self.array_header) == 1 else "BH"
        return ">B" + header + "".join("B" + slot.struct_code for slot in self.slots)


@functools.cache
def layout_of(spec: MessageSpec, authenticated: bool) -> FrameLayout:
    """The layout of ``spec``'s frames, keyed (``authenticated``) or plain."""
    count = len(spec.signals)
    header = bytes([0x90 | count]) if count < 16 else bytes([0xDC]) + count.to_bytes(2, "big")
    at = BODY_AT + len(header)
    slots = []
    for signal in spec.signals:
        msgpack_type, code, size, signed = _WIRE[signal.raw_type]
        slots.append(SignalSlot(signal, at, msgpack_type, code, size, signed))
        at += 1 + size
    trailer = TRAILER_BYTES if authenticated else 0
    return FrameLayout(
        spec=spec,
        authenticated=authenticated,
        array_header=header,
        slots=tuple(slots),
        body_end=at,
        size=fd_length(at + trailer),
    )
