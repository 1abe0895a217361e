"""The built-in world's physics by value: TTC, braking distance, line crossing, impacts."""

from __future__ import annotations

import math

import pytest

from dms.bus.enums import MrmState, TargetKind
from dms.units import KPH
from dms.vehicle.builtin import BuiltinSettings, BuiltinVehicle
from dms.vehicle.model import DriverControls, MrmCommand, VehicleStatus
from dms.vehicle.road import (
    TEST_TARGETS,
    Target,
    braking_distance_m,
    impact_offset_m,
    overlap_pct,
    time_to_line_crossing_s,
    ttc_s,
)

STEP_S = 0.05


def test_time_to_collision() -> None:
    assert ttc_s(50.0, 50 * KPH) == pytest.approx(3.6)
    assert ttc_s(50.0, 0.0) == math.inf and ttc_s(50.0, -2.0) == math.inf
    assert ttc_s(0.0, 5.0) == 0.0


def test_braking_distance() -> None:
    assert braking_distance_m(50 * KPH, 5.0) == pytest.approx(19.29, abs=0.01)
    assert braking_distance_m(50 * KPH, 5.0, reaction_s=1.0) == pytest.approx(33.18, abs=0.01)
    assert braking_distance_m(0.0, 5.0) == 0.0
    assert braking_distance_m(10.0, 0.0) == math.inf


def test_time_to_line_crossing() -> None:
    assert time_to_line_crossing_s(0.85, 0.3) == pytest.approx(2.833, abs=0.001)
    assert time_to_line_crossing_s(0.85, -0.3) == math.inf
    assert time_to_line_crossing_s(-0.1, 0.3) == 0.0


def test_overlap_at_the_euro_ncap_impact_locations() -> None:
    car, motorcycle = 1.8, 0.8
    assert impact_offset_m(50) == 0.0
    assert impact_offset_m(25) == pytest.approx(0.45) and impact_offset_m(75) == -0.45
    assert overlap_pct(impact_offset_m(50), car) == pytest.approx(100.0)
    assert overlap_pct(impact_offset_m(25), car) == pytest.approx(75.0)
    assert overlap_pct(impact_offset_m(75), motorcycle) == pytest.approx(44.4, abs=0.1)
    assert overlap_pct(1.8, car) == 0.0  # side by side


def drive(
    target: Target | None,
    seconds: float,
    *,
    speed_kph: float = 50.0,
    brake_mps2: float = 0.0,
    drift_mps: float = 0.0,
    step_s: float = STEP_S,
    command: MrmCommand | None = None,
) -> list[tuple[float, VehicleStatus]]:
    settings = BuiltinSettings(target=target, wander_m=0.0)
    car = BuiltinVehicle(settings, speed_mps=speed_kph * KPH)
    controls = DriverControls(
        target_speed_mps=speed_kph * KPH, brake_decel_mps2=brake_mps2, drift_mps=drift_mps
    )
    steps = round(seconds / step_s)
    return [
        ((k + 1) * step_s, car.step(step_s, controls, command or MrmCommand()))
        for k in range(steps)
    ]


def ccr(test: str, range_m: float, location: float = 50.0) -> Target:
    kind, speed = TEST_TARGETS[test]  # type: ignore[index]
    return Target(kind=kind, speed_mps=speed, range_m=range_m, impact_location_pct=location)


@pytest.mark.parametrize("step_s", [0.05, 0.01])
def test_braking_too_late_hits_a_standing_car_at_the_speed_physics_says(step_s: float) -> None:
    states = drive(ccr("ccrs", 30.0), 5.0, brake_mps2=2.0, step_s=step_s)
    crash = states[-1][1].collision
    assert crash is not None
    closing = math.sqrt((50 * KPH) ** 2 - 2 * 2.0 * 30.0)  # v² = v0² - 2·a·d
    assert crash.impact_speed_mps == pytest.approx(closing, abs=0.02)
    assert crash.t_s == pytest.approx((50 * KPH - closing) / 2.0, abs=step_s)
    assert crash.overlap_pct == pytest.approx(100.0)
    assert states[-1][1].speed_mps == 0.0  # the car stops where it hit


