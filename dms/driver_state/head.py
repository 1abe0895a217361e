"""A sinking head: the sleep cue left when the eyes cannot be seen (dark lenses, a cap).

Falling asleep, the head drops slowly (a few degrees a second) toward the chest and then
stays down without moving; a look down at the lap or the cluster is a quick, deliberate
move (well over 40 degrees a second). So a head held down, facing ahead and still, after
a slow descent counts as eyes closed would (a quick move of the head, down or while down,
is a look and starts over): sleep after ``sleep_s``, an unresponsive
driver after ``unresponsive_s`` (Euro NCAP's eye-closure times). Angles are relative to
the driver's road-ahead direction; pitch positive down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from dms.driver_state.types import Event, EventKind

__all__ = ["HeadDrop", "HeadDropSettings", "HeadDropState"]


@dataclass(frozen=True, slots=True)
class HeadDropSettings:
    sunk_deg: float = 8.0  # pitch below road ahead that counts as sunk
    level_deg: float = 4.0  # back above this: the head has come up again
    facing_deg: float = 20.0  # a sleeping head sinks forward, not toward a mirror
    # Deliberate head moves (glances) run at 100-300 degrees a second; a head nodding off
    # sinks at a few. A descent faster than this was a look, not sleep.
    look_deg_per_s: float = 40.0
    smooth_s: float = 0.2  # against landmark jitter, before the angles are differentiated
    # As for closed eyes (Euro NCAP): sleep after 3 s, unresponsive after 6 s.
    sleep_s: float = 3.0
    unresponsive_s: float = 6.0


class HeadDropState(NamedTuple):
    sunk_s: float = 0.0  # how long the head has been down and still
    sleep: bool = False
    unresponsive: bool = False


_IDLE = HeadDropState()


class HeadDrop:
    """Pure estimator: ``update(yaw, pitch, judged, t_s, dt_s) -> (HeadDropState, events)``;
    ``judged`` is False while the cue does not apply (the eyes can be seen, no face)."""

    def __init__(self, settings: HeadDropSettings | None = None) -> None:
        self.settings = settings or HeadDropSettings()
        self._reset()

    def _reset(self) -> None:
        self.active = False  # the cue is being followed (the eyes are hidden)
        self._yaw: float | None = None  # smoothed angles
        self._pitch = 0.0
        self._looked = False  # the head got down quickly: a look, not sleep
        self._sunk_s = 0.0
        self._milestones = 0

    def update(
        self, yaw_deg: float, pitch_deg: float, judged: bool, t_s: float, dt_s: float
    ) -> tuple[HeadDropState, list[Event]]:
        s = self.settings
        if not judged:
            if self.active:
                self._reset()
            return _IDLE, []
        if self._yaw is None or dt_s <= 0.0:
            self.active = True
            self._yaw, self._pitch = yaw_deg, pitch_deg
            return self._state(), []
        weight = min(1.0, dt_s / s.smooth_s)
        yaw = self._yaw + weight * (yaw_deg - self._yaw)
        pitch = self._pitch + weight * (pitch_deg - self._pitch)
        speed = max(abs(yaw - self._yaw), abs(pitch - self._pitch)) / dt_s
        self._yaw, self._pitch = yaw, pitch
        if pitch < s.level_deg:
            self._looked = False
        elif speed > s.look_deg_per_s:
            self._looked = True
        sunk = pitch >= s.sunk_deg and abs(yaw) <= s.facing_deg and not self._looked
        if not sunk:
            self._sunk_s = 0.0
            self._milestones = 0
            return self._state(), []
        self._sunk_s += dt_s
        return self._state(), self._milestone_events(t_s)

    def _milestone_events(self, t_s: float) -> list[Event]:
        s = self.settings
        events = []
        reason = "head_down"
        for level, (limit, kind) in enumerate(
            ((s.sleep_s, EventKind.SLEEP), (s.unresponsive_s, EventKind.UNRESPONSIVE))
        ):
            if self._milestones == level and self._sunk_s >= limit - 1e-6:
                self._milestones = level + 1
                events.append(Event(t_s, kind, duration_s=self._sunk_s, reason=reason))
        return events

    def _state(self) -> HeadDropState:
        s = self.settings
        sunk_s = self._sunk_s
        return HeadDropState(sunk_s, sunk_s >= s.sleep_s - 1e-6, sunk_s >= s.unresponsive_s - 1e-6)
