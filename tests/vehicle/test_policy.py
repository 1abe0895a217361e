"""The ECU's response policy, step by step on a simulated clock."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dms.bus import DmsDistraction, DmsDrowsiness, DmsStatus, VehState
from dms.bus.enums import (
    AlertKind,
    AlertLevel,
    Chime,
    DmsState,
    DriverInput,
    Fallback,
    GazeZone,
    MrmState,
    Sensitivity,
    UnresponsiveReason,
)
from dms.driver_state.cabin import Cabin
from dms.events import Event, EventKind
from dms.vehicle.policy import EcuInputs, EcuOutputs, EcuPolicy, EcuSettings
from tests.messages import ACTIVE, ALERT, CAR, ON_ROAD

DT = 0.05
LONG = replace(
    ON_ROAD,
    distraction_level=2,
    eyes_on_road=False,
    glance_zone=GazeZone.INFOTAINMENT,
    glance_s=3.0,
    eyes_off_road_s=3.0,
    vats_s=3.0,
    attend_buffer_s=0.0,
    long_distraction=True,
)
STATUS = ACTIVE


def drive(
    policy: EcuPolicy,
    seconds: float,
    start: float,
    *,
    distraction: DmsDistraction = ON_ROAD,
    drowsiness: DmsDrowsiness = ALERT,
    vehicle: VehState = CAR,
    dms_ok: bool = True,
    status: DmsStatus = ACTIVE,
) -> tuple[list[Event], EcuOutputs]:
    events: list[Event] = []
    out = None
    for k in range(round(seconds / DT)):
        out = policy.update(
            EcuInputs(start + k * DT, dms_ok, distraction, drowsiness, status, vehicle)
        )
        events += out.events
    assert out is not None
    return events, out


def warnings(events: list[Event]) -> list[tuple[float, int | None, AlertKind | None]]:
    return [(round(e.t_s, 2), e.level, e.alert) for e in events if e.kind is EventKind.WARNING]


def test_a_long_distraction_warns_at_once_and_escalates_while_it_lasts() -> None:
    policy = EcuPolicy()
    drive(policy, 10.0, 0.0)
    events, out = drive(policy, 3.0, 10.0, distraction=LONG)
    assert warnings(events) == [
        (10.0, 1, AlertKind.DISTRACTION),
        (11.5, 2, AlertKind.DISTRACTION),
        (12.5, 3, AlertKind.DISTRACTION),
    ]
    assert out.hmi.chime is Chime.CONTINUOUS and out.hmi.haptic
    assert out.adas.fcw_sensitivity is Sensitivity.MAXIMUM


@pytest.mark.parametrize(("chime_at_level1", "heard"), [(True, Chime.SINGLE), (False, Chime.NONE)])
def test_a_level_1_distraction_warning_is_visual_plus_acoustic_as_addw_asks(
    chime_at_level1: bool, heard: Chime
) -> None:
    policy = EcuPolicy(EcuSettings(distraction_chime_at_level1=chime_at_level1))
    drive(policy, 10.0, 0.0)
    events, out = drive(policy, 1.0, 10.0, distraction=LONG)  # level 2 comes at 1.5 s
    first = [e for e in events if e.kind is EventKind.WARNING]
    assert [(e.t_s, e.level, e.chime) for e in first] == [(10.0, 1, heard)]
    assert out.hmi.alert_level is AlertLevel.VISUAL and out.hmi.chime is heard


def test_a_warning_clears_only_after_two_seconds_eyes_on_the_road() -> None:
    policy = EcuPolicy()
    drive(policy, 1.0, 0.0, distraction=LONG)
    events, out = drive(policy, 3.0, 1.0)
    (cleared,) = [e.t_s for e in events if e.kind is EventKind.WARNING_CLEARED]
    assert 3.0 <= cleared <= 3.1
    assert out.hmi.alert_level is AlertLevel.NONE


def test_no_distraction_warning_at_10_kph_and_nothing_at_standstill() -> None:
    slow = replace(CAR, speed_mps=10 / 3.6)
    events, _ = drive(EcuPolicy(), 5.0, 0.0, distraction=LONG, vehicle=slow)
    assert warnings(events) == []
    stopped = replace(CAR, speed_mps=0.0)
    sleepy = replace(ALERT, drowsiness_level=8, microsleep=True)
    events, _ = drive(EcuPolicy(), 5.0, 0.0, distraction=LONG, drowsiness=sleepy, vehicle=stopped)
    assert warnings(events) == []


@pytest.mark.parametrize(
    ("change", "level", "kind"),
    [
        ({"drowsiness_level": 7}, 1, AlertKind.DROWSINESS_ADVISORY),
        ({"drowsiness_level": 8}, 2, AlertKind.DROWSINESS),
        ({"microsleep": True}, 2, AlertKind.DROWSINESS),
        ({"sleep": True, "eyes_closed_s": 3.0}, 3, AlertKind.DROWSINESS),
    ],
)
def test_drowsiness_warnings_follow_ddaw(
    change: dict[str, object], level: int, kind: AlertKind
) -> None:
    events, _ = drive(EcuPolicy(), 1.0, 0.0, drowsiness=replace(ALERT, **change))  # type: ignore[arg-type]
    assert warnings(events) == [(0.0, level, kind)]


def eyes_closed_unresponsive() -> DmsDrowsiness:
    return replace(
        ALERT,
        sleep=True,
        unresponsive=True,
        unresponsive_reason=UnresponsiveReason.EYES_CLOSED,
        eyes_closed_s=6.0,
    )


def test_an_unresponsive_driver_gets_an_mrm_within_a_second_lane_change_first() -> None:
    policy = EcuPolicy()
    events, out = drive(policy, 1.0, 0.0, drowsiness=eyes_closed_unresponsive())
    (started,) = [e for e in events if e.kind is EventKind.MRM_STARTED]
    assert started.t_s <= 1.0
    assert out.mrm.state is MrmState.LANE_CHANGE and out.mrm.hazard_request
    assert out.hmi.alert_kind is AlertKind.UNRESPONSIVE and out.hmi.alert_level is AlertLevel.URGENT
    _, out = drive(
        policy, 0.5, 1.0, drowsiness=eyes_closed_unresponsive(), vehicle=replace(CAR, lane_index=0)
    )
    assert out.mrm.state is MrmState.DECELERATING
    assert 2.0 <= out.mrm.target_decel_mps2 <= 3.0
    stopped = replace(CAR, lane_index=0, speed_mps=0.0)
    events, out = drive(policy, 3.0, 1.5, drowsiness=eyes_closed_unresponsive(), vehicle=stopped)
    kinds = [e.kind for e in events]
    assert EventKind.STANDSTILL in kinds and EventKind.ECALL in kinds
    assert out.mrm.state is MrmState.STANDSTILL and out.mrm.ecall


def test_a_clear_takeover_cancels_the_mrm_before_standstill_but_not_after() -> None:
    takeover = replace(CAR, driver_input=DriverInput.STEERING | DriverInput.ACCELERATOR)
    policy = EcuPolicy()
    drive(policy, 1.0, 0.0, drowsiness=eyes_closed_unresponsive())
    events, out = drive(policy, 1.0, 1.0, vehicle=takeover)
    assert [e.kind for e in events if e.kind is EventKind.MRM_CANCELLED]
    assert out.mrm.state is MrmState.CANCELLED and not out.mrm.hazard_request
    policy = EcuPolicy()
    drive(
        policy, 1.0, 0.0, drowsiness=eyes_closed_unresponsive(), vehicle=replace(CAR, lane_index=0)
    )
    drive(
        policy,
        1.0,
        1.0,
        drowsiness=eyes_closed_unresponsive(),
        vehicle=replace(CAR, lane_index=0, speed_mps=0.0),
    )
    _, out = drive(policy, 2.0, 2.0, vehicle=replace(takeover, speed_mps=0.0))
    assert out.mrm.state is MrmState.STANDSTILL


def test_a_steering_touch_alone_is_not_a_takeover() -> None:
    policy = EcuPolicy()
    drive(policy, 1.0, 0.0, drowsiness=eyes_closed_unresponsive())
    _, out = drive(policy, 2.0, 1.0, drowsiness=eyes_closed_unresponsive())
    assert out.mrm.state is MrmState.LANE_CHANGE


@pytest.mark.parametrize(
    "reason",
    [UnresponsiveReason.EYES_CLOSED, UnresponsiveReason.GAZE_AWAY, UnresponsiveReason.HEAD_DOWN],
)
def test_the_mrm_starts_within_1_s_of_the_dms_unresponsive_classification(
    reason: UnresponsiveReason,
) -> None:
    """Euro NCAP: the emergency function within a second, whatever the reason."""
    policy = EcuPolicy()
    drive(policy, 10.0, 0.0)
    unresponsive = replace(ALERT, unresponsive=True, unresponsive_reason=reason)
    events, _ = drive(policy, 2.0, 10.0, drowsiness=unresponsive)
    (started,) = [e.t_s for e in events if e.kind is EventKind.MRM_STARTED]
    assert 10.0 <= started <= 11.0


def test_an_urgent_phone_warning_alone_never_stops_the_car() -> None:
    """A driver glued to the phone despite an urgent warning is distracted: Euro NCAP's
    phone-use tests expect warnings and support, not an emergency stop; the DMS calls the
    driver unresponsive once the gaze has been away 6 s."""
    policy = EcuPolicy()
    drive(policy, 10.0, 0.0)
    phone = replace(LONG, phone_use=True)
    events, out = drive(policy, 20.0, 10.0, distraction=phone)
    assert (12.5, 3, AlertKind.PHONE_USE) in warnings(events)
    assert not [e for e in events if e.kind in (EventKind.UNRESPONSIVE, EventKind.MRM_STARTED)]
    assert out.mrm.state is MrmState.INACTIVE


def test_three_urgent_alerts_lock_out_assisted_driving_until_the_next_ignition() -> None:
    sleeping = replace(ALERT, sleep=True)
    policy = EcuPolicy()
    t = 0.0
    lockouts = []
    for _ in range(3):
        events, out = drive(policy, 1.0, t, drowsiness=sleeping)
        lockouts += [e for e in events if e.kind is EventKind.LOCKOUT]
        t += 1.0
        drive(policy, 10.0, t)  # awake again: the alert stands its minimum, then clears
        t += 10.0
    assert len(lockouts) == 1
    _, out = drive(policy, 0.5, t)
    assert out.hmi.lockout and not out.adas.assist_available and out.hmi.level3_count == 3
    drive(policy, 1.0, t + 1.0, vehicle=replace(CAR, ignition_on=False, speed_mps=0.0))
    _, out = drive(policy, 1.0, t + 2.0)
    assert not out.hmi.lockout and out.adas.assist_available


def test_dms_unavailable_is_a_telltale_with_a_fallback_and_no_stale_warnings() -> None:
    policy = EcuPolicy()
    events, out = drive(policy, 5.0, 0.0, distraction=LONG, dms_ok=False)
    assert [e.kind for e in events][:1] == [EventKind.DMS_UNAVAILABLE]
    assert warnings(events) == [(0.0, 1, AlertKind.DMS_UNAVAILABLE)]
    assert out.hmi.dms_unavailable and out.adas.fallback is Fallback.HANDS_ON_WHEEL
    assert out.adas.fcw_sensitivity is Sensitivity.HIGH
    hands_off = replace(CAR, driver_input=DriverInput.NONE)
    events, out = drive(policy, 31.0, 5.0, vehicle=hands_off, dms_ok=False)
    assert warnings(events) == [(20.0, 2, AlertKind.HANDS_OFF), (35.0, 3, AlertKind.HANDS_OFF)]
    events, out = drive(policy, 1.0, 36.0)
    assert EventKind.DMS_AVAILABLE in [e.kind for e in events] and not out.hmi.dms_unavailable


def test_a_sensor_fault_status_is_dms_unavailable() -> None:
    policy = EcuPolicy()
    out = policy.update(
        EcuInputs(0.0, True, ON_ROAD, ALERT, replace(STATUS, state=DmsState.SENSOR_FAULT), CAR)
    )
    assert out.hmi.dms_unavailable and EventKind.DMS_UNAVAILABLE in [e.kind for e in out.events]


HANDS_OFF = replace(CAR, driver_input=DriverInput.NONE)
NOT_VISIBLE = replace(ACTIVE, state=DmsState.DRIVER_NOT_VISIBLE)
EYES_HIDDEN = replace(ACTIVE, state=DmsState.EYES_NOT_VISIBLE)


def test_a_driver_out_of_view_is_told_within_10_s_and_the_hands_are_watched() -> None:
    policy = EcuPolicy()
    drive(policy, 10.0, 0.0)
    events, out = drive(policy, 60.0, 10.0, status=NOT_VISIBLE)  # hands on the wheel
    assert warnings(events) == [(15.0, 1, AlertKind.DRIVER_NOT_VISIBLE)]  # 0-10 s after
    assert out.adas.fallback is Fallback.HANDS_ON_WHEEL and not out.hmi.dms_unavailable
    assert out.adas.fcw_sensitivity is Sensitivity.HIGH
    assert not [e for e in events if e.kind is EventKind.MRM_STARTED]


def test_out_of_view_with_the_hands_off_escalates_to_an_mrm() -> None:
    policy = EcuPolicy()
    drive(policy, 10.0, 0.0)
    events, out = drive(policy, 16.0, 10.0, status=NOT_VISIBLE, vehicle=HANDS_OFF)
    assert warnings(events)[:3] == [
        (15.0, 1, AlertKind.DRIVER_NOT_VISIBLE),  # told first, then the wheel is watched
        (18.0, 2, AlertKind.HANDS_OFF),
        (21.0, 3, AlertKind.HANDS_OFF),
    ]
    (classified,) = [e for e in events if e.kind is EventKind.UNRESPONSIVE]
    assert classified.reason == "no_response" and 23.9 <= classified.t_s <= 24.1
    (started,) = [e.t_s for e in events if e.kind is EventKind.MRM_STARTED]
    assert classified.t_s <= started <= classified.t_s + 1.0
    assert out.mrm.state in (MrmState.LANE_CHANGE, MrmState.DECELERATING)


def test_behind_dark_lenses_head_based_warnings_still_show_over_the_notice() -> None:
    policy = EcuPolicy()
    drive(policy, 10.0, 0.0)
    events, _ = drive(policy, 6.0, 10.0, status=EYES_HIDDEN)
    events += drive(policy, 3.0, 16.0, status=EYES_HIDDEN, distraction=LONG)[0]
    assert warnings(events)[:3] == [
        (15.0, 1, AlertKind.EYES_NOT_VISIBLE),
        (16.0, 1, AlertKind.DISTRACTION),
        (17.5, 2, AlertKind.DISTRACTION),
    ]


def test_behind_dark_lenses_with_the_hands_off_r79_timing_applies() -> None:
    policy = EcuPolicy()
    drive(policy, 10.0, 0.0)
    events, _ = drive(policy, 40.0, 10.0, status=EYES_HIDDEN, vehicle=HANDS_OFF)
    assert warnings(events)[:3] == [
        (15.0, 1, AlertKind.EYES_NOT_VISIBLE),
        (30.0, 2, AlertKind.HANDS_OFF),
        (45.0, 3, AlertKind.HANDS_OFF),
    ]
    (started,) = [e.t_s for e in events if e.kind is EventKind.MRM_STARTED]
    assert 48.0 <= started <= 49.0


def test_a_right_hand_drive_mrm_stops_in_the_leftmost_lane() -> None:
    policy = EcuPolicy(cabin=Cabin(drive_side="right"))
    sleeping = replace(ALERT, unresponsive=True, unresponsive_reason=UnresponsiveReason.EYES_CLOSED)
    _, out = drive(policy, 2.0, 0.0, drowsiness=sleeping)
    assert out.mrm.state is MrmState.LANE_CHANGE and out.mrm.target_lane == 2
    _, out = drive(policy, 1.0, 2.0, drowsiness=sleeping, vehicle=replace(CAR, lane_index=2))
    assert out.mrm.state is MrmState.DECELERATING


def _mirror(off_road_s: float, buffer_s: float = 1.0) -> DmsDistraction:
    """A look in the left mirror, ``off_road_s`` long so far: driving, nothing flagged."""
    return replace(
        ON_ROAD,
        eyes_on_road=False,
        glance_zone=GazeZone.MIRROR_LEFT,
        glance_s=off_road_s,
        eyes_off_road_s=off_road_s,
        attend_buffer_s=buffer_s,
    )


def test_a_long_mirror_glance_raises_the_adas_silently_from_2_s_off_the_road() -> None:
    policy = EcuPolicy()
    seen = []
    for k in range(60):  # a 3 s mirror glance at 100 km/h, in 50 ms steps
        off_road_s = k * DT
        events, out = drive(policy, DT, 10.0 + off_road_s, distraction=_mirror(off_road_s))
        assert not warnings(events)  # a driving task: no warning is due
        seen.append((off_road_s, out.adas.fcw_sensitivity))
    raised = [t for t, sensitivity in seen if sensitivity is Sensitivity.HIGH]
    assert raised and 2.0 <= raised[0] <= 2.1
    assert all(sensitivity is Sensitivity.NORMAL for t, sensitivity in seen if t < 2.0)
    _, back = drive(policy, 0.5, 13.0)  # eyes back on the road
    assert back.adas.fcw_sensitivity is Sensitivity.NORMAL


def test_short_glances_that_empty_the_attend_buffer_raise_it_too() -> None:
    _, out = drive(EcuPolicy(), 0.5, 10.0, distraction=_mirror(1.0, buffer_s=0.0))
    assert out.adas.fcw_sensitivity is Sensitivity.HIGH
    _, slow = drive(
        EcuPolicy(), 0.5, 10.0, distraction=_mirror(3.0), vehicle=replace(CAR, speed_mps=3.0)
    )
    assert slow.adas.fcw_sensitivity is Sensitivity.NORMAL  # below the warning speed gate
