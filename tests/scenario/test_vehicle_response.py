"""The car's response, end to end through replay, as Euro NCAP-style timing checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.bus import Receiver, VehState, read_frames
from dms.bus.enums import AlertKind
from dms.events import EventKind
from dms.scenario.loader import load_scenario
from dms.scenario.runner import ReplayResult, run_scenario
from dms.vehicle.policy import EcuSettings

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def replay(tmp_path: Path, text: str, **kwargs: object) -> ReplayResult:
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return run_scenario(load_scenario(path), **kwargs)  # type: ignore[arg-type]


def glance_at(speed_kph: float) -> str:
    return (
        f"duration_s: 30\nseed: 5\nvehicle: {{speed_kph: {speed_kph}}}\n"
        "timeline:\n"
        "  - {at_s: 20, do: glance, zone: infotainment, duration_s: 3.5, movement: lizard}\n"
    )


def test_a_3_5_s_infotainment_glance_at_100_kph_warns_3_0_to_3_6_s_after_it_starts(
    tmp_path: Path,
) -> None:
    result = replay(tmp_path, glance_at(100))
    (warning,) = [e for e in result.events if e.kind is EventKind.WARNING]
    assert warning.level == 1 and warning.alert is AlertKind.DISTRACTION
    assert 20.0 + 3.0 <= warning.t_s <= 20.0 + 3.6


def test_the_same_glance_at_10_kph_does_not_warn(tmp_path: Path) -> None:
    result = replay(tmp_path, glance_at(10))
    assert [e for e in result.events if e.kind is EventKind.WARNING] == []


def vehicle_states(log: Path) -> list[VehState]:
    receiver = Receiver()
    states = [receiver.receive_can(frame).message for frame in read_frames(log)]
    return [s for s in states if isinstance(s, VehState)]


def test_eyes_closed_from_t_brings_an_mrm_by_t_plus_7_s_to_a_stop_with_hazards(
    tmp_path: Path,
) -> None:
    log = tmp_path / "sleep.blf"
    result = replay(
        tmp_path,
        "duration_s: 60\nseed: 9\nvehicle: {speed_kph: 110}\n"
        "timeline:\n  - {at_s: 20, do: sleep, duration_s: 40}\n",
        log_path=log,
    )
    times = {kind: [e.t_s for e in result.events if e.kind is kind] for kind in EventKind}
    (mrm,) = times[EventKind.MRM_STARTED]
    assert 20.0 + 6.0 <= mrm <= 20.0 + 7.0
    assert times[EventKind.HAZARDS_ON] and times[EventKind.HAZARDS_ON][0] <= mrm + 0.2
    assert len(times[EventKind.STANDSTILL]) == 1 and len(times[EventKind.ECALL]) == 1
    states = vehicle_states(log)
    assert states[-1].speed_mps == 0.0 and states[-1].hazard_lights and states[-1].lane_index == 0
    limit = EcuSettings().mrm_decel_limit_mps2
    assert min(s.accel_mps2 for s in states) >= -limit


def test_the_sleep_scenario_in_sumo_stops_in_lane_with_the_hazard_bit(tmp_path: Path) -> None:
    pytest.importorskip("libsumo", reason="libsumo is not installed")
    log = tmp_path / "sumo.blf"
    result = run_scenario(load_scenario(SCENARIOS / "sleep-sumo.yaml"), log_path=log)
    assert result.simulator == "sumo" and result.passed
    final = vehicle_states(log)[-1]
    assert final.speed_mps == 0.0 and final.hazard_lights and final.lane_index == 0
    assert abs(final.lane_offset_m) < 0.5  # in its lane, not on the shoulder


def test_a_cut_dms_stream_raises_no_driver_warning(tmp_path: Path) -> None:
    result = replay(
        tmp_path,
        "duration_s: 40\nseed: 2\nvehicle: {speed_kph: 100}\ntimeline:\n"
        "  - {at_s: 20, do: bus_fault, mode: cut, duration_s: 8}\n"
        "  - {at_s: 21, do: glance, zone: infotainment, duration_s: 4}\n",
    )
    warnings = [e for e in result.events if e.kind is EventKind.WARNING]
    assert [w.alert for w in warnings] == [AlertKind.DMS_UNAVAILABLE]
    (lost,) = [e.t_s for e in result.events if e.kind is EventKind.DMS_UNAVAILABLE]
    assert 20.0 < lost <= 20.0 + 0.35
