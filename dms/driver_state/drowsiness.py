"""A KSS-like drowsiness level, 1 (extremely alert) .. 9 (fighting sleep).

The Karolinska Sleepiness Scale is self-reported; camera-based systems estimate it from eye
closure behaviour. Our estimate is a transparent points sum, each step sourced:

    level = 2 (an alert driver reports KSS 1-3)
          + PERCLOS points  (P80 over 60 s): < 6.5 % -> 0, < 10 % -> 1, < 15 % -> 2,
                            < 25 % -> 3, else 4. On-road data show about 6 % when alert and
                            10 % around the first microsleeps; >= 15 % is the classic drowsy
                            criterion (Dinges & Grace 1998, FHWA).
          + blink points    (mean blink duration, 60 s): <= 150 ms -> 0, <= 200 -> 1,
                            <= 300 -> 2, else 3; blink duration grows from about 0.1 s when
                            alert to 0.2-0.3 s at KSS >= 7 (Anund, Fors & Ahlström 2017).
          + yawn points     (yawns in the last 5 min): 1-2 -> 1, >= 3 -> 2.
    then at least 8 after a microsleep in the last 5 min, and 9 while asleep;
    clipped to 1..9.

Reg. (EU) 2021/1341 (DDAW) asks for a warning that *may* come at KSS 7 and *must* come at
KSS >= 8. The reported level rises at once and falls only after ``fall_after_s`` of lower
estimates, so a warning does not flicker. Eye statistics count only after
``min_data_s`` of judged eye data, and PERCLOS only while at least half of its window
could be judged (not behind sunglasses or with the face out of view).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque
from dataclasses import dataclass

from dms.driver_state.eyes import EyeState
from dms.driver_state.types import Event, EventKind

__all__ = ["DrowsinessSettings", "DrowsinessTracker", "kss_points"]


@dataclass(frozen=True, slots=True)
class DrowsinessSettings:
    base_level: int = 2
    perclos_steps_pct: tuple[float, ...] = (6.5, 10.0, 15.0, 25.0)
    blink_steps_ms: tuple[float, ...] = (150.0, 200.0, 300.0)
    yawn_steps: tuple[int, ...] = (1, 3)
    history_s: float = 300.0  # yawns and microsleeps count for five minutes
    microsleep_level: int = 8
    sleep_level: int = 9
    min_data_s: float = 20.0
    fall_after_s: float = 30.0


def kss_points(eyes: EyeState, yawns: int, settings: DrowsinessSettings) -> int:
    """The level before the microsleep and sleep floors."""
    level = settings.base_level
    if eyes.perclos_valid:
        level += bisect_right(settings.perclos_steps_pct, eyes.perclos_pct)
    if eyes.blink_duration_ms > 0:
        level += bisect_right(settings.blink_steps_ms, eyes.blink_duration_ms)
    level += bisect_right(settings.yawn_steps, yawns)
    return level


class DrowsinessTracker:
    """Pure estimator: ``update(eyes, new_events, eye_data_s, t_s) -> (level, events)``."""

    def __init__(self, settings: DrowsinessSettings | None = None) -> None:
        self.settings = settings or DrowsinessSettings()
        self._yawns: deque[float] = deque()
        self._microsleeps: deque[float] = deque()
        self._level = self.settings.base_level
        self._lower_since: float | None = None

    @property
    def level(self) -> int:
        return self._level

    def update(
        self,
        eyes: EyeState,
        new_events: list[Event],
        eye_data_s: float,
        t_s: float,
        *,
        asleep: bool = False,
    ) -> tuple[int, list[Event]]:
        """``asleep``: another sleep cue than the eyes (a sunk head behind dark lenses)."""
        s = self.settings
        for event in new_events:
            if event.kind is EventKind.YAWN:
                self._yawns.append(event.t_s)
            elif event.kind is EventKind.MICROSLEEP:
                self._microsleeps.append(event.t_s)
        for history in (self._yawns, self._microsleeps):
            while history and history[0] <= t_s - s.history_s:
                history.popleft()
        if eye_data_s >= s.min_data_s:
            estimate = kss_points(eyes, len(self._yawns), s)
        else:
            estimate = s.base_level + bisect_right(s.yawn_steps, len(self._yawns))
        if self._microsleeps:
            estimate = max(estimate, s.microsleep_level)
        if eyes.sleep or asleep:
            estimate = s.sleep_level
        estimate = min(9, max(1, estimate))

        return self._smooth(estimate, t_s)

    def _smooth(self, estimate: int, t_s: float) -> tuple[int, list[Event]]:
        """Rise at once; fall one step after ``fall_after_s`` of lower estimates."""
        if estimate > self._level:
            self._lower_since = None
            return self._change(estimate, t_s)
        if estimate == self._level:
            self._lower_since = None
            return self._level, []
        if self._lower_since is None:
            self._lower_since = t_s
        if t_s - self._lower_since >= self.settings.fall_after_s:
            self._lower_since = t_s
            return self._change(self._level - 1, t_s)
        return self._level, []

    def _change(self, level: int, t_s: float) -> tuple[int, list[Event]]:
        self._level = level
        return level, [Event(t_s, EventKind.DROWSINESS_LEVEL, level=level)]
