"""Glances, long distraction by speed, VATS, AttenD and phone use."""

from __future__ import annotations

import pytest

from dms.bus.enums import GazeZone
from dms.driver_state.attention import AttentionState, AttentionTracker
from dms.events import Event, EventKind
from dms.units import KPH

DT = 1 / 30
ROAD, INFO, LAP, MIRROR = GazeZone.ROAD, GazeZone.INFOTAINMENT, GazeZone.LAP, GazeZone.MIRROR_LEFT


def run(
    segments: list[tuple[float, GazeZone]], speed_kph: float = 100.0
) -> tuple[list[Event], list[AttentionState]]:
    tracker, events, states, t = AttentionTracker(), [], [], 0.0
    for seconds, zone in segments:
        for _ in range(round(seconds * 30)):
            state, new = tracker.update(zone, speed_kph * KPH, round(t, 6), DT)
            events += new
            states.append(state)
            t += DT
    return events, states


def of(events: list[Event], kind: EventKind) -> list[Event]:
    return [e for e in events if e.kind is kind]


def test_a_3_5_s_infotainment_glance_at_100_kph_is_a_long_distraction_after_3_s() -> None:
    events, _ = run([(10.0, ROAD), (3.5, INFO), (5.0, ROAD)])
    (long,) = of(events, EventKind.LONG_DISTRACTION)
    assert 10.0 + 3.0 <= long.t_s <= 10.0 + 3.1
    assert long.zone is INFO


def test_the_same_glance_at_40_kph_waits_for_the_6_s_addw_limit() -> None:
    events, _ = run(
        [(10.0, ROAD), (3.5, INFO), (5.0, ROAD), (7.0, INFO), (5.0, ROAD)], speed_kph=40
    )
    (long,) = of(events, EventKind.LONG_DISTRACTION)
    assert 18.5 + 6.0 <= long.t_s <= 18.5 + 6.1


def test_below_20_kph_no_long_distraction() -> None:
    events, _ = run([(10.0, ROAD), (8.0, INFO), (5.0, ROAD)], speed_kph=10)
    assert of(events, EventKind.LONG_DISTRACTION) == []


def test_mirror_glances_are_driving_not_distraction() -> None:
    events, states = run([(5.0, ROAD), (1.5, MIRROR), (5.0, ROAD)])
    assert max(s.level for s in states) == 0
    events, states = run([(5.0, ROAD), (4.0, MIRROR), (5.0, ROAD)])  # a long one drains AttenD
    assert of(events, EventKind.LONG_DISTRACTION) == []
    assert min(s.attend_buffer_s for s in states) == 0.0


def test_glances_are_segmented_with_their_transition_iso_15007() -> None:
    # A 0.05 s flicker through the cluster on the way is part of the infotainment glance.
    events, _ = run([(5.0, ROAD), (0.05, GazeZone.CLUSTER), (2.0, INFO), (3.0, ROAD)])
    glances = of(events, EventKind.GLANCE)
    info = next(g for g in glances if g.zone is INFO)
    assert info.t_s == pytest.approx(5.0, abs=0.04)
    assert info.duration_s == pytest.approx(2.05, abs=0.07)
    assert not [g for g in glances if g.zone is GazeZone.CLUSTER]


def test_vats_after_10_s_off_road_within_30_s_of_short_glances() -> None:
    pattern = [(1.0, ROAD)] + [(2.0, INFO), (0.8, ROAD)] * 6
    events, _ = run(pattern)
    (vats,) = of(events, EventKind.VATS)
    # 10 s off road after the fifth 2 s glance: 1 + 4 * 2.8 + 2.0 = 14.2 s
    assert 14.1 <= vats.t_s <= 14.3
    assert of(events, EventKind.LONG_DISTRACTION) == []


def test_two_seconds_on_the_road_reset_the_vats_window() -> None:
    pattern = [(1.0, ROAD)] + [(2.0, INFO), (2.1, ROAD)] * 8
    events, _ = run(pattern)
    assert of(events, EventKind.VATS) == []


