"""The message catalog: the single source of truth for everything on the bus.

Each class below is one CAN FD message. Field order is wire order. ``dms bus catalog``
and ``docs/bus.md`` are generated from these declarations.

IDs: lower is more urgent on CAN, so the ECU's commands (0x0A0…) win arbitration over
the DMS metadata (0x100…) and the vehicle state (0x200).
Left/right are always the driver's own. Angles: yaw positive to the driver's left,
pitch positive head down, roll positive toward the driver's right shoulder.
"""

from __future__ import annotations

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
from dms.bus.signals import (
    Message,
    MessageSpec,
    bitfield,
    enumerated,
    flag,
    integer,
    message,
    scaled,
)
from dms.errors import ConfigError

__all__ = [
    "BY_ID",
    "BY_NAME",
    "CATALOG",
    "DmsDistraction",
    "DmsDrowsiness",
    "DmsFaceState",
    "DmsStatus",
    "EcuAdas",
    "EcuAssist",
    "EcuHmi",
    "EcuMrm",
    "VehEnv",
    "VehState",
    "spec_named",
]


@message(name="ECU_Mrm", can_id=0x0A0, period_ms=50, sender="ecu")
class EcuMrm(Message):
    """Minimal-risk manoeuvre command from the ECU to the vehicle."""

    state: MrmState = enumerated(MrmState, doc="manoeuvre phase")
    target_decel_mps2: float = scaled(0, 10, factor=0.01, doc="commanded deceleration")
    target_lane: int = integer(0, 15, doc="lane to stop in (0 = rightmost)")
    hazard_request: bool = flag("hazard lights requested")
    ecall: bool = flag("emergency call placed")


@message(name="ECU_Hmi", can_id=0x0A1, period_ms=100, sender="ecu")
class EcuHmi(Message):
    """What the instrument cluster must show and sound."""

    alert_level: AlertLevel = enumerated(AlertLevel, doc="escalation level 0-3")
    alert_kind: AlertKind = enumerated(AlertKind, doc="why the driver is warned")
    chime: Chime = enumerated(Chime, doc="acoustic pattern")
    haptic: bool = flag("seat / wheel vibration")
    dms_unavailable: bool = flag("DMS unavailable telltale")
    lockout: bool = flag("assisted driving locked out until the next ignition cycle")
    level3_count: int = integer(0, 255, doc="level-3 alerts this ignition cycle")


@message(name="ECU_Adas", can_id=0x0A2, period_ms=100, sender="ecu")
class EcuAdas(Message):
    """ADAS settings the ECU derives from the driver's state."""

    fcw_sensitivity: Sensitivity = enumerated(Sensitivity, doc="forward collision warning")
    ldw_sensitivity: Sensitivity = enumerated(Sensitivity, doc="lane departure warning")
    brake_prefill: bool = flag("brakes pre-filled for a faster AEB response")
    assist_available: bool = flag("assisted driving may be engaged")
    fallback: Fallback = enumerated(Fallback, doc="driver monitoring used instead of the DMS")


@message(name="ECU_Assist", can_id=0x0A3, period_ms=100, sender="ecu")
class EcuAssist(Message):
    """Driver assistance commands: forward collision warning, AEB and lane keeping. Sent
    every period and at once on any change."""

    fcw: bool = flag("forward collision warning sounding")
    ldw: bool = flag("lane departure warning sounding")
    aeb_decel_mps2: float = scaled(0, 10, factor=0.01, doc="autonomous braking (0: none)")
    lka: bool = flag("lane keeping steering the car back")
    lka_lateral_mps: float = scaled(
        -2, 2, factor=0.01, raw="i16", doc="lateral speed lane keeping steers to (+ left)"
    )


