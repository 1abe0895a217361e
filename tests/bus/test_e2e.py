"""The E2E counter check and state machine, as AUTOSAR E2E states them, by time.

Property tests interleave genuine frames with junk, replayed and reordered ones: whatever
the interleaving, the receiver delivers a subsequence of the genuine stream, in order.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dms.bus import DmsStatus, FrameStatus, HealthMonitor, Publisher, Receiver, Reception
from dms.bus.e2e import E2ESettings, E2EState
from dms.bus.publisher import make_frame
from dms.errors import ConfigError
from tests.keys import ring
from tests.messages import ACTIVE

PERIOD = DmsStatus.SPEC.period_s
NAME = DmsStatus.SPEC.name
CAN_ID = DmsStatus.SPEC.can_id


def genuine(n: int, keyed: bool = False) -> list[tuple[float, bytes, float]]:
    """(send time, frame data, marker) of ``n`` DMS_Status frames, 100 ms apart; the
    marker (``face_lost_s``) tells each frame apart."""
    publisher = Publisher(None, ring("dms") if keyed else None)
    out = []
    for k in range(n):
        marker = round(k * 0.01, 2)
        t = round(1.0 + k * PERIOD, 3)
        frame = publisher.encode(dataclasses.replace(ACTIVE, face_lost_s=marker), t)
        out.append((t, bytes(frame.data), marker))
    return out


@st.composite
def attacks(draw: st.DrawFn) -> tuple[bool, list[tuple[float, bytes]], list[float]]:
    """A keyed or plain stream of 60 genuine frames (single losses, adjacent swaps) with
    junk, replays of earlier genuine frames and bit flips between them."""
    keyed = draw(st.booleans())
    stream = genuine(60, keyed)
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    arrivals: list[tuple[float, bytes]] = []
    sent: list[float] = []
    k = 0
    while k < len(stream):
        t, data, marker = stream[k]
        roll = rng.random()
        if roll < 0.05 and 0 < k < len(stream) - 1:  # the next one overtakes this one
            arrivals.append((stream[k + 1][0], stream[k + 1][1]))
            arrivals.append((stream[k + 1][0] + 0.001, data))
            sent += [stream[k + 1][2], marker]
            k += 2
            continue
        if roll > 0.05 and roll < 0.1:  # lost
            k += 1
            continue
        arrivals.append((t, data))
        sent.append(marker)
        for _ in range(rng.choice((0, 0, 1, 3))):
            kind = rng.choice(("junk", "replay", "flip"))
            at = t + rng.uniform(0.001, PERIOD * 0.9)
            if kind == "junk":
                arrivals.append((at, rng.randbytes(len(data))))
            elif kind == "replay" and k > 0:
                arrivals.append((at, stream[rng.randrange(max(0, k - 200), k)][1]))
            else:
                flipped = bytearray(data)
                flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
                arrivals.append((at, bytes(flipped)))
        k += 1
    arrivals.sort(key=lambda arrival: arrival[0])
    return keyed, arrivals, sent


@given(attacks())
@settings(max_examples=200, deadline=None)
def test_what_is_delivered_is_always_a_subsequence_of_the_genuine_stream(
    case: tuple[bool, list[tuple[float, bytes]], list[float]],
) -> None:
    keyed, arrivals, sent = case
    every_genuine = [marker for _, _, marker in genuine(60)]
    receiver = Receiver(keys=ring("ecu") if keyed else None)
    delivered = []
    for t, data in arrivals:
        message = receiver.receive_can(make_frame(CAN_ID, data, t), t).message
        if isinstance(message, DmsStatus):
            delivered.append(message.face_lost_s)
    in_order = iter(every_genuine)
    assert all(marker in in_order for marker in delivered), delivered  # a subsequence
    assert len(delivered) >= len(sent) * 0.75  # and the genuine stream gets through


def test_a_restarted_sender_is_followed_once_its_old_counter_line_has_timed_out() -> None:
    receiver = Receiver()
    before = genuine(30)
    for t, data, _ in before:  # counters 0-29, until 3.9 s
        assert receiver.receive_can(make_frame(CAN_ID, data, t), t).message is not None
    restarted = genuine(5)  # counters 0-4 again, from 4.5 s
    got = [
        receiver.receive_can(make_frame(CAN_ID, data, t + 3.5), t + 3.5).status
        for t, data, _ in restarted
    ]
    assert got == [FrameStatus.WRONG_SEQUENCE] + [FrameStatus.OK_SOME_LOST] + [FrameStatus.OK] * 3


def test_a_babbler_replaying_old_frames_in_sequence_never_takes_the_stream_over() -> None:
    receiver = Receiver()
    stream = genuine(120)
    delivered = []
    for k, (t, data, _) in enumerate(stream):
        reception = receiver.receive_can(make_frame(CAN_ID, data, t), t)
        delivered.append(reception.status.delivered)
        if k >= 20:  # two old frames in sequence after every genuine one
            for back in (20, 19):
                old = stream[k - back][1]
                stale = receiver.receive_can(make_frame(CAN_ID, old, t + 0.01), t + 0.01)
                assert stale.status is FrameStatus.WRONG_SEQUENCE
    assert all(delivered)


def feed(monitor: HealthMonitor, status: FrameStatus, t: float) -> None:
    monitor.observe(Reception(t, CAN_ID, status, None, DmsStatus.SPEC))


def test_a_new_stream_is_valid_after_two_good_cycles() -> None:
    monitor = HealthMonitor(start_s=0.0)
    assert monitor.state(NAME, 0.05) is E2EState.NODATA
    feed(monitor, FrameStatus.OK, 0.10)
    assert monitor.state(NAME, 0.15) is E2EState.INIT
    assert monitor.available(NAME, 0.15)  # starting up: within its deadline
    feed(monitor, FrameStatus.OK, 0.20)
    assert monitor.state(NAME, 0.20) is E2EState.VALID


def stream_with(cycles: list[str], start: float = 0.1) -> tuple[HealthMonitor, float]:
    """One frame per 100 ms cycle: "ok", "bad" (CRC error), "junk" (a CRC error beside a
    good frame) or "none"; returns the monitor and the time after the last cycle."""
    monitor = HealthMonitor(start_s=0.0)
    t = start
    for cycle in cycles:
        if cycle in ("ok", "junk"):
            feed(monitor, FrameStatus.OK, t)
        if cycle in ("bad", "junk"):
            feed(monitor, FrameStatus.CRC_ERROR, t + 0.02)
        t = round(t + PERIOD, 3)
    return monitor, t


def test_junk_beside_every_genuine_frame_keeps_the_stream_valid() -> None:
    monitor, t = stream_with(["ok"] * 3 + ["junk"] * 50)
    assert monitor.state(NAME, t) is E2EState.VALID and monitor.available(NAME, t)


def test_a_stream_of_failing_frames_is_invalid_after_two_bad_cycles() -> None:
    monitor, t = stream_with(["ok"] * 5 + ["bad"])
    assert monitor.state(NAME, t - 0.05) is E2EState.VALID  # one bad cycle is tolerated
    monitor, t = stream_with(["ok"] * 5 + ["bad"] * 2)
    # The second bad cycle closes half a period after its frame (cycles are centred).
    assert monitor.state(NAME, t - 0.05) is E2EState.INVALID
    assert not monitor.available(NAME, t - 0.05)


def test_an_invalid_stream_needs_two_good_cycles_in_a_row_to_be_trusted_again() -> None:
    monitor, t = stream_with(["ok"] * 5 + ["bad"] * 3 + ["ok"])
    assert monitor.state(NAME, t - 0.05) is E2EState.INVALID
    monitor, t = stream_with(["ok"] * 5 + ["bad"] * 3 + ["ok", "bad", "ok"])
    assert monitor.state(NAME, t - 0.05) is E2EState.INVALID
    monitor, t = stream_with(["ok"] * 5 + ["bad"] * 3 + ["ok", "ok"])
    assert monitor.state(NAME, t - 0.1) is E2EState.VALID  # at the second good frame


def test_out_of_sequence_frames_count_against_the_sender_not_as_errors() -> None:
    monitor = HealthMonitor(start_s=0.0)
    t = 0.1
    for _ in range(10):  # a babbler's stale frame beside every genuine one
        feed(monitor, FrameStatus.OK, t)
        feed(monitor, FrameStatus.WRONG_SEQUENCE, t + 0.01)
        feed(monitor, FrameStatus.REPEATED, t + 0.02)
        t += PERIOD
    assert monitor.state(NAME, t) is E2EState.VALID


@pytest.mark.parametrize("silence_periods, timed_out", [(2.9, False), (3.1, True)])
def test_silence_times_a_valid_stream_out_after_three_periods(
    silence_periods: float, timed_out: bool
) -> None:
    monitor, t = stream_with(["ok"] * 10)
    last = t - PERIOD
    now = last + silence_periods * PERIOD
    assert monitor.is_timed_out(NAME, now) is timed_out
    assert monitor.available(NAME, now) is not timed_out


def test_the_next_deadline_is_three_periods_after_the_last_good_frame() -> None:
    monitor, t = stream_with(["ok"] * 10)
    last = t - PERIOD
    assert monitor.next_deadline_s(last, [NAME]) == pytest.approx(last + 3 * PERIOD)


@pytest.mark.parametrize(
    "bad",
    [
        {"max_delta_counter": 0},
        {"max_delta_counter": 200},
        {"window_size_valid": 2, "min_ok_state_valid": 3},
        {"window_size_invalid": 2, "max_error_state_invalid": 2},
        {"sync_frames": 0},
    ],
)
def test_inconsistent_e2e_settings_are_refused(bad: dict[str, int]) -> None:
    with pytest.raises(ConfigError):
        E2ESettings(**bad)
