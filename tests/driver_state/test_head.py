"""The sleep cue behind dark lenses: a head that sinks slowly and stays down."""

from __future__ import annotations

import numpy as np

from dms.driver_state.head import HeadDrop
from dms.events import Event, EventKind

DT = 1 / 30


def run(pitch_deg: np.ndarray, yaw_deg: float = 0.0, judged: bool = True) -> list[Event]:
    head, events = HeadDrop(), []
    for k, pitch in enumerate(pitch_deg.tolist()):
        events += head.update(yaw_deg, pitch, judged, round(k * DT, 6), DT)[1]
    return events


def sinking(seconds_down: float, *, to_deg: float = 14.0, sink_s: float = 2.5) -> np.ndarray:
    """10 s level, then a smooth sink over ``sink_s`` held for ``seconds_down``."""
    t = np.arange(round((10.0 + sink_s + seconds_down) * 30)) * DT
    x = np.clip((t - 10.0) / sink_s, 0.0, 1.0)
    rng = np.random.default_rng(5)
    pitch: np.ndarray = to_deg * x * x * (3 - 2 * x) + rng.normal(0.0, 0.4, len(t))  # jitter
    return pitch


def times(events: list[Event], kind: EventKind) -> list[float]:
    return [e.t_s for e in events if e.kind is kind]


def test_a_head_sunk_and_still_is_sleep_after_3_s_and_unresponsive_after_6_s() -> None:
    events = run(sinking(10.0))
    (sleep,) = times(events, EventKind.SLEEP)
    (unresponsive,) = times(events, EventKind.UNRESPONSIVE)
    # The head passes 8 degrees about 1.3 s into the sink (smoothed a little later).
    assert 10.0 + 1.2 + 3.0 <= sleep <= 10.0 + 1.8 + 3.0
    assert 6.0 - 0.05 <= unresponsive - sleep + 3.0 <= 6.05
    assert {e.reason for e in events} == {"head_down"}


def test_a_quick_look_down_held_still_is_not_sleep() -> None:
    t = np.arange(20 * 30) * DT
    look = np.where(t >= 10.0, 40.0, 0.0)  # down at the lap in one move, then still
    assert run(look) == []


def test_a_head_sunk_toward_a_mirror_is_not_sleep() -> None:
    assert run(sinking(10.0), yaw_deg=35.0) == []


def test_nothing_while_the_eyes_can_be_seen() -> None:
    assert run(sinking(10.0), judged=False) == []