@message(name="DMS_FaceState", can_id=0x100, period_ms=33, sender="dms")
class DmsFaceState(Message):
    """Per-frame metadata: what the camera module sees. Sent once per camera frame."""

    face_present: bool = flag("a driver face is detected")
    confidence_prob: float = scaled(0, 1, factor=0.01, raw="u8", doc="face quality")
    eyes_visible: bool = flag("eyes can be judged (not occluded, e.g. by sunglasses)")
    eyes_closed: bool = flag("both eyes closed (with hysteresis)")
    eye_open_left_ratio: float = scaled(0, 1, factor=0.01, raw="u8", doc="0 shut, 1 open")
    eye_open_right_ratio: float = scaled(0, 1, factor=0.01, raw="u8", doc="0 shut, 1 open")
    mouth_open_ratio: float = scaled(0, 1, factor=0.01, raw="u8", doc="0 closed, 1 yawn")
    smile_ratio: float = scaled(0, 1, factor=0.01, raw="u8", doc="0 neutral, 1 broad smile")
    head_yaw_deg: float = scaled(-90, 90, factor=0.1, raw="i16", doc="+ to driver's left")
    head_pitch_deg: float = scaled(-90, 90, factor=0.1, raw="i16", doc="+ head down")
    head_roll_deg: float = scaled(-180, 180, factor=0.1, raw="i16", doc="+ to right shoulder")
    gaze_yaw_deg: float = scaled(-120, 120, factor=0.1, raw="i16", doc="+ to driver's left")
    gaze_pitch_deg: float = scaled(-90, 90, factor=0.1, raw="i16", doc="+ down")
    gaze_zone: GazeZone = enumerated(GazeZone, doc="zone the gaze falls in this frame")


@message(name="DMS_Distraction", can_id=0x101, period_ms=100, sender="dms")
class DmsDistraction(Message):
    """Visual attention: glances, long distraction, VATS, AttenD buffer, phone use."""

    distraction_level: int = integer(0, 3, doc="0 attentive, 1 glance away, 2 distracted")
    eyes_on_road: bool = flag("current glance is on the forward road")
    glance_zone: GazeZone = enumerated(GazeZone, doc="zone of the current glance")
    glance_s: float = scaled(0, 600, factor=0.01, raw="u16", doc="current glance duration")
    eyes_off_road_s: float = scaled(0, 600, factor=0.01, raw="u16", doc="continuous off road")
    vats_s: float = scaled(0, 30, factor=0.01, raw="u16", doc="off-road time in 30 s window")
    attend_buffer_s: float = scaled(0, 2, factor=0.01, raw="u8", doc="AttenD buffer")
    long_distraction: bool = flag("single glance off road beyond the speed-dependent limit")
    vats: bool = flag("visual attention time sharing limit reached")
    phone_use: bool = flag("sustained glances to the lap / phone zone")


@message(name="DMS_Drowsiness", can_id=0x102, period_ms=200, sender="dms")
class DmsDrowsiness(Message):
    """Fatigue: PERCLOS, blinks, yawns, microsleep, sleep, unresponsiveness."""

    drowsiness_level: int = integer(1, 9, doc="KSS-like 1 (alert) .. 9 (fighting sleep)")
    perclos_pct: float = scaled(0, 100, factor=0.1, raw="u16", doc="P80 over 60 s")
    perclos_valid: bool = flag("a full window has passed and enough of it could be judged")
    blink_rate_per_min: float = scaled(0, 120, factor=0.5, raw="u8", doc="last 60 s")
    blink_duration_ms: float = scaled(0, 2000, factor=1, raw="u16", doc="mean, last 60 s")
    long_blinks_per_min: int = integer(0, 255, doc="blinks > 0.15 s, last 60 s")
    eyes_closed_s: float = scaled(0, 600, factor=0.01, raw="u16", doc="current closure")
    microsleep: bool = flag("eyes closed 1-3 s")
    sleep: bool = flag("eyes closed >= 3 s")
    unresponsive: bool = flag("driver does not respond")
    unresponsive_reason: UnresponsiveReason = enumerated(UnresponsiveReason)
    yawning: bool = flag("a yawn is in progress")
    microsleep_count: int = integer(0, 65535, raw="u16", doc="since start")
    yawn_count: int = integer(0, 65535, raw="u16", doc="since start")


