"""Yawns need a mouth held wide for longer than talking ever holds it; laughter is not one."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from dms.driver_state.yawn import YawnDetector, YawnState

DT = 1 / 30


def run(profile: Sequence[tuple[float, float | None, float]]) -> list[tuple[float, YawnState]]:
    """profile: (seconds, mouth_open or None, smile) segments -> (t, state) per frame."""
    detector, t, out = YawnDetector(), 0.0, []
    for seconds, mouth, smile in profile:
        for _ in range(round(seconds / DT)):
            t += DT
            out.append((t, detector.update(mouth, smile, DT)))
    return out


def confirmations(states: list[tuple[float, YawnState]]) -> list[float]:
    return [t for t, s in states if s.confirmed]


def test_a_wide_mouth_held_for_seconds_is_one_yawn_confirmed_after_the_gate() -> None:
    states = run([(2.0, 0.05, 0.1), (3.0, 0.9, 0.3), (2.0, 0.05, 0.1)])
    (when,) = confirmations(states)
    assert 2.0 + 0.8 - DT <= when <= 2.0 + 0.8 + 2 * DT
    assert states[-1][1].yawn_count == 1
    assert not states[-1][1].yawning


def test_talking_opens_the_mouth_briefly_and_is_never_a_yawn() -> None:
    syllables = [(0.2, 0.74, 0.1), (0.15, 0.1, 0.1)] * 40  # 14 s of talking
    assert confirmations(run(syllables)) == []


def test_laughing_with_a_broad_smile_is_not_a_yawn() -> None:
    assert confirmations(run([(1.0, 0.05, 0.2), (2.5, 0.8, 0.85)])) == []


def test_a_lost_frame_mid_yawn_does_not_split_it() -> None:
    states = run([(0.5, 0.9, 0.3), (2 * DT, None, 0.0), (1.5, 0.9, 0.3), (1.0, 0.05, 0.1)])
    assert len(confirmations(states)) == 1


@pytest.mark.parametrize("seconds", [0.5, 0.7])
def test_shorter_openings_than_the_gate_do_not_count(seconds: float) -> None:
    assert confirmations(run([(seconds, 0.9, 0.3), (1.0, 0.05, 0.1)])) == []
