"""Enumerations carried on the bus. Values are wire values: append, never renumber."""

from __future__ import annotations

import enum

__all__ = [
    "AlertKind",
    "AlertLevel",
    "Chime",
    "DmsFault",
    "DmsState",
    "DriverInput",
    "Fallback",
    "GazeZone",
    "LineType",
    "MrmState",
    "Sensitivity",
    "TargetKind",
    "TurnSignal",
    "UnresponsiveReason",
]


class GazeZone(enum.IntEnum):
    """Where the driver looks (ISO 15007 style areas). Left/right are the driver's own."""

    UNKNOWN = 0  # no face, or eyes not visible
    ROAD = 1
    MIRROR_LEFT = 2
    MIRROR_RIGHT = 3
    MIRROR_REAR = 4
    CLUSTER = 5
    INFOTAINMENT = 6
    LAP = 7  # lap / phone
    WINDOW_LEFT = 8
    WINDOW_RIGHT = 9
    PASSENGER = 10
    OFF_CAMERA = 11  # beyond what the camera can resolve


class DmsState(enum.IntEnum):
    """What the camera module can say about the driver right now."""

    INIT = 0
    CALIBRATING = 1
    ACTIVE = 2
    DRIVER_NOT_VISIBLE = 3
    EYES_NOT_VISIBLE = 4
    SENSOR_FAULT = 5


class DmsFault(enum.IntFlag):
    """Fault bits of the camera module."""

    NONE = 0
    CAMERA = 1  # no frames: camera missing, busy or unplugged
    LOW_FPS = 2  # frames arrive slower than the estimators need
    MODEL = 4  # the face model failed


class UnresponsiveReason(enum.IntEnum):
    NONE = 0
    EYES_CLOSED = 1  # eyes closed for >= 6 s
    GAZE_AWAY = 2  # gaze off the road for >= 6 s
    NO_RESPONSE = 3  # no response to warnings: no return to the road, no hands on the wheel
    HEAD_DOWN = 4  # head sunk and still for >= 6 s while the eyes cannot be seen


class AlertLevel(enum.IntEnum):
    NONE = 0
    VISUAL = 1  # level 1: telltale / message
    CHIME = 2  # level 2: visual and acoustic
    URGENT = 3  # level 3: visual, acoustic and haptic; ADAS at maximum sensitivity


class AlertKind(enum.IntEnum):
    NONE = 0
    DISTRACTION = 1
    PHONE_USE = 2
    DROWSINESS_ADVISORY = 3  # "take a break"
    DROWSINESS = 4
    UNRESPONSIVE = 5
    DMS_UNAVAILABLE = 6
    DRIVER_NOT_VISIBLE = 7  # the DMS cannot see the driver (Euro NCAP non-functional notice)
    EYES_NOT_VISIBLE = 8  # ... nor the eyes (dark lenses, a cap): eye-based functions off
    HANDS_OFF = 9  # the car cannot see the driver and the hands are off the wheel


class Chime(enum.IntEnum):
    NONE = 0
    SINGLE = 1
    REPEATED = 2
    CONTINUOUS = 3


class Sensitivity(enum.IntEnum):
    NORMAL = 0
    HIGH = 1
    MAXIMUM = 2


class Fallback(enum.IntEnum):
    """How the ECU watches the driver when the DMS cannot."""

    NONE = 0
    HANDS_ON_WHEEL = 1  # steering-activity monitoring, as cars without a DMS camera do


class MrmState(enum.IntEnum):
    """Minimal-risk manoeuvre phases."""

    INACTIVE = 0
    LANE_CHANGE = 1  # moving towards the rightmost lane
    DECELERATING = 2
    STANDSTILL = 3
    CANCELLED = 4  # driver took over


class TurnSignal(enum.IntEnum):
    OFF = 0
    LEFT = 1
    RIGHT = 2


class DriverInput(enum.IntFlag):
    """What the driver does with the controls."""

    NONE = 0
    STEERING = 1
    ACCELERATOR = 2
    BRAKE = 4
    BUTTON = 8  # confirm / takeover button


class TargetKind(enum.IntEnum):
    """What the car's forward sensors see ahead in its lane."""

    NONE = 0
    CAR = 1
    MOTORCYCLE = 2


class LineType(enum.IntEnum):
    """A lane line, as the car's lane camera reads it."""

    NONE = 0
    DASHED = 1
    SOLID = 2
