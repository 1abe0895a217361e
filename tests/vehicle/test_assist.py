"""FCW, AEB and lane keeping by time and value, at each sensitivity the DMS can set."""

from __future__ import annotations

import pytest

from dms.bus import VehEnv
from dms.bus.enums import LineType, Sensitivity, TargetKind
from dms.events import Event, EventKind
from dms.units import KPH
from dms.vehicle.assist import AssistInputs, AssistPolicy, AssistSettings
from dms.vehicle.model import NO_ASSIST

STEP_S = 0.05
SPEED = 50 * KPH


def env(
    range_m: float, *, closing: float = SPEED, left_m: float = 0.85, lateral: float = 0.0
) -> VehEnv:
    return VehEnv(
        target=TargetKind.CAR if range_m < 1000 else TargetKind.NONE,
        target_range_m=min(range_m, 600.0),
        target_closing_mps=closing,
        target_overlap_pct=100,
        line_left=LineType.DASHED,
        line_right=LineType.DASHED,
        line_left_m=left_m,
        line_right_m=1.7 - left_m,
        lateral_speed_mps=lateral,
        collision=False,
    )


def approach(
    sensitivity: Sensitivity, settings: AssistSettings | None = None, start_m: float = 60.0
) -> list[Event]:
    """A car at 50 km/h closing on a standing car from ``start_m`` (speed held)."""
    policy = AssistPolicy(settings)
    events: list[Event] = []
    t, range_m = 0.0, start_m
    while range_m > 0:
        out = policy.update(
            AssistInputs(t_s=t, speed_mps=SPEED, env=env(range_m), sensitivity=sensitivity)
        )
        events += out.events
        t, range_m = t + STEP_S, range_m - SPEED * STEP_S
    return events


def ttc_of(events: list[Event], kind: EventKind) -> float:
    found = [event for event in events if event.kind is kind]
    assert len(found) == 1, found
    ttc = found[0].ttc_s
    assert ttc is not None
    return ttc


@pytest.mark.parametrize(
    ("sensitivity", "fcw_s", "aeb_s"),
    [(Sensitivity.NORMAL, 2.1, 0.6), (Sensitivity.HIGH, 2.6, 1.4), (Sensitivity.MAXIMUM, 3.0, 1.8)],
)
def test_warning_and_braking_start_at_the_ttc_of_the_sensitivity(
    sensitivity: Sensitivity, fcw_s: float, aeb_s: float
) -> None:
    events = approach(sensitivity)
    assert fcw_s - STEP_S < ttc_of(events, EventKind.FCW) <= fcw_s
    assert aeb_s - STEP_S < ttc_of(events, EventKind.AEB) <= aeb_s


def test_without_following_the_driver_state_the_sensitivity_stays_normal() -> None:
    events = approach(Sensitivity.MAXIMUM, AssistSettings(follow_driver_state=False))
    assert 2.05 < ttc_of(events, EventKind.FCW) <= 2.1
    assert 0.55 < ttc_of(events, EventKind.AEB) <= 0.6


def test_aeb_brakes_until_the_car_stops_closing_in() -> None:
    policy = AssistPolicy()
    high = Sensitivity.HIGH
    braking = policy.update(AssistInputs(t_s=0.0, speed_mps=SPEED, env=env(15.0), sensitivity=high))
    assert braking.command.aeb_decel_mps2 == pytest.approx(8.0)
    # The danger passes (say the driver looked up): the braking holds while still closing.
    calm = AssistInputs(t_s=0.1, speed_mps=8.0, env=env(12.0, closing=8.0), sensitivity=high)
    assert policy.update(calm).command.aeb_decel_mps2 == pytest.approx(8.0)
    stopped = AssistInputs(t_s=1.2, speed_mps=0.0, env=env(6.0, closing=0.0), sensitivity=high)
    assert policy.update(stopped).command.aeb_decel_mps2 == 0.0


def test_a_silent_radar_gives_no_assistance() -> None:
    policy = AssistPolicy()
    out = policy.update(
        AssistInputs(t_s=0.0, speed_mps=SPEED, env=None, sensitivity=Sensitivity.MAXIMUM)
    )
    assert out.command == NO_ASSIST and out.events == ()


def drift_to_line(
    sensitivity: Sensitivity, settings: AssistSettings | None = None, drift_mps: float = 0.3
) -> tuple[dict[EventKind, Event], float]:
    """A car at 72 km/h drifting to the left line from 0.85 m until 0.1 m over it (the
    policy's commands not acted on): its first event of each kind, and the lateral speed
    lane keeping asked for last."""
    policy = AssistPolicy(settings)
    t, left, lateral = 0.0, 0.85, 0.0
    first: dict[EventKind, Event] = {}
    while left > -0.1:
        out = policy.update(
            AssistInputs(
                t_s=t,
                speed_mps=72 * KPH,
                env=env(5000.0, left_m=left, lateral=drift_mps),
                sensitivity=sensitivity,
            )
        )
        for event in out.events:
            first.setdefault(event.kind, event)
        lateral = out.command.lka_lateral_mps if out.command.lka else lateral
        t, left = t + STEP_S, left - drift_mps * STEP_S
    return first, lateral


@pytest.mark.parametrize(
    ("sensitivity", "tlc_s"), [(Sensitivity.HIGH, 1.0), (Sensitivity.MAXIMUM, 1.5)]
)
def test_lane_keeping_steers_back_at_the_tlc_of_the_raised_sensitivity(
    sensitivity: Sensitivity, tlc_s: float
) -> None:
    first, lateral = drift_to_line(sensitivity)
    lka = first[EventKind.LKA]
    assert lka.ttc_s is not None and tlc_s - STEP_S <= lka.ttc_s <= tlc_s
    assert lateral == pytest.approx(-0.3)  # back toward the centre


def test_at_normal_sensitivity_the_driver_is_warned_and_does_the_steering() -> None:
    first, _ = drift_to_line(Sensitivity.NORMAL)
    ldw = first[EventKind.LDW]
    assert ldw.ttc_s is not None and 0.5 - STEP_S <= ldw.ttc_s <= 0.5
    assert EventKind.LKA not in first
    steering, _ = drift_to_line(Sensitivity.NORMAL, AssistSettings(lka_steers_at_normal=True))
    lka = steering[EventKind.LKA]
    assert lka.ttc_s == 0.0  # at the line, where it was told to


def test_lane_keeping_rests_below_its_speed() -> None:
    policy = AssistPolicy()
    slow = AssistInputs(
        t_s=0.0,
        speed_mps=40 * KPH,
        env=env(5000.0, left_m=0.1, lateral=0.3),
        sensitivity=Sensitivity.MAXIMUM,
    )
    assert not policy.update(slow).command.lka
