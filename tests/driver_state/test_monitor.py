"""The monitor's judgement: what can be judged, and what becomes an explicit state."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from dms.bus.enums import DmsState, GazeZone, UnresponsiveReason
from dms.driver_state.calibration import NeutralPose
from dms.driver_state.drowsiness import DrowsinessSettings, kss_points
from dms.driver_state.eyes import EyeState
from dms.driver_state.monitor import DriverMonitor, DriverState
from dms.events import EventKind
from tests.driver_state.helpers import CLOSED, DT, OPEN, Face, frames, looking

SPEED = 30.0  # m/s


def run(faces: list[Face], speed_mps: float = SPEED) -> list[DriverState]:
    monitor = DriverMonitor()
    return [monitor.update(face, speed_mps, DT) for face in faces]


def events(states: list[DriverState], kind: EventKind) -> list[float]:
    return [e.t_s for s in states for e in s.events if e.kind is kind]


def test_eyes_closed_to_sleep_to_unresponsive_with_its_reason() -> None:
    states = run(frames((10.0, OPEN), (8.0, CLOSED)))
    assert 13.0 <= events(states, EventKind.SLEEP)[0] <= 13.2
    assert states[-1].unresponsive_reason is UnresponsiveReason.EYES_CLOSED
    assert states[-1].drowsiness_level == 9


def test_looking_down_with_lowered_lids_is_not_a_closure() -> None:
    down = replace(CLOSED, head_pitch_deg=35.0, gaze_pitch_deg=60.0)
    states = run(frames((10.0, OPEN), (5.0, down), (2.0, OPEN)))
    assert events(states, EventKind.MICROSLEEP) == []
    assert states[(12 * 30)].gaze_zone is GazeZone.LAP


def test_laughing_squeezed_eyes_are_not_a_closure() -> None:
    laughing = replace(CLOSED, smile=0.85, mouth_open=0.5)
    states = run(frames((10.0, OPEN), (3.0, laughing), (2.0, OPEN)))
    assert events(states, EventKind.MICROSLEEP) == []
    assert events(states, EventKind.BLINK) == []


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
