"""Events: what the DMS and the car notice, as reports and expectations name them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dms.bus.enums import AlertKind, Chime, GazeZone

__all__ = ["Event", "EventKind"]


class EventKind(str, enum.Enum):
    """Things the DMS and the car notice, as they appear in reports and expectations."""

    BLINK = "blink"
    LONG_BLINK = "long_blink"
    MICROSLEEP = "microsleep"
    SLEEP = "sleep"
    UNRESPONSIVE = "unresponsive"
    YAWN = "yawn"
    GLANCE = "glance"
    LONG_DISTRACTION = "long_distraction"
    VATS = "vats"
    PHONE_USE = "phone_use"
    DROWSINESS_LEVEL = "drowsiness_level"
    FACE_LOST = "face_lost"
    FACE_FOUND = "face_found"
    EYES_OCCLUDED = "eyes_occluded"
    EYES_VISIBLE = "eyes_visible"
    CALIBRATED = "calibrated"
    # The car's response (the ECU and the vehicle).
    WARNING = "warning"  # an alert starts or changes: level and alert kind
    WARNING_CLEARED = "warning_cleared"
    ADAS_SENSITIVITY = "adas_sensitivity"  # forward-collision sensitivity changes: level
    MRM_STARTED = "mrm_started"
    MRM_CANCELLED = "mrm_cancelled"
    STANDSTILL = "standstill"
    HAZARDS_ON = "hazards_on"
    ECALL = "ecall"
    LOCKOUT = "lockout"
    DMS_UNAVAILABLE = "dms_unavailable"
    DMS_AVAILABLE = "dms_available"
    VEHICLE_UNAVAILABLE = "vehicle_unavailable"  # VEH_State timed out or E2E-invalid
    VEHICLE_AVAILABLE = "vehicle_available"
    # The car's driver assistance (ECU) and what happened on the road (the simulator).
    FCW = "fcw"  # a forward collision warning starts: the time to collision then
    AEB = "aeb"  # autonomous emergency braking starts: the time to collision then
    LDW = "ldw"  # a lane departure warning starts: the time to line crossing then
    LKA = "lka"  # lane keeping steers the car back: the time to line crossing then
    COLLISION = "collision"  # the car hits the target: impact speed and overlap
    AVOIDED = "avoided"  # the car stopped closing on the target: the distance left
    LANE_DEPARTURE = "lane_departure"  # the car's side went over a line: how far, at most


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened at ``t_s``. Optional details depend on the kind: a glance
    has its zone and duration, a drowsiness level change its level."""

    t_s: float
    kind: EventKind
    duration_s: float | None = None
    zone: GazeZone | None = None
    level: int | None = None
    reason: str | None = None
    alert: AlertKind | None = None  # for warnings
    chime: Chime | None = None  # a warning's acoustic pattern
    speed_kph: float | None = None  # a collision's impact speed
    distance_m: float | None = None  # over the line, or left to the target
    overlap_pct: float | None = None  # a collision's overlap of the car's front
    ttc_s: float | None = None  # time to collision (FCW, AEB) or to line crossing (LKA)

    def as_dict(self) -> dict[str, object]:
        record: dict[str, object] = {"t_s": round(self.t_s, 3), "kind": self.kind.value}
        if self.duration_s is not None:
            record["duration_s"] = round(self.duration_s, 3)
        if self.zone is not None:
            record["zone"] = self.zone.name.lower()
        if self.level is not None:
            record["level"] = self.level
        if self.reason is not None:
            record["reason"] = self.reason
        if self.alert is not None:
            record["alert"] = self.alert.name.lower()
        if self.chime is not None:
            record["chime"] = self.chime.name.lower()
        for key in ("speed_kph", "distance_m", "overlap_pct", "ttc_s"):
            value = getattr(self, key)
            if value is not None:
                record[key] = round(value, 2)
        return record
