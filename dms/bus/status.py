"""How a receiver classifies each frame."""

from __future__ import annotations

import enum

__all__ = ["FrameStatus"]


class FrameStatus(str, enum.Enum):
    """The verdict on one received frame. Only ``OK`` and ``COUNTER_JUMP`` deliver data."""

    OK = "ok"
    COUNTER_JUMP = "counter_jump"  # valid, but frames were lost before it
    REPEATED = "repeated"  # same counter as the previous frame: a duplicate
    CRC_ERROR = "crc_error"
    MAC_FAILURE = "mac_failure"
    REPLAYED = "replayed"  # authentic, but its freshness value is not newer
    UNKNOWN_ID = "unknown_id"
    MALFORMED = "malformed"  # not a msgpack array of integers of the right length
    OUT_OF_RANGE = "out_of_range"

    @property
    def delivered(self) -> bool:
        return self in (FrameStatus.OK, FrameStatus.COUNTER_JUMP)
