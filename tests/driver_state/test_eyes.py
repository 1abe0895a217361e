"""Eye-closure timings as Euro NCAP-style checks."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dms.driver_state.eyes import EyeTracker
from dms.events import Event, EventKind

DT = 1 / 30


def run(segments: Sequence[tuple[float, bool | None, float]]) -> tuple[list[Event], EyeTracker]:
    """(seconds, closed or None, openness) -> events."""
    tracker, events, t = EyeTracker(), [], 0.0
    for seconds, closed, openness in segments:
        for _ in range(round(seconds * 30)):
            _, new = tracker.update(closed, openness, round(t, 6), DT)
            events += new
            t += DT
    return events, tracker


def first(events: list[Event], kind: EventKind) -> Event:
    return next(e for e in events if e.kind is kind)


def test_sleep_is_flagged_3_0_to_3_2_s_after_the_eyes_close() -> None:
    events, _ = run([(10.0, False, 1.0), (8.0, True, 0.0), (2.0, False, 1.0)])
    assert 10.0 + 3.0 <= first(events, EventKind.SLEEP).t_s <= 10.0 + 3.2


def test_microsleep_at_1_s_and_unresponsive_at_6_s_of_closure() -> None:
    events, _ = run([(10.0, False, 1.0), (7.0, True, 0.0), (2.0, False, 1.0)])
    assert 11.0 <= first(events, EventKind.MICROSLEEP).t_s <= 11.1
    unresponsive = first(events, EventKind.UNRESPONSIVE)
    assert 16.0 <= unresponsive.t_s <= 16.1 and unresponsive.reason == "eyes_closed"


def test_a_short_closure_is_a_blink_with_its_duration_not_a_microsleep() -> None:
    events, _ = run([(5.0, False, 1.0), (0.1, True, 0.0), (5.0, False, 1.0)])
    blink = first(events, EventKind.BLINK)
    assert blink.duration_s == pytest.approx(0.1, abs=0.034)
    assert blink.t_s == pytest.approx(5.0, abs=0.034)
    assert not [e for e in events if e.kind in (EventKind.MICROSLEEP, EventKind.LONG_BLINK)]


def test_a_quarter_second_closure_is_a_long_blink() -> None:
    events, _ = run([(5.0, False, 1.0), (0.25, True, 0.0), (5.0, False, 1.0)])
    kinds = {e.kind for e in events}
    assert kinds == {EventKind.BLINK, EventKind.LONG_BLINK}


def test_perclos_is_the_time_weighted_share_of_80_percent_closure_over_60_s() -> None:
    # 6 s of every 60 s at least 80 % closed -> 10 %.
    segment = [(27.0, False, 1.0), (3.0, True, 0.1)] * 4
    _, tracker = run(segment)
    state, _ = tracker.update(False, 1.0, 120.0, DT)
    assert state.perclos_pct == pytest.approx(10.0, abs=0.5)
    assert state.perclos_valid


def test_perclos_has_no_value_until_a_whole_window_has_passed() -> None:
    _, tracker = run([(59.0, False, 1.0)])
    state, _ = tracker.update(False, 1.0, 59.0, DT)
    assert not state.perclos_valid
    _, tracker = run([(61.0, False, 1.0)])
    state, _ = tracker.update(False, 1.0, 61.0, DT)
    assert state.perclos_valid and state.perclos_pct == 0.0


@settings(max_examples=6)
@given(
    seed=st.integers(0, 2**32 - 1),
    jitter=st.floats(0.0, 0.5),
    gap_rate=st.floats(0.0, 0.01),
    closed_share=st.floats(0.0, 0.6),
)
def test_perclos_stays_within_0_and_100_over_two_hours_of_jittered_frames(
    seed: int, jitter: float, gap_rate: float, closed_share: float
) -> None:
    """Live frame times wobble and cameras stall; the windowed sums must not drift."""
    rng = np.random.default_rng(seed)
    steps = np.full(2 * 3600 * 15, 1 / 15) * (1.0 + jitter * rng.uniform(-1, 1, 2 * 3600 * 15))
    stalls = rng.random(len(steps)) < gap_rate
    steps[stalls] += rng.uniform(0.2, 5.0, int(stalls.sum()))
    times = np.cumsum(steps).tolist()
    closed = (rng.random(len(steps)) < closed_share).tolist()
    unknown = (rng.random(len(steps)) < 0.05).tolist()
    tracker, last = EyeTracker(), 0.0
    values = []
    for t, shut, lost, dt in zip(times, closed, unknown, steps.tolist(), strict=True):
        state, _ = tracker.update(None if lost else shut, 0.0 if shut else 1.0, t, dt)
        values.append(state.perclos_pct)
        last = t
    assert min(values) >= 0.0 and max(values) <= 100.0
    # The window of the last minute, counted exactly from the same frames.
    window = [
        (dt, shut)
        for t, shut, lost, dt in zip(times, closed, unknown, steps.tolist(), strict=True)
        if t > last - 60.0 and not lost
    ]
    judged = sum(dt for dt, _ in window)
    expected = 100.0 * sum(dt for dt, shut in window if shut) / judged if judged else 0.0
    assert values[-1] == pytest.approx(expected, abs=1e-6)


def test_unjudged_time_neither_counts_as_closed_nor_as_open() -> None:
    _, tracker = run([(50.0, None, 0.0), (10.0, False, 1.0)])
    state, _ = tracker.update(False, 1.0, 60.0, DT)
    assert state.perclos_pct == 0.0
    assert not state.perclos_valid  # 10 s judged of a 60 s window


def test_a_lost_frame_does_not_split_a_closure_but_a_long_gap_ends_it_without_a_verdict() -> None:
    events, _ = run(
        [(1.0, False, 1.0), (0.6, True, 0.0), (DT, None, 0.0), (0.6, True, 0.0), (1.0, False, 1.0)]
    )
    assert [e.kind for e in events] == [EventKind.MICROSLEEP]
    events, _ = run([(1.0, False, 1.0), (0.4, True, 0.0), (1.0, None, 0.0), (1.0, False, 1.0)])
    assert events == []


def test_blink_rate_and_mean_duration_over_the_last_minute() -> None:
    blinks = [(3.9, False, 1.0), (0.1, True, 0.0)] * 15  # 15 blinks of 0.1 s per minute
    _, tracker = run(blinks)
    state, _ = tracker.update(False, 1.0, 60.0, DT)
    assert state.blink_rate_per_min == pytest.approx(15, abs=1)
    assert state.blink_duration_ms == pytest.approx(100, abs=20)