def test_attend_buffer_drains_off_road_and_refills_after_0_1_s() -> None:
    _, states = run([(5.0, ROAD), (1.5, INFO), (0.1, ROAD), (1.0, ROAD)])
    end_of_glance = round(6.5 * 30) - 1
    assert states[end_of_glance].attend_buffer_s == pytest.approx(0.5, abs=0.12)
    assert states[-1].attend_buffer_s == pytest.approx(0.5 + 1.0, abs=0.12)
    assert min(s.attend_buffer_s for s in states) > 0


def test_attend_buffer_spares_the_first_second_of_a_mirror_glance() -> None:
    _, states = run([(5.0, ROAD), (1.5, MIRROR)])
    assert states[-1].attend_buffer_s == pytest.approx(2.0 - 0.5, abs=0.05)


def test_sustained_lap_glances_are_phone_use() -> None:
    pattern = [(10.0, ROAD)] + [(3.0, LAP), (1.0, ROAD)] * 5
    events, _ = run(pattern)
    (phone,) = of(events, EventKind.PHONE_USE)
    assert 10.0 + 6.0 <= phone.t_s <= 10.0 + 9.0


def test_gaze_away_for_6_s_is_an_unresponsive_driver() -> None:
    events, states = run([(5.0, ROAD), (7.0, INFO), (3.0, ROAD)])
    (away,) = of(events, EventKind.UNRESPONSIVE)
    assert 11.0 <= away.t_s <= 11.1 and away.reason == "gaze_away"
    assert max(s.level for s in states) == 3


def test_unknown_gaze_holds_the_last_zone_briefly_then_pauses() -> None:
    events, states = run(
        [(5.0, ROAD), (0.3, GazeZone.UNKNOWN), (5.0, ROAD), (2.0, GazeZone.UNKNOWN)]
    )
    assert len(of(events, EventKind.GLANCE)) == 0  # no glance was split by the brief gap
    assert states[-1].zone is GazeZone.UNKNOWN and not states[-1].eyes_on_road


def test_no_distraction_time_accumulates_below_20_kph() -> None:
    """A glance that starts at standstill counts only from the moment the car passes the
    ADDW speed gate: the warning does not fire the moment the gate opens."""
    tracker, events, t = AttentionTracker(), [], 0.0
    for _ in range(40 * 30):
        speed_kph = 0.0 if t < 20.0 else 100.0
        zone = ROAD if t < 10.0 else INFO
        state, new = tracker.update(zone, speed_kph * KPH, round(t, 6), DT)
        events += new
        if 19.9 < t < 20.0:
            assert (state.eyes_off_road_s, state.vats_s, state.attend_buffer_s) == (0.0, 0.0, 2.0)
        t += DT
    (long,) = of(events, EventKind.LONG_DISTRACTION)
    # (within a frame: the first frame above the gate counts the interval before it)
    assert 22.96 <= long.t_s <= 23.1  # 3 s above the gate, not 13 s into the glance
    (vats,) = of(events, EventKind.VATS)
    assert 29.96 <= vats.t_s <= 30.1
    (away,) = of(events, EventKind.UNRESPONSIVE)
    assert 25.96 <= away.t_s <= 26.1


def test_an_outage_is_not_judged_time() -> None:
    """Frames stop for 2 s mid-glance: no second of it is charged to the driver."""
    tracker, events = AttentionTracker(), []
    times = [k * DT for k in range(10 * 30)] + [12.0 + k * DT for k in range(8 * 30)]
    last = None
    for t in times:
        zone = ROAD if t < 8.0 - 1e-9 else INFO
        dt = DT if last is None else t - last
        if dt > 0.25:  # what the monitor does: the gap beyond a frame is not judged
            tracker.update(GazeZone.UNKNOWN, 100 * KPH, t - 0.25, dt - 0.25)
            dt = 0.25
        _, new = tracker.update(zone, 100 * KPH, round(t, 6), dt)
        events += new
        last = t
    # 2 s off the road before the outage, the frame after it counts 0.25 s, then 0.75 s more
    (long,) = of(events, EventKind.LONG_DISTRACTION)
    assert 12.7 <= long.t_s <= 12.8