def test_braking_in_time_stops_short_of_the_car() -> None:
    states = drive(ccr("ccrs", 50.0), 6.0, brake_mps2=5.0)
    last = states[-1][1]
    assert last.collision is None and last.standstill
    assert last.position_m == pytest.approx(braking_distance_m(50 * KPH, 5.0), abs=0.1)
    assert last.target is TargetKind.CAR
    assert last.target_range_m == pytest.approx(50.0 - last.position_m, abs=0.01)


def test_closing_on_a_car_at_20_kph_ccrm() -> None:
    states = drive(ccr("ccrm", 20.0), 4.0)
    crash = states[-1][1].collision
    assert crash is not None
    assert crash.impact_speed_mps == pytest.approx(30 * KPH, abs=0.01)
    assert crash.t_s == pytest.approx(20.0 / (30 * KPH), abs=STEP_S)
    early = next(status for t, status in states if t >= 1.0)
    assert early.target_closing_mps == pytest.approx(30 * KPH)
    assert early.target_range_m == pytest.approx(20.0 - 30 * KPH, abs=0.01)


def test_a_motorcycle_off_centre_is_hit_with_its_overlap() -> None:
    crash = drive(ccr("cmrs", 25.0, location=75.0), 3.0)[-1][1].collision
    assert crash is not None and crash.overlap_pct == pytest.approx(44.4, abs=0.1)
    assert crash.impact_speed_mps == pytest.approx(50 * KPH)


def test_drifting_past_a_motorcycle_at_the_lane_edge_misses_it() -> None:
    states = drive(ccr("cmrs", 60.0, location=25.0), 6.0, drift_mps=-0.5)
    assert states[-1][1].collision is None
    assert states[-1][1].target is TargetKind.NONE  # out of the lane ahead once passed


def test_a_drifting_car_crosses_the_line_when_the_time_to_line_crossing_says() -> None:
    states = drive(None, 5.0, drift_mps=0.3)
    first = states[0][1]
    assert first.line_left_m == pytest.approx(0.85, abs=0.02)  # (3.5 - 1.8) / 2
    over = next(t for t, status in states if status.line_left_m < 0.0)
    assert over == pytest.approx(time_to_line_crossing_s(0.85, 0.3), abs=STEP_S)
    assert first.lateral_speed_mps == pytest.approx(0.3)
    assert states[-1][1].lane_index == 1  # 1.5 m over after 5 s: still its own lane


def test_drifting_wholly_into_the_next_lane_makes_it_the_cars_lane() -> None:
    states = drive(None, 7.0, drift_mps=0.3)
    lane = next(t for t, status in states if status.lane_index == 2)
    assert lane == pytest.approx(1.75 / 0.3, abs=STEP_S)


def test_an_mrm_steers_a_drifted_car_back_to_the_lane_centre() -> None:
    settings = BuiltinSettings(wander_m=0.0)
    car = BuiltinVehicle(settings, speed_mps=25.0)
    drifting = DriverControls(target_speed_mps=25.0, drift_mps=0.3)
    for _ in range(40):  # 2 s: 0.6 m to the left
        car.step(STEP_S, drifting, MrmCommand())
    stop = MrmCommand(state=MrmState.DECELERATING, target_decel_mps2=2.5, target_lane=1)
    offsets = [car.step(STEP_S, drifting, stop).lane_offset_m for _ in range(60)]
    assert offsets[0] == pytest.approx(0.6 - 0.3 * STEP_S, abs=1e-6)
    assert offsets[-1] == pytest.approx(0.0, abs=1e-6)  # 0.6 m back at 0.3 m/s: 2 s
