"""Ground truth against the DMS: what it detected, how fast, and what it raised for nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.scenario.loader import load_scenario
from dms.scenario.runner import run_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
GLANCES = """\
duration_s: 60
seed: 8
vehicle: {speed_kph: 100}
timeline:
  - {at_s: 20, do: glance, zone: infotainment, duration_s: 4}
  - {at_s: 40, do: glance, zone: infotainment, duration_s: 2}
  - {at_s: 50, do: glance, zone: mirror_left, duration_s: 1}
"""


def test_a_4_s_glance_at_100_kph_is_detected_in_3_to_3_5_s_and_a_2_s_one_is_not(
    tmp_path: Path,
) -> None:
    path = tmp_path / "glances.yaml"
    path.write_text(GLANCES)
    metrics = run_scenario(load_scenario(path)).metrics
    by_start = {s.behaviour.at_s: s for s in metrics.situations}
    assert set(by_start) == {20.0, 40.0}  # a mirror check is driving, not a situation
    latency = by_start[20.0].latency_s
    assert latency is not None and 3.0 <= latency <= 3.5
    assert by_start[40.0].detected_at_s is None
    assert metrics.false_alarms == ()
    report = metrics.as_dict()
    assert (report["detected"], report["missed"]) == (1, 1)


def test_an_alert_ten_minute_drive_raises_no_false_alarm() -> None:
    metrics = run_scenario(load_scenario(SCENARIOS / "alert-baseline.yaml")).metrics
    assert metrics.driving_h == pytest.approx(10 / 60)
    assert metrics.false_alarms == () and metrics.false_alarms_per_hour == 0.0


def test_a_hair_trigger_microsleep_threshold_shows_as_false_alarms_per_hour() -> None:
    scenario = load_scenario(SCENARIOS / "alert-baseline.yaml")
    result = run_scenario(scenario, settings=[("eyes.microsleep_s", 0.08, "--set")])
    alarms = result.metrics.false_alarms
    assert alarms and {e.kind.value for e in alarms} >= {"microsleep"}
    assert result.metrics.false_alarms_per_hour == pytest.approx(len(alarms) * 6)
