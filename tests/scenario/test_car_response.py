"""The car's answer to a distracted driver, with and without the DMS raising the ADAS
sensitivity, as Euro NCAP 2026 judges forward and lane support."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.errors import ScenarioError
from dms.events import Event, EventKind
from dms.scenario.loader import load_scenario
from dms.scenario.runner import run_scenario
from dms.units import KPH

CCRS = """\
duration_s: 25
seed: 21
vehicle: {{speed_kph: 50}}
driver: {{drift_mps: 0}}
target: {{test: ccrs, at_s: 8, ttc_s: 6.5}}
timeline:
{glance}
"""
GLANCE = "  - {at_s: 10, do: glance, zone: infotainment, duration_s: 4}"
LKA = """\
duration_s: 25
seed: 22
vehicle: {speed_kph: 72}
driver: {drift_mps: 0.2}
timeline:
  - {at_s: 10, do: glance, zone: infotainment, duration_s: 6}
"""
WITHOUT_RAISE = [("assist.follow_driver_state", False, "test")]


def events(tmp_path: Path, text: str, *, raise_sensitivity: bool) -> list[Event]:
    path = tmp_path / "test.yaml"
    path.write_text(text)
    settings = [] if raise_sensitivity else WITHOUT_RAISE
    return run_scenario(load_scenario(path), settings=settings).events


def only(found: list[Event], kind: EventKind) -> Event:
    matching = [event for event in found if event.kind is kind]
    assert len(matching) == 1, matching
    return matching[0]


def test_a_4_s_glance_toward_a_standing_car_is_a_crash_unless_the_dms_raises_aeb(
    tmp_path: Path,
) -> None:
    text = CCRS.format(glance=GLANCE)
    # The glance would end in the car at 14.5 s. Normal AEB brakes at TTC 0.6 s: from
    # 50 km/h at 8 m/s² the car sheds only part of its speed in the 8.3 m left.
    baseline = events(tmp_path, text, raise_sensitivity=False)
    crash = only(baseline, EventKind.COLLISION)
    impact = ((50 * KPH) ** 2 - 2 * 8.0 * 0.6 * 50 * KPH) ** 0.5 / KPH  # about 28 km/h
    assert crash.speed_kph is not None and impact - 2 <= crash.speed_kph <= impact + 3
    assert 14.3 <= crash.t_s <= 14.8
    # The DMS flags the distraction 3 s in (13.0 s); AEB then brakes at TTC 1.4 s, with
    # 19.4 m left against the 12.1 m it needs.
    raised = events(tmp_path, text, raise_sensitivity=True)
    assert not [event for event in raised if event.kind is EventKind.COLLISION]
    aeb = only(raised, EventKind.AEB)
    assert 13.0 <= aeb.t_s <= 13.3 and aeb.level == 1
    avoided = only(raised, EventKind.AVOIDED)
    assert avoided.distance_m is not None and 4.0 <= avoided.distance_m <= 9.5


def test_an_attentive_driver_brakes_in_time_without_the_cars_help(tmp_path: Path) -> None:
    found = events(tmp_path, CCRS.format(glance="  []"), raise_sensitivity=False)
    # Seen at TTC 3.5 s (11.0 s), braked at 6 m/s² 1.2 s later: 31.9 m left, 16.1 needed.
    avoided = only(found, EventKind.AVOIDED)
    assert avoided.distance_m is not None and 12.0 <= avoided.distance_m <= 19.0
    assert 12.2 <= avoided.t_s <= 15.0
    assert not [e for e in found if e.kind in (EventKind.AEB, EventKind.COLLISION)]


def test_lane_keeping_holds_a_drifting_distracted_driver_in_lane_only_when_raised(
    tmp_path: Path,
) -> None:
    raised = events(tmp_path, LKA, raise_sensitivity=True)
    assert not [event for event in raised if event.kind is EventKind.LANE_DEPARTURE]
    first = min((e for e in raised if e.kind is EventKind.LKA), key=lambda e: e.t_s)
    assert 13.0 <= first.t_s <= 15.0 and first.ttc_s is not None and first.ttc_s <= 1.0
    # Normal sensitivity only warns: the driver looks up 0.5 s after the warning and
    # steers 1.2 s later, by when the car is over the line.
    baseline = events(tmp_path, LKA, raise_sensitivity=False)
    ldw = only(baseline, EventKind.LDW)
    assert ldw.ttc_s is not None and ldw.ttc_s <= 0.5
    departure = only(baseline, EventKind.LANE_DEPARTURE)
    assert departure.reason == "left"
    assert departure.distance_m is not None and 0.1 <= departure.distance_m <= 0.45
    assert not [event for event in baseline if event.kind is EventKind.LKA]


@pytest.mark.parametrize(("key", "reason"), [("ttc_s: 6.5, distance_m: 50", "one"), ("", "one")])
def test_a_target_starts_at_a_distance_or_a_time_to_collision(
    tmp_path: Path, key: str, reason: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"duration_s: 20\ntarget: {{test: ccrs, {key}}}\n".replace(", }", "}"))
    with pytest.raises(ScenarioError, match=rf"bad\.yaml:2: target\.test: .*\({reason}\)"):
        load_scenario(path)


def test_on_sumo_the_same_glance_is_a_crash_unless_the_dms_raises_aeb(tmp_path: Path) -> None:
    pytest.importorskip("libsumo", reason="libsumo is not installed")
    path = tmp_path / "sumo.yaml"
    path.write_text(CCRS.format(glance=GLANCE))
    scenario = load_scenario(path)
    baseline = run_scenario(scenario, simulator="sumo", settings=WITHOUT_RAISE).events
    crash = only(baseline, EventKind.COLLISION)  # SUMO's own collision check
    assert crash.speed_kph is not None and 25.0 <= crash.speed_kph <= 33.0
    raised = run_scenario(scenario, simulator="sumo").events
    assert not [event for event in raised if event.kind is EventKind.COLLISION]
    avoided = only(raised, EventKind.AVOIDED)
    assert avoided.distance_m is not None and 4.0 <= avoided.distance_m <= 9.5


RIG = """\
duration_s: 20
seed: 23
vehicle: {{speed_kph: 72}}
driver: {{drift_mps: 0}}
timeline:
  - {{at_s: 5, do: drift, duration_s: 6, lateral_mps: {lateral}}}
"""


def test_a_test_rigs_drift_takes_an_attentive_driver_over_the_line(tmp_path: Path) -> None:
    """0.2 m/s toward a line 0.85 m away (± the 0.15 m weave): over 3.5-5.1 s after the
    rig starts, about 0.2 m/s x the rest of its 6 s deep; the driver steers back after."""
    found = events(tmp_path, RIG.format(lateral=0.2), raise_sensitivity=False)
    departure = only(found, EventKind.LANE_DEPARTURE)
    ldw = only(found, EventKind.LDW)
    assert 5.0 + 3.5 <= ldw.t_s + 0.5 <= 5.0 + 5.1  # LDW at TLC 0.5 s
    assert departure.reason == "left"
    assert 0.15 <= (departure.distance_m or 0.0) <= 0.6
    assert not [e for e in found if e.kind is EventKind.WARNING]  # the driver watched


def test_a_rig_drift_faster_than_the_rig_can_steer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "test.yaml"
    path.write_text(RIG.format(lateral=3.0))
    with pytest.raises(ScenarioError, match=r"test.yaml:6: .*lateral_mps"):
        load_scenario(path)
