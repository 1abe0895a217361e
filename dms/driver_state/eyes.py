"""Eye closure: blinks, PERCLOS, microsleep, sleep, and unresponsive eyes.

Input per frame: whether the eyes are closed (``None`` when that cannot be judged: no face,
eyes occluded, a glance down with the iris still in view), the mean eye openness (0..1 of
the driver's own open level), the frame's duration, and whether a closure is *excused*
for now: a laugh squeezes the eyes shut for about a second, so a closure with a broad
smile gets no verdict until it outlasts ``excuse_max_s``; past that it counts from its
start, whatever the mouth does.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from dms.driver_state.types import Event, EventKind
from dms.driver_state.window import WindowedShare

__all__ = ["EyeSettings", "EyeState", "EyeTracker"]


@dataclass(frozen=True, slots=True)
class EyeSettings:
    # PERCLOS P80: time with the eyes at least 80 % closed (Wierwille et al. 1994).
    perclos_closed_below: float = 0.20
    # PERCLOS over a 60 s window (FHWA / Dinges & Grace 1998).
    perclos_window_s: float = 60.0
    # A closure shorter than this is a blink; longer ones are long closures (Anund, Fors &
    # Ahlström 2017 use blink duration as the drowsiness marker).
    blink_max_s: float = 0.5
    # Blinks longer than this count toward drowsiness (Anund, Fors & Ahlström 2017).
    long_blink_s: float = 0.15
    # Microsleep: eye closure of 1-3 s (Euro NCAP 2026 driver engagement protocol).
    microsleep_s: float = 1.0
    # Sleep: eyes continuously closed >= 3 s (Euro NCAP).
    sleep_s: float = 3.0
    # Unresponsive: eyes closed >= 6 s (Euro NCAP).
    unresponsive_s: float = 6.0
    # Blink rate and duration statistics over the last minute.
    stats_window_s: float = 60.0
    # A closure survives this much time in which the eyes cannot be judged (lost frames).
    unknown_grace_s: float = 0.3
    # PERCLOS needs this share of its window judged; less (eyes hidden, no face) is no value.
    perclos_min_share: float = 0.5
    # A laugh squeezes the eyes (eyeBlink 0.56-0.70 for about a second, measured on real
    # clips): a closure with a smile is excused this long, and counts once it lasts longer.
    excuse_max_s: float = 1.5


class EyeState(NamedTuple):
    """The eyes' state after a frame. A named tuple rather than a frozen dataclass: one is
    built every frame, and a tuple builds three times faster (immutable all the same)."""

    closed_s: float = 0.0  # current continuous closure
    perclos_pct: float = 0.0
    perclos_valid: bool = False  # a full window has passed, enough of it judged
    blink_rate_per_min: float = 0.0
    blink_duration_ms: float = 0.0  # mean over the stats window
    long_blinks_per_min: int = 0
    microsleep: bool = False
    sleep: bool = False
    unresponsive: bool = False
    microsleep_count: int = 0


class EyeTracker:
    """Pure estimator: ``update(closed, openness, t_s, dt_s) -> (EyeState, events)``."""

    def __init__(self, settings: EyeSettings | None = None) -> None:
        self.settings = s = settings or EyeSettings()
        self._closure_start: float | None = None
        self._closed_s = 0.0
        self._excused = False  # the current closure has been excused all along
        self._unknown_s = 0.0
        self._milestones = 0  # thresholds (microsleep, sleep, unresponsive) already passed
        self._microsleeps = 0
        # PERCLOS: judged time, and the share of it at least 80 % closed, over the window.
        self._perclos = WindowedShare(s.perclos_window_s)
        self._first_judged_s: float | None = None
        self._perclos_filled = False  # a whole window has passed since the first judged frame
        self._perclos_needs_s = s.perclos_min_share * s.perclos_window_s
        # Closures short of a microsleep in the stats window: (end t, duration), with running
        # sums so the per-frame statistics cost nothing.
        self._blinks: deque[tuple[float, float]] = deque()
        self._blink_sum_s = 0.0
        self._long_blinks = 0
        self._elapsed_s = 0.0

    def update(
        self,
        closed: bool | None,
        openness: float,
        t_s: float,
        dt_s: float,
        *,
        excused: bool = False,
    ) -> tuple[EyeState, list[Event]]:
        s = self.settings
        events: list[Event] = []
        self._elapsed_s += dt_s
        if closed is None:
            self._unknown_s += dt_s
            if self._closure_start is not None and self._unknown_s > s.unknown_grace_s:
                self._forget_closure()  # cannot tell how it ended: no verdict
        else:
            self._unknown_s = 0.0
            if closed:
                if self._closure_start is None:
                    self._closure_start = t_s
                    self._closed_s = 0.0
                    self._milestones = 0
                    self._excused = excused
                # Count the time at least 80 % closed: the closed flag's hysteresis holds a
                # reopening eye a frame longer than the P80 criterion.
                if openness < s.perclos_closed_below or self._closed_s == 0.0:
                    self._closed_s += dt_s
                self._excused = self._excused and excused and self._closed_s <= s.excuse_max_s
                if not self._excused:
                    events += self._milestone_events(t_s)
            elif self._closure_start is not None:
                events += self._closure_ended(t_s)
            if not (closed and self._excused):  # lowered lids of an open eye are not P80-shut
                if self._first_judged_s is None:
                    self._first_judged_s = t_s
                self._perclos.add(t_s, dt_s, closed and openness < s.perclos_closed_below)
        self._forget(t_s)
        return self._state(t_s), events

    def _milestone_events(self, t_s: float) -> list[Event]:
        s = self.settings
        events = []
        for level, (limit, kind) in enumerate(
            (
                (s.microsleep_s, EventKind.MICROSLEEP),
                (s.sleep_s, EventKind.SLEEP),
                (s.unresponsive_s, EventKind.UNRESPONSIVE),
            )
        ):
            if self._milestones == level and self._closed_s >= limit:
                self._milestones = level + 1
                events.append(Event(t_s, kind, duration_s=self._closed_s, reason="eyes_closed"))
                if kind is EventKind.MICROSLEEP:
                    self._microsleeps += 1
        return events

    def _forget_closure(self) -> None:
        self._closure_start = None
        self._closed_s = 0.0
        self._milestones = 0
        self._excused = False

    def _closure_ended(self, t_s: float) -> list[Event]:
        s = self.settings
        duration = self._closed_s
        start = self._closure_start if self._closure_start is not None else t_s
        excused = self._excused
        self._forget_closure()
        if excused:  # a laugh's squeeze: neither a blink nor drowsiness
            return []
        events = []
        if duration < s.blink_max_s:
            events.append(Event(start, EventKind.BLINK, duration_s=duration))
        if duration < s.microsleep_s:  # blinks and long closures short of a microsleep
            self._blinks.append((t_s, duration))
            self._blink_sum_s += duration
            self._long_blinks += duration > s.long_blink_s
        if s.long_blink_s < duration < s.microsleep_s:
            events.append(Event(start, EventKind.LONG_BLINK, duration_s=duration))
        return events

    def _forget(self, t_s: float) -> None:
        s = self.settings
        self._perclos.forget(t_s)
        while self._blinks and self._blinks[0][0] <= t_s - s.stats_window_s:
            _, duration = self._blinks.popleft()
            self._blink_sum_s -= duration
            self._long_blinks -= duration > s.long_blink_s
            if not self._blinks:  # an empty window holds nothing, not the sums' residue
                self._blink_sum_s = 0.0
                self._long_blinks = 0

    def _state(self, now_s: float) -> EyeState:
        s = self.settings
        if not self._perclos_filled:  # a whole window since the eyes were first judged
            first = self._first_judged_s
            self._perclos_filled = first is not None and now_s - first >= s.perclos_window_s
        perclos = self._perclos
        minutes = max(min(self._elapsed_s, s.stats_window_s), 1.0) / 60.0
        blinks = len(self._blinks)
        mean_ms = 1000.0 * self._blink_sum_s / blinks if blinks else 0.0
        # An excused closure (a laugh) has no verdict yet: none of its flags either.
        judged = self._closure_start is not None and not self._excused
        closed = self._closed_s if judged else 0.0
        return EyeState(  # positional, in field order: one is built every frame
            closed,
            100.0 * perclos.share,
            # valid: a whole window passed, and enough of it judged (no dark lenses, in view)
            self._perclos_filled and perclos.whole_s >= self._perclos_needs_s,
            blinks / minutes,
            mean_ms,
            round(self._long_blinks / minutes),
            s.microsleep_s <= closed < s.sleep_s,
            closed >= s.sleep_s,
            closed >= s.unresponsive_s,
            self._microsleeps,
        )
