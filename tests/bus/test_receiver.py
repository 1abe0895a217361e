"""Sequence checks and timeouts as a receiver sees them (keys: test_security.py)."""

from __future__ import annotations

import dataclasses

import pytest

from dms.bus import (
    BY_NAME,
    DmsDistraction,
    DmsFaceState,
    FrameCodec,
    FrameStatus,
    HealthMonitor,
    Publisher,
    Receiver,
    VehState,
)
from dms.bus.examples import example_messages
from dms.bus.receiver import RATE_BUDGET
from tests.keys import ring

EXAMPLES = {message.SPEC.name: message for message in example_messages()}
FACE = next(m for m in example_messages() if isinstance(m, DmsFaceState))
VEH = next(m for m in example_messages() if isinstance(m, VehState))


def frames(
    codec: FrameCodec, counters: list[int], freshness: list[int] | None = None
) -> list[bytes]:
    fresh = freshness or list(range(1000, 1000 + len(counters)))
    return [
        codec.encode(FACE if codec.spec.name == "DMS_FaceState" else VEH, c, f)
        for c, f in zip(counters, fresh, strict=True)
    ]


def statuses(receiver: Receiver, can_id: int, data: list[bytes]) -> list[FrameStatus]:
    return [receiver.receive(can_id, frame, t_s=i * 0.03).status for i, frame in enumerate(data)]


def test_consecutive_counters_are_ok_across_the_wrap() -> None:
    codec = FrameCodec(BY_NAME["DMS_FaceState"])
    got = statuses(Receiver(), 0x100, frames(codec, [253, 254, 255, 0, 1]))
    assert got == [FrameStatus.OK] * 5


def test_a_repeated_counter_is_dropped_as_repeated() -> None:
    codec = FrameCodec(BY_NAME["DMS_FaceState"])
    receiver = Receiver()
    got = statuses(receiver, 0x100, frames(codec, [10, 11, 11, 12]))
    assert got == [FrameStatus.OK, FrameStatus.OK, FrameStatus.REPEATED, FrameStatus.OK]
    assert receiver.count(FrameStatus.REPEATED, "DMS_FaceState") == 1


def test_a_small_counter_gap_is_flagged_but_the_data_is_delivered() -> None:
    codec = FrameCodec(BY_NAME["DMS_FaceState"])
    receiver = Receiver()
    receiver.receive(0x100, codec.encode(FACE, 10), t_s=1.0)
    reception = receiver.receive(0x100, codec.encode(FACE, 13), t_s=1.1)  # two frames lost
    assert reception.status is FrameStatus.OK_SOME_LOST
    assert reception.message == FACE
    assert receiver.receive(0x100, codec.encode(FACE, 14), t_s=1.133).status is FrameStatus.OK


def test_a_gap_too_quick_for_the_frames_it_claims_lost_is_not_delivered() -> None:
    """Two 33 ms frames cannot have been lost within 5 ms: an old frame whose counter
    happens to lie just ahead (one recorded 254 frames ago) is no new data."""
    codec = FrameCodec(BY_NAME["DMS_FaceState"])
    receiver = Receiver()
    receiver.receive(0x100, codec.encode(FACE, 10), t_s=1.0)
    assert receiver.receive(0x100, codec.encode(FACE, 13), t_s=1.005).message is None
    assert receiver.receive(0x100, codec.encode(FACE, 11), t_s=1.033).status is FrameStatus.OK


@pytest.mark.parametrize("counter", [14, 100, 9, 250])
def test_a_jump_beyond_the_max_delta_or_backwards_is_not_delivered(counter: int) -> None:
    codec = FrameCodec(BY_NAME["DMS_FaceState"])
    receiver = Receiver()
    receiver.receive(0x100, codec.encode(FACE, 10))
    reception = receiver.receive(0x100, codec.encode(FACE, counter), t_s=0.03)
    assert reception.status is FrameStatus.WRONG_SEQUENCE
    assert reception.message is None
    assert receiver.receive(0x100, codec.encode(FACE, 11), t_s=0.06).status is FrameStatus.OK


def test_unknown_ids_are_counted_not_raised() -> None:
    receiver = Receiver()
    reception = receiver.receive(0x7FF, b"\x90\x00\x00\x00")
    assert reception.status is FrameStatus.UNKNOWN_ID
    assert receiver.count(FrameStatus.UNKNOWN_ID, "0x7FF") == 1


def test_publisher_counters_and_freshness_advance_per_message() -> None:
    dms, car = Publisher(None, ring("dms")), Publisher(None, ring("vehicle"))
    receiver = Receiver(keys=ring("ecu"))
    for i in range(300):  # across the counter wrap
        for publisher, message in ((dms, FACE), (car, VEH)):
            frame = publisher.encode(message, t_s=100.0 + i * 0.04)
            assert receiver.receive_can(frame, 100.0 + i * 0.04).status is FrameStatus.OK


