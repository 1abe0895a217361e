"""Checking a run's events against a scenario's expectations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dms.events import Event
from dms.scenario.model import Expectation

__all__ = ["ExpectationResult", "check_expectations", "matching"]


@dataclass(frozen=True, slots=True)
class ExpectationResult:
    expectation: Expectation
    passed: bool
    found_at_s: tuple[float, ...]  # times of the matching events
    #: when nothing matched: the event of the expected kind nearest the window, if any
    nearest_s: float | None = None

    @property
    def text(self) -> str:
        return self.expectation.text

    def explain(self) -> str:
        """What was found, for a failing line."""
        times = ", ".join(f"{t:.2f}" for t in self.found_at_s[:8])
        more = " …" if len(self.found_at_s) > 8 else ""
        found = f"found {len(self.found_at_s)}" + (f" at {times}{more} s" if times else "")
        e = self.expectation
        if self.passed or self.found_at_s or e.never:
            return found
        if self.nearest_s is None:
            return f"{found}; no {e.event} in the whole run"
        return f"{found}; nearest {e.event} at {self.nearest_s:.2f} s"


def matching(expectation: Expectation, events: Iterable[Event]) -> list[Event]:
    """The events an expectation is about (kind, filters, time window)."""
    e = expectation
    found = []
    for event in events:
        if event.kind.value != e.event:
            continue
        if e.within_s is not None and not e.within_s[0] <= event.t_s <= e.within_s[1]:
            continue
        if e.zone is not None and event.zone is not e.zone:
            continue
        if e.min_level is not None and (event.level is None or event.level < e.min_level):
            continue
        if e.max_level is not None and (event.level is None or event.level > e.max_level):
            continue
        if e.min_duration_s is not None and (
            event.duration_s is None or event.duration_s < e.min_duration_s
        ):
            continue
        if e.reason is not None and event.reason != e.reason:
            continue
        if e.level is not None and event.level != e.level:
            continue
        if e.alert is not None and event.alert is not e.alert:
            continue
        found.append(event)
    return found


def check_expectations(
    expectations: Sequence[Expectation], events: Sequence[Event]
) -> list[ExpectationResult]:
    results = []
    for expectation in expectations:
        found = matching(expectation, events)
        if expectation.never:
            passed = not found
        elif expectation.count is not None:
            low, high = expectation.count
            passed = low <= len(found) <= high
        else:
            passed = bool(found)
        nearest = None if found else _nearest(expectation, events)
        results.append(ExpectationResult(expectation, passed, tuple(e.t_s for e in found), nearest))
    return results


def _nearest(expectation: Expectation, events: Sequence[Event]) -> float | None:
    """The time of the event of the expected kind nearest the expected window (any detail)."""
    low, high = expectation.within_s or (float("-inf"), float("inf"))
    times = [event.t_s for event in events if event.kind.value == expectation.event]
    return min(times, key=lambda t: max(low - t, t - high, 0.0), default=None)
