"""Euro NCAP 2026's car responses as verdicts: the same drive with and without the DMS
raising the ADAS sensitivity, and what the raise bought.

The protocol's own pass criteria are not public here, so these are stated, conservative
ones (each verdict prints the figures it rests on):

* **Forward support given**: with the raise, the car avoids a collision the baseline has,
  or hits at least :data:`IMPACT_REDUCTION` slower.
* **Lane support given**: with the raise, the car's side stays within the line where the
  baseline crosses it, or crosses at most half as far.
* **Emergency function given**: for an unresponsive driver, the minimal-risk manoeuvre
  starts within :data:`MRM_WITHIN_S` of the urgent unresponsive warning (Euro NCAP 2026:
  within 5 s of the distinct warning), reaches a standstill with the hazard lights on,
  and places the eCall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from dms.bus.enums import AlertKind, AlertLevel
from dms.events import Event, EventKind
from dms.ncap import MRM_WITHIN_S
from dms.settings import Assignment

__all__ = ["IMPACT_REDUCTION", "MRM_WITHIN_S", "WITHOUT_RAISE", "SupportVerdict", "judge"]

#: The settings of the baseline run: the driver's state raises nothing.
WITHOUT_RAISE: tuple[Assignment, ...] = (
    ("assist.follow_driver_state", False, "the baseline of a support verdict"),
)
IMPACT_REDUCTION = 0.2  # of the baseline's impact speed

Function = Literal["forward support", "lane support", "emergency function"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SupportVerdict:
    function: Function
    given: bool
    figures: str  # what the verdict rests on, in words and numbers

    def __str__(self) -> str:
        return f"{self.function} {'given' if self.given else 'NOT given'}: {self.figures}"

    def as_dict(self) -> dict[str, Any]:
        return {"function": self.function, "given": self.given, "figures": self.figures}


def judge(raised: list[Event], baseline: list[Event], *, has_target: bool) -> list[SupportVerdict]:
    """The verdicts that apply to this drive (events with and without the raise)."""
    verdicts = []
    if has_target:
        verdicts.append(_forward(raised, baseline))
    if _of(baseline, EventKind.LANE_DEPARTURE) or _of(raised, EventKind.LANE_DEPARTURE):
        verdicts.append(_lane(raised, baseline))
    if _needs_emergency(raised):
        verdicts.append(_emergency(raised))
    return verdicts


def _of(events: list[Event], kind: EventKind) -> list[Event]:
    return [event for event in events if event.kind is kind]


def _first(events: list[Event], kind: EventKind) -> Event | None:
    return min(_of(events, kind), key=lambda event: event.t_s, default=None)


def _timing(events: list[Event], kind: EventKind) -> str:
    event = _first(events, kind)
    if event is None:
        return f"no {kind.value.upper()}"
    return f"{kind.value.upper()} at {event.t_s:.2f} s (TTC {event.ttc_s or 0.0:.2f} s)"


def _forward(raised: list[Event], baseline: list[Event]) -> SupportVerdict:
    hit, base_hit = _first(raised, EventKind.COLLISION), _first(baseline, EventKind.COLLISION)
    timing = (
        f"{_timing(raised, EventKind.FCW)}, {_timing(raised, EventKind.AEB)} with the raise; "
        f"{_timing(baseline, EventKind.FCW)}, {_timing(baseline, EventKind.AEB)} without"
    )
    if base_hit is None:
        given = hit is None
        outcome = "no collision either way" if given else "a collision only with the raise"
        return SupportVerdict(
            function="forward support", given=given, figures=f"{outcome}; {timing}"
        )
    base_kph = base_hit.speed_kph or 0.0
    if hit is None:
        avoided = _first(raised, EventKind.AVOIDED)
        left = f", {avoided.distance_m:.1f} m short" if avoided and avoided.distance_m else ""
        figures = f"the {base_kph:.0f} km/h collision avoided{left}; {timing}"
        return SupportVerdict(function="forward support", given=True, figures=figures)
    kph = hit.speed_kph or 0.0
    given = kph <= (1.0 - IMPACT_REDUCTION) * base_kph
    figures = f"impact at {kph:.0f} km/h instead of {base_kph:.0f} km/h; {timing}"
    return SupportVerdict(function="forward support", given=given, figures=figures)


def _excursion(events: list[Event]) -> float:
    return max((e.distance_m or 0.0 for e in _of(events, EventKind.LANE_DEPARTURE)), default=0.0)


def _lane(raised: list[Event], baseline: list[Event]) -> SupportVerdict:
    over, base_over = _excursion(raised), _excursion(baseline)
    lka = _first(raised, EventKind.LKA)
    steering = f"LKA at {lka.t_s:.2f} s (TLC {lka.ttc_s or 0.0:.2f} s)" if lka else "no LKA"
    given = base_over > 0.0 and (over == 0.0 or over <= base_over / 2.0)
    if over == 0.0:
        figures = f"kept in lane where the baseline went {base_over:.2f} m over; {steering}"
    else:
        figures = f"{over:.2f} m over the line instead of {base_over:.2f} m; {steering}"
    return SupportVerdict(function="lane support", given=given, figures=figures)


def _unresponsive_warnings(events: list[Event]) -> list[Event]:
    return [
        e
        for e in _of(events, EventKind.WARNING)
        if e.alert is AlertKind.UNRESPONSIVE and e.level == int(AlertLevel.URGENT)
    ]


def _needs_emergency(events: list[Event]) -> bool:
    """An MRM started, or an urgent unresponsive warning stood for the time it has to
    start in (a driver back within a second needs no emergency function)."""
    if _of(events, EventKind.MRM_STARTED):
        return True
    changes = sorted(
        (e.t_s for e in events if e.kind in (EventKind.WARNING, EventKind.WARNING_CLEARED)),
    )
    for warning in _unresponsive_warnings(events):
        later = [t for t in changes if t > warning.t_s]
        if not later or later[0] - warning.t_s >= MRM_WITHIN_S:
            return True
    return False


def _emergency(events: list[Event]) -> SupportVerdict:
    warnings = _unresponsive_warnings(events)
    if not warnings:
        return SupportVerdict(
            function="emergency function",
            given=False,
            figures="a minimal-risk manoeuvre without the distinct unresponsive warning",
        )
    warned = min(e.t_s for e in warnings)
    started = _first(events, EventKind.MRM_STARTED)
    stopped = _first(events, EventKind.STANDSTILL)
    hazards = _first(events, EventKind.HAZARDS_ON)
    ecall = _first(events, EventKind.ECALL)
    if started is None:
        return SupportVerdict(
            function="emergency function",
            given=False,
            figures=f"no minimal-risk manoeuvre after the warning at {warned:.2f} s",
        )
    delay = started.t_s - warned
    parts = [f"MRM {delay:.2f} s after the unresponsive warning at {warned:.2f} s"]
    parts.append(f"standstill at {stopped.t_s:.1f} s" if stopped else "no standstill")
    parts.append("hazard lights on" if hazards else "no hazard lights")
    parts.append(f"eCall at {ecall.t_s:.1f} s" if ecall else "no eCall")
    given = delay <= MRM_WITHIN_S and None not in (stopped, hazards, ecall)
    return SupportVerdict(function="emergency function", given=given, figures=", ".join(parts))
