"""Forward support, lane support and the emergency function as verdicts with figures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dms.bus.enums import AlertKind
from dms.events import Event, EventKind
from dms.scenario.support import judge

ROOT = Path(__file__).resolve().parents[2]


def crash(t_s: float, kph: float) -> Event:
    return Event(t_s, EventKind.COLLISION, speed_kph=kph, overlap_pct=100.0)


def test_forward_support_is_a_collision_avoided_or_an_impact_a_fifth_slower() -> None:
    avoided = [Event(14.9, EventKind.AVOIDED, distance_m=6.9)]
    (verdict,) = judge(avoided, [crash(14.6, 28.0)], has_target=True)
    assert verdict.given and "28 km/h collision avoided, 6.9 m short" in verdict.figures
    (verdict,) = judge([crash(14.7, 22.0)], [crash(14.6, 28.0)], has_target=True)
    assert verdict.given  # 22 <= 0.8 x 28
    (verdict,) = judge([crash(14.7, 25.0)], [crash(14.6, 28.0)], has_target=True)
    assert not verdict.given and "25 km/h instead of 28 km/h" in verdict.figures


def departure(metres: float) -> Event:
    return Event(15.0, EventKind.LANE_DEPARTURE, distance_m=metres, reason="left")


def test_lane_support_is_staying_in_lane_or_half_the_excursion() -> None:
    (verdict,) = judge([], [departure(0.24)], has_target=False)
    assert verdict.function == "lane support" and verdict.given
    assert judge([departure(0.1)], [departure(0.24)], has_target=False)[0].given
    assert not judge([departure(0.2)], [departure(0.24)], has_target=False)[0].given


def unresponsive(t_s: float) -> Event:
    return Event(t_s, EventKind.WARNING, level=3, alert=AlertKind.UNRESPONSIVE)


def stop_after(mrm_s: float) -> list[Event]:
    return [
        unresponsive(76.2),
        Event(mrm_s, EventKind.MRM_STARTED, reason="decelerating"),
        Event(mrm_s, EventKind.HAZARDS_ON),
        Event(mrm_s + 13.0, EventKind.STANDSTILL),
        Event(mrm_s + 15.0, EventKind.ECALL),
    ]


@pytest.mark.parametrize(("mrm_s", "given"), [(76.7, True), (81.1, True), (81.4, False)])
def test_the_emergency_function_starts_within_5_s_of_the_warning(mrm_s: float, given: bool) -> None:
    (verdict,) = judge(stop_after(mrm_s), [], has_target=False)
    assert verdict.function == "emergency function" and verdict.given is given


def test_a_driver_back_at_once_needs_no_emergency_function() -> None:
    back = [unresponsive(16.0), Event(16.2, EventKind.WARNING_CLEARED)]
    assert judge(back, [], has_target=False) == []


def test_replay_support_runs_the_baseline_and_reports_the_verdict(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dms.cli",
            "replay",
            str(ROOT / "scenarios" / "ncap-ccrs-distracted.yaml"),
            "--support",
            "--no-plot",
            "--report",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "forward support given: the 28 km/h collision avoided" in result.stdout
    (support,) = json.loads((tmp_path / "report.json").read_text())["support"]
    assert support["function"] == "forward support" and support["given"] is True
