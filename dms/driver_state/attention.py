"""Visual attention: glances, long distraction, VATS, the AttenD buffer and phone use.

Input per frame: the gaze zone (``GazeZone.UNKNOWN`` when it cannot be judged), the
vehicle speed and the frame's duration. Glances follow ISO 15007: a glance lasts from the
moment the gaze leaves the previous zone to the moment it leaves this one, so transition
time belongs to the glance it leads to; a zone must hold for ``min_dwell_s`` to count.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

from dms.bus.enums import GazeZone
from dms.driver_state.cabin import DRIVING_RELATED
from dms.driver_state.types import Event, EventKind

__all__ = ["AttentionSettings", "AttentionState", "AttentionTracker", "long_distraction_limit_s"]

KPH = 1 / 3.6


@dataclass(frozen=True, slots=True)
class AttentionSettings:
    min_dwell_s: float = 0.1  # a zone held shorter than this is part of a transition
    unknown_hold_s: float = 0.5  # the last zone stands for this long when gaze is unknown
    # Long distraction, by speed: Euro NCAP 2023+ flags a single glance away from the road
    # of >= 3 s; Reg. (EU) 2023/2590 (ADDW) > 3.5 s at >= 50 km/h and > 6 s at 20-50 km/h,
    # and nothing below 20 km/h. We use Euro NCAP's 3 s above 50 km/h, ADDW below.
    long_distraction_fast_s: float = 3.0
    long_distraction_slow_s: float = 6.0
    addw_min_speed_mps: float = 20.0 * KPH
    addw_fast_speed_mps: float = 50.0 * KPH
    # VATS: >= 10 s off road within a 30 s window; the window resets after >= 2 s on the
    # road (Euro NCAP).
    vats_window_s: float = 30.0
    vats_limit_s: float = 10.0
    vats_reset_on_road_s: float = 2.0
    # AttenD (Kircher & Ahlström 2009): a 2 s buffer drains while looking away, refills on
    # the road after 0.1 s; glances to mirrors and speedometer drain only after 1 s.
    attend_buffer_s: float = 2.0
    attend_refill_latency_s: float = 0.1
    attend_driving_latency_s: float = 1.0
    # Phone use: at least this much lap/phone-zone time within the window.
    phone_window_s: float = 15.0
    phone_on_s: float = 6.0
    phone_off_s: float = 3.0
    # Unresponsive: gaze away from the road for >= 6 s (Euro NCAP).
    unresponsive_gaze_s: float = 6.0


def long_distraction_limit_s(speed_mps: float, settings: AttentionSettings) -> float | None:
    """The single-glance limit at this speed; ``None`` below the speed where it applies."""
    if speed_mps < settings.addw_min_speed_mps:
        return None
    if speed_mps < settings.addw_fast_speed_mps:
        return settings.long_distraction_slow_s
    return settings.long_distraction_fast_s


class AttentionState(NamedTuple):
    """Attention after a frame (a named tuple: one per frame, see ``EyeState``)."""

    zone: GazeZone = GazeZone.ROAD  # zone of the current glance
    glance_s: float = 0.0
    eyes_on_road: bool = True
    eyes_off_road_s: float = 0.0  # continuous time since the gaze left the road
    distraction_s: float = 0.0  # ... of which not on mirrors or speedometer
    vats_s: float = 0.0
    attend_buffer_s: float = 2.0
    long_distraction: bool = False
    vats: bool = False
    phone_use: bool = False
    gaze_away: bool = False  # unresponsive by gaze: away >= 6 s

    @property
    def level(self) -> int:
        """0 attentive, 1 looking away, 2 distracted, 3 not responding."""
        if self.gaze_away:
            return 3
        if self.long_distraction or self.vats or self.phone_use or self.attend_buffer_s <= 0.0:
            return 2
        return 0 if self.eyes_on_road or self.zone in DRIVING_RELATED else 1


class AttentionTracker:
    """Pure estimator: ``update(zone, speed_mps, t_s, dt_s) -> (AttentionState, events)``."""

    def __init__(self, settings: AttentionSettings | None = None) -> None:
        self.settings = s = settings or AttentionSettings()
        self._zone = GazeZone.ROAD
        self._glance_start: float | None = None  # set by the first update
        self._left_zone_at: float | None = None  # first frame outside the current zone
        self._candidate: GazeZone | None = None
        self._candidate_since = 0.0
        self._unknown_s = 0.0
        self._left_road_at: float | None = None
        self._distracted_since: float | None = None
        self._on_road_s = 0.0
        self._vats: deque[tuple[float, float]] = deque()  # (t, off-road dt)
        self._vats_sum = 0.0
        self._vats_on = False
        self._buffer = s.attend_buffer_s
        self._phone: deque[tuple[float, float]] = deque()  # (t, lap dt)
        self._phone_sum = 0.0
        self._phone_on = False
        self._long_on = False
        self._gaze_away_on = False

    def update(
        self, zone: GazeZone, speed_mps: float, t_s: float, dt_s: float
    ) -> tuple[AttentionState, list[Event]]:
        s = self.settings
        events: list[Event] = []
        if self._glance_start is None:
            self._glance_start = t_s
        if zone is GazeZone.UNKNOWN:
            self._unknown_s += dt_s
            if self._unknown_s > s.unknown_hold_s:
                return self._state(t_s, paused=True), events
            zone = self._zone
        else:
            self._unknown_s = 0.0
        previous = self._zone
        events += self._segment(zone, t_s)

        current = self._zone
        on_road = current is GazeZone.ROAD
        distracting = not on_road and current not in DRIVING_RELATED
        if current is not previous:  # the frames that confirmed the switch were this glance's
            was_distracting = previous is not GazeZone.ROAD and previous not in DRIVING_RELATED
            self._vats_sum += (distracting - was_distracting) * (t_s - self._glance_start_s)
        events += self._vats_step(on_road, distracting, t_s, dt_s)
        self._attend_step(current, t_s, dt_s)
        events += self._phone_step(current is GazeZone.LAP, t_s, dt_s)

        # Long distraction and gaze away, on the continuous time off the road.
        distraction_s = t_s - self._distracted_since if self._distracted_since is not None else 0.0
        off_road_s = t_s - self._left_road_at if self._left_road_at is not None else 0.0
        limit = long_distraction_limit_s(speed_mps, s)
        long_now = distracting and limit is not None and off_road_s >= limit - 1e-6
        if long_now and not self._long_on:
            events.append(
                Event(t_s, EventKind.LONG_DISTRACTION, duration_s=off_road_s, zone=current)
            )
        self._long_on = long_now
        away_now = distracting and off_road_s >= s.unresponsive_gaze_s - 1e-6
        if away_now and not self._gaze_away_on:
            events.append(
                Event(t_s, EventKind.UNRESPONSIVE, duration_s=off_road_s, reason="gaze_away")
            )
        self._gaze_away_on = away_now
        return self._state(t_s, off_road_s=off_road_s, distraction_s=distraction_s), events

    def _vats_step(self, on_road: bool, distracting: bool, t_s: float, dt_s: float) -> list[Event]:
        """Off-road time in the window; a long enough look at the road resets it."""
        s = self.settings
        self._on_road_s = self._on_road_s + dt_s if on_road else 0.0
        if self._on_road_s >= s.vats_reset_on_road_s and self._vats:
            self._vats.clear()
            self._vats_sum = 0.0
            self._vats_on = False
        if distracting:
            self._vats.append((t_s, dt_s))
            self._vats_sum += dt_s
        while self._vats and self._vats[0][0] <= t_s - s.vats_window_s:
            self._vats_sum -= self._vats.popleft()[1]
        if not self._vats_on and self._vats_sum >= s.vats_limit_s:
            self._vats_on = True
            return [Event(t_s, EventKind.VATS, duration_s=self._vats_sum)]
        return []

    def _attend_step(self, zone: GazeZone, t_s: float, dt_s: float) -> None:
        s = self.settings
        glance_s = t_s - self._glance_start_s
        if zone is GazeZone.ROAD:
            if glance_s >= s.attend_refill_latency_s:
                self._buffer = min(s.attend_buffer_s, self._buffer + dt_s)
        elif zone not in DRIVING_RELATED or glance_s >= s.attend_driving_latency_s:
            self._buffer = max(0.0, self._buffer - dt_s)

    def _phone_step(self, in_lap: bool, t_s: float, dt_s: float) -> list[Event]:
        """Lap-zone time in the window, with hysteresis."""
        s = self.settings
        if in_lap:
            self._phone.append((t_s, dt_s))
            self._phone_sum += dt_s
        while self._phone and self._phone[0][0] <= t_s - s.phone_window_s:
            self._phone_sum -= self._phone.popleft()[1]
        if not self._phone_on and self._phone_sum >= s.phone_on_s:
            self._phone_on = True
            return [Event(t_s, EventKind.PHONE_USE, duration_s=self._phone_sum)]
        if self._phone_on and self._phone_sum < s.phone_off_s:
            self._phone_on = False
        return []

    def _segment(self, zone: GazeZone, t_s: float) -> list[Event]:
        """Follow the glance; a glance event when one ends."""
        if zone is self._zone:
            self._candidate = None
            self._left_zone_at = None
            return []
        if self._left_zone_at is None:
            self._left_zone_at = t_s
        if zone is not self._candidate:
            self._candidate = zone
            self._candidate_since = t_s
        if t_s - self._candidate_since + 1e-9 < self.settings.min_dwell_s:
            return []
        # The old glance ended when the gaze left its zone; the transition from there
        # belongs to the new glance (ISO 15007).
        ended, start, end = self._zone, self._glance_start_s, self._left_zone_at
        events = [Event(start, EventKind.GLANCE, duration_s=max(0.0, end - start), zone=ended)]
        self._zone = zone
        self._glance_start = end
        self._left_zone_at = None
        self._candidate = None
        if zone is GazeZone.ROAD:
            self._left_road_at = None
            self._distracted_since = None
        else:
            if self._left_road_at is None:
                self._left_road_at = end
            if zone not in DRIVING_RELATED and self._distracted_since is None:
                self._distracted_since = end
        return events

    @property
    def _glance_start_s(self) -> float:
        return self._glance_start if self._glance_start is not None else 0.0

    def _state(
        self,
        t_s: float,
        *,
        paused: bool = False,
        off_road_s: float = 0.0,
        distraction_s: float = 0.0,
    ) -> AttentionState:
        return AttentionState(
            zone=GazeZone.UNKNOWN if paused else self._zone,
            glance_s=t_s - self._glance_start_s,
            eyes_on_road=not paused and self._zone is GazeZone.ROAD,
            eyes_off_road_s=off_road_s,
            distraction_s=distraction_s,
            vats_s=self._vats_sum,
            attend_buffer_s=self._buffer,
            long_distraction=self._long_on,
            vats=self._vats_on,
            phone_use=self._phone_on,
            gaze_away=self._gaze_away_on,
        )

    def flush(self, t_s: float) -> list[Event]:
        """The glance still open at the end of a run."""
        start = self._glance_start_s
        return [Event(start, EventKind.GLANCE, duration_s=t_s - start, zone=self._zone)]
