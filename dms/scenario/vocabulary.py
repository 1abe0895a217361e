"""What each kind of event carries, so that an expectation can be checked before a run.

An expectation that filters on a detail its event never has (a zone on a yawn), or on a
value the event can never take (warning level 7, a long distraction to the road, a reason
nobody gives) would pass every ``never:`` check without looking at anything. The loader
refuses those against this table; a test holds every event a replay produces to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from dms.bus.enums import (
    AlertKind,
    AlertLevel,
    GazeZone,
    MrmState,
    Sensitivity,
    UnresponsiveReason,
)
from dms.driver_state.cabin import DISTRACTING
from dms.errors import ConfigError
from dms.events import EventKind

__all__ = ["ALERTS", "DETAILS", "REASONS", "ZONES", "EventDetails", "details_of"]

#: Zones by their names in scenario files.
ZONES = {zone.name.lower(): zone for zone in GazeZone if zone is not GazeZone.UNKNOWN}
#: Alert kinds by their names in scenario files.
ALERTS = {kind.name.lower(): kind for kind in AlertKind if kind is not AlertKind.NONE}


@dataclass(frozen=True, slots=True)
class EventDetails:
    """The details an event kind has: a duration, zones, a level range, reasons, an alert."""

    duration: bool = False
    zones: frozenset[GazeZone] = frozenset()
    levels: tuple[int, int] | None = None  # inclusive
    reasons: frozenset[str] = frozenset()
    alert: bool = False


def _names(*members: UnresponsiveReason | MrmState) -> frozenset[str]:
    """Reasons as events give them: the enum member's name in lower case."""
    return frozenset(member.name.lower() for member in members)


_ALL_ZONES = frozenset(ZONES.values())
_TIMED = EventDetails(duration=True)
_PLAIN = EventDetails()
_UNRESPONSIVE = frozenset(UnresponsiveReason) - {UnresponsiveReason.NONE}
#: Driver assistance events carry the sensitivity they acted at.
_SENSITIVITY = EventDetails(levels=(int(min(Sensitivity)), int(max(Sensitivity))))

DETAILS: dict[EventKind, EventDetails] = {
    EventKind.BLINK: _TIMED,
    EventKind.LONG_BLINK: _TIMED,
    EventKind.MICROSLEEP: EventDetails(
        duration=True, reasons=_names(UnresponsiveReason.EYES_CLOSED)
    ),
    EventKind.SLEEP: EventDetails(
        duration=True, reasons=_names(UnresponsiveReason.EYES_CLOSED, UnresponsiveReason.HEAD_DOWN)
    ),
    EventKind.UNRESPONSIVE: EventDetails(duration=True, reasons=_names(*_UNRESPONSIVE)),
    EventKind.YAWN: _TIMED,
    EventKind.GLANCE: EventDetails(duration=True, zones=_ALL_ZONES),
    EventKind.LONG_DISTRACTION: EventDetails(duration=True, zones=DISTRACTING),
    EventKind.VATS: _TIMED,
    EventKind.PHONE_USE: _TIMED,
    EventKind.DROWSINESS_LEVEL: EventDetails(levels=(1, 9)),
    EventKind.FACE_LOST: _PLAIN,
    EventKind.FACE_FOUND: _TIMED,
    EventKind.EYES_OCCLUDED: _PLAIN,
    EventKind.EYES_VISIBLE: _TIMED,
    EventKind.CALIBRATED: _PLAIN,
    EventKind.WARNING: EventDetails(
        levels=(int(AlertLevel.VISUAL), int(AlertLevel.URGENT)), alert=True
    ),
    EventKind.WARNING_CLEARED: _PLAIN,
    EventKind.ADAS_SENSITIVITY: _SENSITIVITY,
    EventKind.MRM_STARTED: EventDetails(
        reasons=_names(MrmState.LANE_CHANGE, MrmState.DECELERATING)
    ),
    EventKind.MRM_CANCELLED: _PLAIN,
    EventKind.STANDSTILL: _PLAIN,
    EventKind.HAZARDS_ON: _PLAIN,
    EventKind.ECALL: _PLAIN,
    EventKind.LOCKOUT: EventDetails(levels=(1, 255)),
    EventKind.DMS_UNAVAILABLE: _PLAIN,
    EventKind.DMS_AVAILABLE: _PLAIN,
    EventKind.VEHICLE_UNAVAILABLE: _PLAIN,
    EventKind.VEHICLE_AVAILABLE: _PLAIN,
    EventKind.FCW: _SENSITIVITY,
    EventKind.AEB: _SENSITIVITY,
    EventKind.LDW: _SENSITIVITY,
    EventKind.LKA: _SENSITIVITY,
    EventKind.COLLISION: _PLAIN,
    EventKind.AVOIDED: _PLAIN,
    EventKind.LANE_DEPARTURE: EventDetails(reasons=frozenset({"left", "right"})),
}


#: Every reason any event gives.
REASONS: tuple[str, ...] = tuple(sorted(set().union(*(d.reasons for d in DETAILS.values()))))

if set(DETAILS) != set(EventKind):
    missing = ", ".join(kind.value for kind in set(EventKind) - set(DETAILS))
    raise ConfigError(f"the event vocabulary lacks {missing}")


def details_of(kind: EventKind) -> EventDetails:
    """What events of ``kind`` carry (every kind has an entry: checked at import)."""
    return DETAILS[kind]
