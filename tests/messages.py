"""Catalog messages of a calm drive, built by signal name: the tests' starting points.

Tests derive the situation they need with ``dataclasses.replace``; by name, so a signal
added to the catalog does not shift the others.
"""

from __future__ import annotations

from dms.bus import DmsDistraction, DmsDrowsiness, DmsFaceState, DmsStatus, VehState
from dms.bus.enums import DmsFault, DmsState, DriverInput, GazeZone, TurnSignal, UnresponsiveReason

#: An alert driver's face, looking at the road.
FACE = DmsFaceState(
    face_present=True,
    confidence_prob=0.95,
    eyes_visible=True,
    eyes_closed=False,
    eye_open_left_ratio=0.9,
    eye_open_right_ratio=0.9,
    mouth_open_ratio=0.05,
    smile_ratio=0.1,
    head_yaw_deg=0.0,
    head_pitch_deg=0.0,
    head_roll_deg=0.0,
    gaze_yaw_deg=0.0,
    gaze_pitch_deg=0.0,
    gaze_zone=GazeZone.ROAD,
)
#: Eyes on the road, nothing flagged.
ON_ROAD = DmsDistraction(
    distraction_level=0,
    eyes_on_road=True,
    glance_zone=GazeZone.ROAD,
    glance_s=5.0,
    eyes_off_road_s=0.0,
    vats_s=0.0,
    attend_buffer_s=2.0,
    long_distraction=False,
    vats=False,
    phone_use=False,
)
#: An alert driver: KSS-like 2, a valid PERCLOS of 3 %.
ALERT = DmsDrowsiness(
    drowsiness_level=2,
    perclos_pct=3.0,
    perclos_valid=True,
    blink_rate_per_min=15.0,
    blink_duration_ms=100,
    long_blinks_per_min=0,
    eyes_closed_s=0.0,
    microsleep=False,
    sleep=False,
    unresponsive=False,
    unresponsive_reason=UnresponsiveReason.NONE,
    yawning=False,
    microsleep_count=0,
    yawn_count=0,
)
#: The camera module calibrated and watching.
ACTIVE = DmsStatus(
    state=DmsState.ACTIVE,
    faults=DmsFault.NONE,
    fps_hz=30.0,
    calibration_pct=100,
    face_lost_s=0.0,
)
#: 100 km/h in the middle of three lanes, hands on the wheel.
CAR = VehState(
    speed_mps=27.8,
    accel_mps2=0.0,
    position_m=1000.0,
    lane_index=1,
    lane_count=3,
    lane_offset_m=0.0,
    hazard_lights=False,
    turn_signal=TurnSignal.OFF,
    driver_input=DriverInput.STEERING,
    ignition_on=True,
    assist_engaged=True,
)