def test_health_monitor_times_out_after_three_missed_periods() -> None:
    monitor = HealthMonitor(start_s=0.0)
    receiver = Receiver(keys=ring("ecu"))
    publisher = Publisher(None, ring("dms"))
    message = DmsDistraction(0, True, FACE.gaze_zone, 0, 0, 0, 2, False, False, False)
    period = DmsDistraction.SPEC.period_s
    for k in range(10):
        monitor.observe(receiver.receive_can(publisher.encode(message, t_s=k * period)))
    last = 9 * period
    assert not monitor.is_timed_out("DMS_Distraction", last + 3 * period - 1e-6)
    assert monitor.is_timed_out("DMS_Distraction", last + 3 * period + 1e-3)


def test_a_stream_that_never_starts_times_out_too() -> None:
    monitor = HealthMonitor(start_s=10.0)
    assert "DMS_Status" not in monitor.timed_out(10.25)
    assert "DMS_Status" in monitor.timed_out(10.31)


def test_corrupt_frames_do_not_keep_a_message_alive() -> None:
    monitor = HealthMonitor(start_s=0.0)
    receiver = Receiver()
    good = FrameCodec(BY_NAME["DMS_FaceState"]).encode(FACE, 0)
    monitor.observe(receiver.receive(0x100, good, t_s=0.0))
    corrupt = bytes([good[0] ^ 0xFF]) + good[1:]
    for k in range(1, 20):
        monitor.observe(receiver.receive(0x100, corrupt, t_s=k * 0.033))
    assert monitor.is_timed_out("DMS_FaceState", 19 * 0.033)
    assert receiver.count(FrameStatus.CRC_ERROR, "DMS_FaceState") == 19


@pytest.mark.parametrize("flag", ["is_extended_id", "is_remote_frame", "is_error_frame"])
def test_frames_that_are_not_ours_are_counted_as_unknown(flag: str) -> None:
    frame = Publisher(None).encode(FACE, t_s=0.0)
    setattr(frame, flag, True)
    assert Receiver().receive_can(frame).status is FrameStatus.UNKNOWN_ID


def test_replace_keeps_types() -> None:
    moved = dataclasses.replace(VEH, speed_mps=0.0)
    assert Receiver().receive_can(Publisher(None).encode(moved, 0.0)).message == moved


def test_receivers_of_the_same_frames_keep_their_own_sequence_checks() -> None:
    """Receivers in one process share parsed frames (see FrameCodec.parse), not verdicts."""
    data = frames(FrameCodec(BY_NAME["DMS_FaceState"]), [1, 2, 3])
    first, second = Receiver(), Receiver()
    got_first = [first.receive(0x100, frame) for frame in data]
    got_second = [
        second.receive(0x100, frame, t) for frame, t in ((data[0], 0.0), (data[2], 0.066))
    ]
    assert [r.status for r in got_first] == [FrameStatus.OK] * 3
    assert [r.status for r in got_second] == [FrameStatus.OK, FrameStatus.OK_SOME_LOST]
    assert got_second[1].message == got_first[2].message == FACE


def test_a_babbling_sender_is_held_to_its_rate_budget_and_flagged() -> None:
    publisher = Publisher(None)
    receiver = Receiver()
    period = DmsDistraction.SPEC.period_s
    message = DmsDistraction(0, True, FACE.gaze_zone, 0, 0, 0, 2, False, False, False)
    delivered = []
    for k in range(300):  # 3 s at 100 frames/s: ten times the catalog's 10 Hz
        t = k * 0.01
        delivered.append(receiver.receive_can(publisher.encode(message, t), t).status.delivered)
    per_second = [sum(delivered[s * 100 : (s + 1) * 100]) for s in (1, 2)]  # after the burst
    assert all(abs(n - RATE_BUDGET / period) <= 1 for n in per_second), per_second
    assert receiver.count(FrameStatus.OVER_BUDGET, "DMS_Distraction") == 300 - sum(delivered)
    assert receiver.over_budget("DMS_Distraction")
    assert receiver.health.available("DMS_Distraction", 3.0)  # what it sends still counts


def test_a_sender_at_its_own_rate_is_never_over_budget() -> None:
    publisher, receiver = Publisher(None), Receiver()
    for k in range(600):  # 20 s of DMS_FaceState at a 30 fps camera's rate
        t = k / 30
        assert receiver.receive_can(publisher.encode(FACE, t), t).status is FrameStatus.OK
    assert not receiver.over_budget("DMS_FaceState")
