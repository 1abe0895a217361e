"""How a receiver classifies each frame, and what that tells the E2E state machine."""

from __future__ import annotations

import enum

__all__ = ["Check", "FrameStatus"]


class Check(enum.IntEnum):
    """One frame's (or one receive cycle's) contribution to the E2E state machine, in the
    order a cycle keeps the best of its frames: one good frame makes a good cycle, whatever
    junk arrived beside it."""

    NO_NEW_DATA = 0  # nothing arrived: neither OK nor ERROR (AUTOSAR E2E_P_NONEWDATA)
    SENDER_FAULT = 1  # intact but out of sequence: counted against the sender, not an error
    ERROR = 2  # failed the CRC, length, MAC, range or freshness check
    OK = 3


class FrameStatus(str, enum.Enum):
    """The verdict on one received frame; names follow AUTOSAR E2E Profile 5's check.

    Only ``OK`` and ``OK_SOME_LOST`` deliver data.
    """

    OK = "ok"
    OK_SOME_LOST = "ok_some_lost"  # valid, but up to max_delta_counter - 1 frames were lost
    REPEATED = "repeated"  # same counter as the last delivered frame: a duplicate
    WRONG_SEQUENCE = "wrong_sequence"  # counter backwards or too far ahead: not delivered
    CRC_ERROR = "crc_error"
    MAC_FAILURE = "mac_failure"
    REPLAYED = "replayed"  # authentic, but its freshness value is not newer: a replay
    OUT_OF_WINDOW = "out_of_window"  # authentic and newer, but too far ahead (see freshness)
    UNKNOWN_ID = "unknown_id"
    MALFORMED = "malformed"  # wrong length, or not this message's msgpack layout
    OUT_OF_RANGE = "out_of_range"
    OVER_BUDGET = "over_budget"  # valid, but its sender exceeds its rate budget: dropped

    #: whether the frame's data is delivered (set per member below: read for every frame)
    delivered: bool
    #: what the frame tells the E2E state machine
    check: Check


_DELIVERED = frozenset((FrameStatus.OK, FrameStatus.OK_SOME_LOST))
_CHECK = {
    **dict.fromkeys(FrameStatus, Check.ERROR),
    FrameStatus.OK: Check.OK,
    FrameStatus.OK_SOME_LOST: Check.OK,
    FrameStatus.REPEATED: Check.SENDER_FAULT,
    FrameStatus.WRONG_SEQUENCE: Check.SENDER_FAULT,
    FrameStatus.UNKNOWN_ID: Check.NO_NEW_DATA,
    FrameStatus.OVER_BUDGET: Check.NO_NEW_DATA,
}
for _status in FrameStatus:
    _status.delivered = _status in _DELIVERED
    _status.check = _CHECK[_status]
