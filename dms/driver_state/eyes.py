"""Eye closure: blinks, PERCLOS, microsleep, sleep, and unresponsive eyes.

Input per frame: whether the eyes are closed (``None`` when that cannot be judged: no face,
eyes occluded, or a gate such as looking down or laughing), the mean eye openness
(0..1 of the driver's own open level) and the frame's duration.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from dms.driver_state.types import Event, EventKind

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


class EyeState(NamedTuple):
    """The eyes' state after a frame. A named tuple rather than a frozen dataclass: one is
    built every frame, and a tuple builds three times faster (immutable all the same)."""

    closed_s: float = 0.0  # current continuous closure
    perclos_pct: float = 0.0
    perclos_valid: bool = False  # enough of the window could be judged
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
        self.settings = settings or EyeSettings()
        self._closure_start: float | None = None
        self._closed_s = 0.0
        self._unknown_s = 0.0
        self._milestones = 0  # thresholds (microsleep, sleep, unresponsive) already passed
        self._microsleeps = 0
        # PERCLOS: (t, dt, closed dt) per frame with a known state, and running sums.
        self._frames: deque[tuple[float, float, float]] = deque()
        self._known_s = 0.0
        self._closed_time_s = 0.0
        # Closures short of a microsleep in the stats window: (end t, duration), with running
        # sums so the per-frame statistics cost nothing.
        self._blinks: deque[tuple[float, float]] = deque()
        self._blink_sum_s = 0.0
        self._long_blinks = 0
        self._elapsed_s = 0.0

    def update(
        self, closed: bool | None, openness: float, t_s: float, dt_s: float
    ) -> tuple[EyeState, list[Event]]:
        s = self.settings
        events: list[Event] = []
        self._elapsed_s += dt_s
        if closed is None:
            self._unknown_s += dt_s
            if self._closure_start is not None and self._unknown_s > s.unknown_grace_s:
                self._closure_start = None  # cannot tell how it ended: no verdict
                self._closed_s = 0.0
                self._milestones = 0
        else:
            self._unknown_s = 0.0
            self._perclos_add(t_s, dt_s, openness < s.perclos_closed_below)
            if closed:
                if self._closure_start is None:
                    self._closure_start = t_s
                    self._closed_s = 0.0
                    self._milestones = 0
                # Count the time at least 80 % closed: the closed flag's hysteresis holds a
                # reopening eye a frame longer than the P80 criterion.
                if openness < s.perclos_closed_below or self._closed_s == 0.0:
                    self._closed_s += dt_s
                events += self._milestone_events(t_s)
            elif self._closure_start is not None:
                events += self._closure_ended(t_s)
        self._forget(t_s)
        return self._state(), events

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
                reason = "eyes_closed" if kind is EventKind.UNRESPONSIVE else None
                events.append(Event(t_s, kind, duration_s=self._closed_s, reason=reason))
                if kind is EventKind.MICROSLEEP:
                    self._microsleeps += 1
        return events

    def _closure_ended(self, t_s: float) -> list[Event]:
        s = self.settings
        duration = self._closed_s
        start = self._closure_start if self._closure_start is not None else t_s
        self._closure_start = None
        self._closed_s = 0.0
        self._milestones = 0
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

    def _perclos_add(self, t_s: float, dt_s: float, closed: bool) -> None:
        closed_dt = dt_s if closed else 0.0
        self._frames.append((t_s, dt_s, closed_dt))
        self._known_s += dt_s
        self._closed_time_s += closed_dt

    def _forget(self, t_s: float) -> None:
        s = self.settings
        frames = self._frames
        while frames and frames[0][0] <= t_s - s.perclos_window_s:
            _, dt_s, closed_dt = frames.popleft()
            self._known_s -= dt_s
            self._closed_time_s -= closed_dt
        while self._blinks and self._blinks[0][0] <= t_s - s.stats_window_s:
            _, duration = self._blinks.popleft()
            self._blink_sum_s -= duration
            self._long_blinks -= duration > s.long_blink_s

    def _state(self) -> EyeState:
        s = self.settings
        minutes = max(min(self._elapsed_s, s.stats_window_s), 1.0) / 60.0
        blinks = len(self._blinks)
        mean_ms = 1000.0 * self._blink_sum_s / blinks if blinks else 0.0
        closed = self._closed_s if self._closure_start is not None else 0.0
        return EyeState(
            closed_s=closed,
            perclos_pct=100.0 * self._closed_time_s / self._known_s if self._known_s > 0 else 0.0,
            perclos_valid=self._known_s >= s.perclos_min_share * s.perclos_window_s,
            blink_rate_per_min=blinks / minutes,
            blink_duration_ms=mean_ms,
            long_blinks_per_min=round(self._long_blinks / minutes),
            microsleep=s.microsleep_s <= closed < s.sleep_s,
            sleep=closed >= s.sleep_s,
            unresponsive=closed >= s.unresponsive_s,
            microsleep_count=self._microsleeps,
        )
