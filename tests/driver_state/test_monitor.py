"""The monitor's judgement: what can be judged, and what becomes an explicit state."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from dms.bus.enums import DmsState, GazeZone, UnresponsiveReason
from dms.driver_state.cabin import Cabin
from dms.driver_state.calibration import NeutralPose
from dms.driver_state.drowsiness import DrowsinessSettings, kss_points
from dms.driver_state.eyes import EyeState
from dms.driver_state.monitor import DriverMonitor, DriverState, MonitorSettings
from dms.events import EventKind
from tests.driver_state.helpers import CLOSED, DT, OPEN, Face, frames, looking

SPEED = 30.0  # m/s


def run(faces: list[Face], speed_mps: float = SPEED) -> list[DriverState]:
    """The monitor over frames, each frame's duration from the frame times (as the module
    gives it)."""
    monitor, states, last = DriverMonitor(), [], None
    for face in faces:
        dt = DT if last is None else face.t_s - last
        states.append(monitor.update(face, speed_mps, dt))
        last = face.t_s
    return states


def events(states: list[DriverState], kind: EventKind) -> list[float]:
    return [e.t_s for s in states for e in s.events if e.kind is kind]


def test_eyes_closed_to_sleep_to_unresponsive_with_its_reason() -> None:
    states = run(frames((10.0, OPEN), (8.0, CLOSED)))
    assert 12.96 <= events(states, EventKind.SLEEP)[0] <= 13.2
    assert states[-1].unresponsive_reason is UnresponsiveReason.EYES_CLOSED
    assert states[-1].drowsiness_level == 9


def test_looking_at_the_lap_with_lowered_lids_is_distraction_not_a_closure() -> None:
    """The features read lowered lids with the iris in view as open (not closed), however
    low the openness: the monitor then sees a phone glance, not a microsleep."""
    down = replace(OPEN, eye_open_left=0.1, eye_open_right=0.1, head_pitch_deg=35.0)
    down = replace(down, gaze_pitch_deg=60.0)
    states = run(frames((10.0, OPEN), (5.0, down), (2.0, OPEN)))
    assert events(states, EventKind.MICROSLEEP) == []
    assert states[12 * 30].gaze_zone is GazeZone.LAP
    (long,) = events(states, EventKind.LONG_DISTRACTION)
    assert 13.0 <= long <= 13.1
    assert states[14 * 30].eyes.perclos_pct == 0.0  # lowered lids are not P80-shut


@pytest.mark.parametrize("pitch_deg", [20.0, 28.0, 35.0])
def test_a_drooped_head_with_shut_eyes_is_a_microsleep_after_1_s(pitch_deg: float) -> None:
    nod = replace(CLOSED, head_pitch_deg=pitch_deg, gaze_pitch_deg=pitch_deg)
    states = run(frames((10.0, OPEN), (2.0, nod), (3.0, OPEN)))
    (microsleep,) = events(states, EventKind.MICROSLEEP)
    assert 10.96 <= microsleep <= 11.1
    assert events(states, EventKind.SLEEP) == []
    states = run(frames((10.0, OPEN), (12.0, nod), (3.0, OPEN)))
    (sleep,) = events(states, EventKind.SLEEP)
    # shut eyes look nowhere: no glance at the lap, no gaze-away
    assert events(states, EventKind.LONG_DISTRACTION) == []
    assert {e.reason for s in states for e in s.events if e.kind is EventKind.UNRESPONSIVE} == {
        "eyes_closed"
    }
    assert 12.96 <= sleep <= 13.1


def test_laughing_squeezes_the_eyes_for_a_second_without_a_verdict() -> None:
    laughing = replace(CLOSED, smile=0.85, mouth_open=0.5)
    states = run(frames((10.0, OPEN), (1.2, laughing), (2.0, OPEN)))
    assert events(states, EventKind.MICROSLEEP) == []
    assert events(states, EventKind.BLINK) == []
    assert events(states, EventKind.LONG_BLINK) == []


def test_a_closure_past_1_5_s_counts_whatever_the_mouth_does() -> None:
    grimace = replace(CLOSED, smile=0.85, mouth_open=0.3)
    states = run(frames((10.0, OPEN), (5.6, grimace), (2.0, OPEN)))
    assert not any(s.eyes.microsleep for s in states if s.t_s < 11.45)  # no flag while excused
    (microsleep,) = events(states, EventKind.MICROSLEEP)
    (sleep,) = events(states, EventKind.SLEEP)
    assert 11.45 <= microsleep <= 11.6  # excused until 1.5 s, then a microsleep at once
    assert 12.96 <= sleep <= 13.1  # the closure counts from its start
    assert any(s.drowsiness_level == 9 for s in states)


def test_face_lost_is_an_explicit_state_after_half_a_second() -> None:
    gone = Face(face_present=False, eyes_visible=False)
    states = run(frames((10.0, OPEN), (3.0, gone), (2.0, OPEN)))
    assert events(states, EventKind.FACE_LOST) == [pytest.approx(10.5 - DT, abs=0.04)]
    assert events(states, EventKind.FACE_FOUND) == [pytest.approx(13.0, abs=0.04)]
    assert states[(12 * 30)].dms_state is DmsState.DRIVER_NOT_VISIBLE
    assert states[-1].dms_state is not DmsState.DRIVER_NOT_VISIBLE
    assert events(states, EventKind.MICROSLEEP) == []  # no verdict on eyes it could not see


def test_a_single_lost_frame_is_not_face_lost() -> None:
    gone = Face(face_present=False, eyes_visible=False)
    states = run(frames((5.0, OPEN), (DT, gone), (5.0, OPEN)))
    assert events(states, EventKind.FACE_LOST) == []


def test_occluded_eyes_are_an_explicit_state_and_gaze_falls_back_to_the_head() -> None:
    shades = Face(
        eyes_visible=False,
        eyes_closed=True,
        head_yaw_deg=-30.0,
        head_pitch_deg=25.0,
        gaze_yaw_deg=0.0,
    )
    states = run(frames((10.0, OPEN), (4.0, shades)))
    assert 10.9 <= events(states, EventKind.EYES_OCCLUDED)[0] <= 11.05
    assert states[-1].dms_state is DmsState.EYES_NOT_VISIBLE
    assert states[-1].gaze_zone is GazeZone.INFOTAINMENT  # from the head pose alone
    assert events(states, EventKind.MICROSLEEP) == []


def test_a_long_infotainment_glance_while_driving() -> None:
    states = run(frames((10.0, OPEN), (3.5, looking(-31.0, 26.0)), (3.0, OPEN)))
    (t,) = events(states, EventKind.LONG_DISTRACTION)
    assert 13.0 <= t <= 13.1


def test_calibration_learns_the_drivers_own_road_ahead() -> None:
    neutral = NeutralPose()
    for i in range(70 * 30):
        sway = 2.0 * math.sin(i / 40.0)
        glance = (-35.0, 20.0) if i % 600 < 40 else (4.0 + sway, 9.0)  # road at (4, 9)
        yaw, pitch = neutral.update(glance[0], glance[1], usable=True, dt_s=DT)
    assert neutral.calibrated
    assert yaw == pytest.approx(4.0, abs=1.0) and pitch == pytest.approx(9.0, abs=1.0)


def test_calibration_forgets_the_old_driver_within_a_few_minutes() -> None:
    """A bumped camera (or another driver): the road moves from (4, 9) to (-8, 2)."""
    neutral = NeutralPose()
    for i in range(300 * 30):
        neutral.update(4.0 + math.sin(i / 40.0), 9.0, usable=True, dt_s=DT)
    assert neutral.yaw_deg == pytest.approx(4.0, abs=1.0)
    assert neutral.pitch_deg == pytest.approx(9.0, abs=1.0)
    moved_at = None
    for i in range(300 * 30):
        yaw, pitch = neutral.update(-8.0 + math.sin(i / 40.0), 2.0, usable=True, dt_s=DT)
        if moved_at is None and abs(yaw + 8.0) < 1.0 and abs(pitch - 2.0) < 1.0:
            moved_at = i * DT
    assert moved_at is not None and moved_at <= 180.0  # a capped memory: 180 s * ln 2 + a bit


def test_a_long_early_look_at_a_screen_is_not_learnt_as_the_road() -> None:
    neutral = NeutralPose()
    for _ in range(15 * 30):
        yaw, pitch = neutral.update(-35.0, 22.0, usable=True, dt_s=DT)  # infotainment
        assert (yaw, pitch) == (0.0, 0.0)
    for i in range(60 * 30):
        yaw, pitch = neutral.update(3.0 + math.sin(i / 40.0), 8.0, usable=True, dt_s=DT)
    assert yaw == pytest.approx(3.0, abs=1.0) and pitch == pytest.approx(8.0, abs=1.0)


def test_an_off_axis_camera_gives_the_road_zone_before_calibration() -> None:
    """A camera 25 degrees to the driver's right reads a driver looking ahead at yaw +25:
    with the mounting set, that is the road from the first frame, and no warning comes."""
    cabin = Cabin(camera_yaw_deg=-25.0)
    ahead = replace(OPEN, head_yaw_deg=25.0, gaze_yaw_deg=25.0)
    monitor = DriverMonitor(MonitorSettings(cabin=cabin))
    states = [
        monitor.update(face, 0.0 if face.t_s < 10 else SPEED, DT) for face in frames((30.0, ahead))
    ]
    assert all(state.gaze_zone is GazeZone.ROAD for state in states)
    assert events(states, EventKind.LONG_DISTRACTION) == []
    unmounted = run(frames((30.0, ahead)))
    assert unmounted[30].gaze_zone is not GazeZone.ROAD  # the same face, mounting unset


def test_a_camera_stall_is_not_charged_to_closed_eyes() -> None:
    """Frames stop for 2 s while the eyes are shut: the closure is not 2 s longer."""
    shut = frames((10.0, OPEN), (0.8, CLOSED))
    after = frames((0.8, CLOSED), (2.0, OPEN), start_s=12.8)
    states = run(shut + after)
    assert events(states, EventKind.MICROSLEEP) == []
    assert max(s.eyes.closed_s for s in states) < 1.0


def test_calibration_waits_for_driving() -> None:
    neutral = NeutralPose()
    for _ in range(90 * 30):
        neutral.update(10.0, 10.0, usable=False, dt_s=DT)
    assert neutral.progress == 0.0 and (neutral.yaw_deg, neutral.pitch_deg) == (0.0, 0.0)


@pytest.mark.parametrize(
    ("perclos", "blink_ms", "yawns", "level"),
    [
        (3.0, 100.0, 0, 2),  # alert
        (8.0, 100.0, 0, 3),
        (12.0, 180.0, 0, 5),
        (12.0, 180.0, 1, 6),
        (16.0, 250.0, 1, 8),  # DDAW must warn
        (30.0, 350.0, 3, 11),  # before clipping to 9
    ],
)
def test_the_kss_like_points(perclos: float, blink_ms: float, yawns: int, level: int) -> None:
    eyes = EyeState(perclos_pct=perclos, perclos_valid=True, blink_duration_ms=blink_ms)
    assert kss_points(eyes, yawns, DrowsinessSettings()) == level