@message(name="DMS_Status", can_id=0x103, period_ms=100, sender="dms")
class DmsStatus(Message):
    """Health of the camera module."""

    state: DmsState = enumerated(DmsState)
    faults: DmsFault = bitfield(DmsFault)
    fps_hz: float = scaled(0, 127.5, factor=0.5, raw="u8", doc="frames processed per second")
    calibration_pct: float = scaled(0, 100, factor=1, raw="u8", doc="neutral pose / baseline")
    face_lost_s: float = scaled(0, 600, factor=0.01, raw="u16", doc="time without a face")


@message(name="VEH_State", can_id=0x200, period_ms=50, sender="vehicle")
class VehState(Message):
    """Vehicle state from the simulator (built-in, SUMO, CARLA)."""

    speed_mps: float = scaled(0, 100, factor=0.01, raw="u16")
    accel_mps2: float = scaled(-15, 15, factor=0.01, raw="i16", doc="longitudinal")
    position_m: float = scaled(0, 1_000_000, factor=0.1, raw="u32", doc="distance travelled")
    lane_index: int = integer(0, 15, doc="0 = rightmost lane")
    lane_count: int = integer(1, 15)
    lane_offset_m: float = scaled(-5, 5, factor=0.01, raw="i16", doc="+ left of lane centre")
    hazard_lights: bool = flag()
    turn_signal: TurnSignal = enumerated(TurnSignal)
    driver_input: DriverInput = bitfield(DriverInput)
    ignition_on: bool = flag()
    assist_engaged: bool = flag("assisted driving active")


@message(name="VEH_Env", can_id=0x201, period_ms=50, sender="vehicle")
class VehEnv(Message):
    """What the car's forward radar and lane camera see."""

    target: TargetKind = enumerated(TargetKind, doc="ahead in the ego lane")
    target_range_m: float = scaled(0, 600, factor=0.01, raw="u16", doc="bumper to bumper")
    target_closing_mps: float = scaled(
        -80, 80, factor=0.01, raw="i16", doc="+ closing in on the target"
    )
    target_overlap_pct: int = integer(0, 100, doc="of the car's front")
    line_left: LineType = enumerated(LineType)
    line_right: LineType = enumerated(LineType)
    line_left_m: float = scaled(
        -10, 10, factor=0.01, raw="i16", doc="car's side to the left line; < 0 over it"
    )
    line_right_m: float = scaled(
        -10, 10, factor=0.01, raw="i16", doc="car's side to the right line; < 0 over it"
    )
    lateral_speed_mps: float = scaled(-5, 5, factor=0.01, raw="i16", doc="+ to the left")
    collision: bool = flag("the car has hit the target")


#: Every message, in CAN ID order.
CATALOG: tuple[MessageSpec, ...] = tuple(
    sorted(
        (
            cls.SPEC
            for cls in (
                EcuMrm,
                EcuHmi,
                EcuAdas,
                EcuAssist,
                DmsFaceState,
                DmsDistraction,
                DmsDrowsiness,
                DmsStatus,
                VehState,
                VehEnv,
            )
        ),
        key=lambda spec: spec.can_id,
    )
)

BY_ID: dict[int, MessageSpec] = {spec.can_id: spec for spec in CATALOG}
BY_NAME: dict[str, MessageSpec] = {spec.name: spec for spec in CATALOG}

if len(BY_ID) != len(CATALOG) or len(BY_NAME) != len(CATALOG):
    raise ConfigError("the catalog holds a duplicate CAN ID or message name")


def spec_named(name: str) -> MessageSpec:
    """The catalog entry called ``name``; a :class:`ConfigError` names the unknown one."""
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(BY_NAME)
        raise ConfigError(f"no message {name!r} in the catalog (known: {known})") from None
