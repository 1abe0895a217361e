"""Ground truth against what the DMS said: detections, latencies, false alarms.

The synthetic driver does what the scenario scripts, so every scripted situation (a
glance away, a phone in the lap, a closure, a yawn, the face out of view, dark lenses)
has a known start and end. A situation is **detected** when the DMS reports its event
between its start and :data:`DETECT_GRACE_S` after its end; the **latency** is from the
start to that event. A **false alarm** is an alarm event or a driver warning that no
scripted situation that can cause it explains (from its start to :data:`EXPLAIN_GRACE_S`
after its end), counted per hour of driving.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from dms.bus.enums import AlertKind
from dms.driver_state.cabin import DISTRACTING
from dms.events import Event, EventKind
from dms.scenario.model import Behaviour, BehaviourKind, Scenario

__all__ = ["DETECT_GRACE_S", "EXPLAIN_GRACE_S", "Metrics", "SituationResult", "score"]

#: A detection may come this long after its situation ends (a yawn is judged when over).
DETECT_GRACE_S = 2.0
#: An alarm this long after a situation still belongs to it (escalations, an MRM's stop).
EXPLAIN_GRACE_S = 10.0

B, E = BehaviourKind, EventKind
#: Situation -> the events that detect it.
DETECTED_BY: dict[BehaviourKind, tuple[EventKind, ...]] = {
    B.GLANCE: (E.LONG_DISTRACTION,),
    B.GLANCES: (E.VATS, E.LONG_DISTRACTION),
    B.PHONE: (E.PHONE_USE,),
    B.MICROSLEEP: (E.MICROSLEEP,),
    B.SLEEP: (E.SLEEP,),
    B.YAWN: (E.YAWN,),
    B.FACE_LOST: (E.FACE_LOST,),
    B.SUNGLASSES: (E.EYES_OCCLUDED,),
}
_EYES_AWAY = (B.GLANCE, B.GLANCES, B.PHONE)
_ASLEEP = (B.MICROSLEEP, B.SLEEP, B.DROWSINESS_RAMP)
_UNSEEN = (B.FACE_LOST, B.SUNGLASSES, B.CAMERA_LOST, B.CAMERA_MOVED, B.BUS_FAULT, B.HANDS_OFF)
#: Alarm -> the situations that can cause it (anything else is a false alarm).
_ALARM_EVENTS: dict[EventKind, tuple[BehaviourKind, ...]] = {
    E.LONG_DISTRACTION: _EYES_AWAY,
    E.VATS: _EYES_AWAY,
    E.PHONE_USE: (B.PHONE, B.GLANCE, B.GLANCES),
    E.MICROSLEEP: (*_ASLEEP, B.GRIMACE),
    E.SLEEP: (*_ASLEEP, B.GRIMACE),
    E.UNRESPONSIVE: (*_ASLEEP, *_EYES_AWAY, *_UNSEEN),
    E.YAWN: (B.YAWN, B.DROWSINESS_RAMP),
}
_ALARM_WARNINGS: dict[AlertKind, tuple[BehaviourKind, ...]] = {
    AlertKind.DISTRACTION: _EYES_AWAY,
    AlertKind.PHONE_USE: (B.PHONE, B.GLANCE, B.GLANCES),
    AlertKind.DROWSINESS_ADVISORY: (*_ASLEEP, B.YAWN, B.GRIMACE),
    AlertKind.DROWSINESS: (*_ASLEEP, B.GRIMACE),
    AlertKind.UNRESPONSIVE: (*_ASLEEP, *_EYES_AWAY, *_UNSEEN),
    AlertKind.DMS_UNAVAILABLE: _UNSEEN,
    AlertKind.DRIVER_NOT_VISIBLE: _UNSEEN,
    AlertKind.EYES_NOT_VISIBLE: _UNSEEN,
    AlertKind.HANDS_OFF: _UNSEEN,
}


@dataclass(frozen=True, slots=True)
class SituationResult:
    behaviour: Behaviour
    end_s: float
    detected_at_s: float | None

    @property
    def latency_s(self) -> float | None:
        return None if self.detected_at_s is None else self.detected_at_s - self.behaviour.at_s

    def as_dict(self) -> dict[str, Any]:
        b = self.behaviour
        record: dict[str, Any] = {"kind": b.kind.value, "line": b.line, "at_s": b.at_s}
        if b.zone is not None:
            record["zone"] = b.zone.name.lower()
        record["end_s"] = round(self.end_s, 3)
        record["detected"] = self.detected_at_s is not None
        if self.latency_s is not None:
            record["latency_s"] = round(self.latency_s, 3)
        return record


@dataclass(frozen=True, slots=True)
class Metrics:
    situations: tuple[SituationResult, ...]
    false_alarms: tuple[Event, ...]
    driving_h: float

    @property
    def detected(self) -> int:
        return sum(s.detected_at_s is not None for s in self.situations)

    @property
    def false_alarms_per_hour(self) -> float:
        return len(self.false_alarms) / self.driving_h if self.driving_h > 0 else 0.0

    def summary(self) -> str:
        latencies = [s.latency_s for s in self.situations if s.latency_s is not None]
        latency = f" (latency median {statistics.median(latencies):.2f} s)" if latencies else ""
        return (
            f"{self.detected} of {len(self.situations)} situations detected{latency}, "
            f"{len(self.false_alarms)} false alarms ({self.false_alarms_per_hour:.1f}/h)"
        )

    def as_dict(self) -> dict[str, Any]:
        latencies = [s.latency_s for s in self.situations if s.latency_s is not None]
        return {
            "situations": [s.as_dict() for s in self.situations],
            "detected": self.detected,
            "missed": len(self.situations) - self.detected,
            "latency_s": {
                "median": round(statistics.median(latencies), 3) if latencies else None,
                "max": round(max(latencies), 3) if latencies else None,
            },
            "false_alarms": [event.as_dict() for event in self.false_alarms],
            "false_alarms_per_hour": round(self.false_alarms_per_hour, 2),
            "driving_h": round(self.driving_h, 4),
        }


def _end_s(b: Behaviour, scenario: Scenario) -> float:
    if b.kind is B.DROWSINESS_RAMP:
        return scenario.duration_s  # the fatigue it builds stays to the end of the drive
    if b.kind is B.GLANCES:
        return b.at_s + b.count * (b.duration_s + b.gap_s) - b.gap_s
    return min(b.end_s, scenario.duration_s)


def _is_situation(b: Behaviour) -> bool:
    if b.kind in (B.GLANCE, B.GLANCES):
        return b.zone in DISTRACTING  # a mirror or cluster check is driving, not a situation
    return b.kind in DETECTED_BY


def score(scenario: Scenario, events: list[Event]) -> Metrics:
    """What the DMS made of the scenario's scripted situations, and what it raised
    that nothing scripted explains."""
    situations = []
    for b in scenario.timeline:
        if not _is_situation(b):
            continue
        end = _end_s(b, scenario)
        kinds = DETECTED_BY[b.kind]
        hits = (
            e.t_s for e in events if e.kind in kinds and b.at_s <= e.t_s <= end + DETECT_GRACE_S
        )
        situations.append(SituationResult(b, end, min(hits, default=None)))
    false_alarms = tuple(e for e in events if _unexplained(e, scenario))
    return Metrics(tuple(situations), false_alarms, scenario.duration_s / 3600.0)


def _unexplained(event: Event, scenario: Scenario) -> bool:
    if event.kind is E.WARNING and event.alert is not None:
        causes = _ALARM_WARNINGS.get(event.alert)
    else:
        causes = _ALARM_EVENTS.get(event.kind)
    if causes is None and event.kind is not E.WARNING:
        return False  # not an alarm (blinks, glances, levels, the car's own events)
    return not any(
        b.kind in (causes or ())
        and (b.kind not in (B.GLANCE, B.GLANCES) or b.zone in DISTRACTING)
        and b.at_s <= event.t_s <= _end_s(b, scenario) + EXPLAIN_GRACE_S
        for b in scenario.timeline
    )
