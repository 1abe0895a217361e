"""One realistic message of each catalog entry: a driver glancing at the infotainment
screen at motorway speed. Used by ``dms bus demo``, the benchmark and tests."""

from __future__ import annotations

from dms.bus.catalog import (
    DmsDistraction,
    DmsDrowsiness,
    DmsFaceState,
    DmsStatus,
    EcuAdas,
    EcuAssist,
    EcuHmi,
    EcuMrm,
    VehEnv,
    VehState,
)
from dms.bus.enums import (
    AlertKind,
    AlertLevel,
    Chime,
    DmsFault,
    DmsState,
    DriverInput,
    Fallback,
    GazeZone,
    LineType,
    MrmState,
    Sensitivity,
    TargetKind,
    TurnSignal,
    UnresponsiveReason,
)
from dms.bus.signals import Message

__all__ = ["example_messages"]


def example_messages() -> list[Message]:
    return [
        EcuMrm(MrmState.INACTIVE, 0.0, 1, False, False),
        EcuHmi(AlertLevel.VISUAL, AlertKind.DISTRACTION, Chime.NONE, False, False, False, 0),
        EcuAdas(Sensitivity.HIGH, Sensitivity.HIGH, False, True, Fallback.NONE),
        EcuAssist(fcw=True, ldw=False, aeb_decel_mps2=0.0, lka=False, lka_lateral_mps=0.0),
        DmsFaceState(
            face_present=True,
            confidence_prob=0.97,
            eyes_visible=True,
            eyes_closed=False,
            eye_open_left_ratio=0.86,
            eye_open_right_ratio=0.84,
            mouth_open_ratio=0.05,
            smile_ratio=0.1,
            head_yaw_deg=-28.4,
            head_pitch_deg=14.2,
            head_roll_deg=-2.5,
            gaze_yaw_deg=-35.0,
            gaze_pitch_deg=22.5,
            gaze_zone=GazeZone.INFOTAINMENT,
        ),
        DmsDistraction(1, False, GazeZone.INFOTAINMENT, 2.4, 2.4, 6.1, 0.0, False, False, False),
        DmsDrowsiness(
            drowsiness_level=3,
            perclos_pct=4.2,
            perclos_valid=True,
            blink_rate_per_min=17.5,
            blink_duration_ms=180,
            long_blinks_per_min=1,
            eyes_closed_s=0.0,
            microsleep=False,
            sleep=False,
            unresponsive=False,
            unresponsive_reason=UnresponsiveReason.NONE,
            yawning=False,
            microsleep_count=0,
            yawn_count=1,
        ),
        DmsStatus(DmsState.ACTIVE, DmsFault.NONE, 30.0, 100, 0.0),
        VehState(
            27.8, -0.2, 15320.4, 1, 3, 0.12, False, TurnSignal.OFF, DriverInput.STEERING, True, True
        ),
        VehEnv(
            target=TargetKind.CAR,
            target_range_m=54.2,
            target_closing_mps=21.1,
            target_overlap_pct=100,
            line_left=LineType.DASHED,
            line_right=LineType.SOLID,
            line_left_m=0.61,
            line_right_m=1.09,
            lateral_speed_mps=0.24,
            collision=False,
        ),
    ]
