"""Visual attention: glances, long distraction, VATS, the AttenD buffer and phone use.

Input per frame: the gaze zone (``GazeZone.UNKNOWN`` when it cannot be judged), the
vehicle speed and the frame's duration. Glances follow ISO 15007: a glance lasts from the
moment the gaze leaves the previous zone to the moment it leaves this one, so transition
time belongs to the glance it leads to; a zone must hold for ``min_dwell_s`` to count.
Below the speed gate (and while the gaze cannot be judged) no time counts toward
distraction, VATS, phone use or an unresponsive driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from dms.bus.enums import GazeZone
from dms.driver_state.cabin import DISTRACTING, DRIVING_RELATED
from dms.driver_state.types import Event, EventKind
from dms.driver_state.window import WindowedTime
from dms.units import KPH

__all__ = ["AttentionSettings", "AttentionState", "AttentionTracker", "long_distraction_limit_s"]

#: Limits are met within a millisecond: frame times carry rounding from their clocks.
_TOLERANCE_S = 1e-3


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
    """Pure estimator: ``update(zone, speed_mps, t_s, dt_s) -> (AttentionState, events)``.

    Time counts toward distraction only while the car is above the speed gate (ADDW: from
    20 km/h) and only while the gaze can be judged: at standstill or during an outage
    nothing accumulates, so neither is charged to the driver later. Frames outside the
    current glance's zone wait until the switch is confirmed (or not) and are then counted
    for the glance they belong to, in order.
    """

    def __init__(self, settings: AttentionSettings | None = None) -> None:
        self.settings = s = settings or AttentionSettings()
        self._zone = GazeZone.ROAD
        self._glance_start: float | None = None  # set by the first update
        self._left_zone_at: float | None = None  # first frame outside the current zone
        self._candidate: GazeZone | None = None
        self._candidate_since = 0.0
        self._pending: list[tuple[float, float, bool]] = []  # (t, dt, moving) outside the zone
        self._unknown_s = 0.0
        # The current stretch off the road, in time above the speed gate.
        self._off_road_s = 0.0
        self._distraction_s = 0.0  # ... from its first distracting glance on
        self._on_road_s = 0.0
        self._vats = WindowedTime(s.vats_window_s)
        self._vats_on = False
        self._buffer = s.attend_buffer_s
        self._phone = WindowedTime(s.phone_window_s)
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
        moving = speed_mps >= s.addw_min_speed_mps
        if zone is self._zone and not self._pending:  # the glance goes on (most frames)
            self._left_zone_at = self._candidate = None
            self._count(t_s, dt_s, moving)
        else:
            events += self._segment(zone, (t_s, dt_s, moving))
        self._vats.forget(t_s)
        self._phone.forget(t_s)
        events += self._flags(speed_mps, t_s)
        return self._state(t_s), events

    def _segment(self, zone: GazeZone, frame: tuple[float, float, bool]) -> list[Event]:
        """Follow the glance (ISO 15007); a glance event when one ends. Then count the frames
        whose glance is settled."""
        t_s = frame[0]
        self._pending.append(frame)
        events: list[Event] = []
        if zone is self._zone:  # back (or still) in the zone: a wobble, not a glance
            self._candidate = None
            self._left_zone_at = None
        else:
            if self._left_zone_at is None:
                self._left_zone_at = t_s
            if zone is not self._candidate:
                self._candidate = zone
                self._candidate_since = t_s
            if t_s - self._candidate_since + 1e-9 < self.settings.min_dwell_s:
                return events
            # The first frame outside the zone closes the old glance: its interval, up to
            # the moment the gaze left, is the old glance's last.
            self._count(*self._pending.pop(0))
            events.append(self._switch(zone))
        for pending in self._pending:
            self._count(*pending)
        self._pending.clear()
        return events

    def _switch(self, zone: GazeZone) -> Event:
        """The old glance ended when the gaze left its zone; the transition from there
        belongs to the new glance (ISO 15007)."""
        ended, start = self._zone, self._glance_start_s
        end = self._left_zone_at if self._left_zone_at is not None else start
        self._zone = zone
        self._glance_start = end
        self._left_zone_at = None
        self._candidate = None
        if zone is GazeZone.ROAD:
            self._off_road_s = 0.0
            self._distraction_s = 0.0
        return Event(start, EventKind.GLANCE, duration_s=max(0.0, end - start), zone=ended)

    def _count(self, t_s: float, dt_s: float, moving: bool) -> None:
        """One settled frame of the current glance: road time, and above the speed gate
        the distraction measures."""
        s = self.settings
        zone = self._zone
        on_road = zone is GazeZone.ROAD
        distracting = zone in DISTRACTING
        glance_s = t_s - self._glance_start_s
        dt_s = max(0.0, min(dt_s, glance_s))  # only the part of the frame inside the glance
        if on_road:
            self._on_road_s += dt_s
            if self._on_road_s >= s.vats_reset_on_road_s and (self._vats_on or self._vats.seconds):
                self._vats.clear()
                self._vats_on = False
            if glance_s >= s.attend_refill_latency_s:
                self._buffer = min(s.attend_buffer_s, self._buffer + dt_s)
            return
        self._on_road_s = 0.0
        if not moving:
            return
        self._off_road_s += dt_s
        if distracting or self._distraction_s > 0.0:
            self._distraction_s += dt_s
        if distracting:
            self._vats.add(t_s, dt_s)
        if distracting or glance_s >= s.attend_driving_latency_s:
            self._buffer = max(0.0, self._buffer - dt_s)
        if zone is GazeZone.LAP:
            self._phone.add(t_s, dt_s)

    def _flags(self, speed_mps: float, t_s: float) -> list[Event]:
        """VATS, phone use, long distraction and gaze away, with their events."""
        s = self.settings
        events = []
        vats_s = self._vats.seconds
        if not self._vats_on and vats_s >= s.vats_limit_s - _TOLERANCE_S:
            self._vats_on = True
            events.append(Event(t_s, EventKind.VATS, duration_s=vats_s))
        phone_s = self._phone.seconds
        if not self._phone_on and phone_s >= s.phone_on_s - _TOLERANCE_S:
            self._phone_on = True
            events.append(Event(t_s, EventKind.PHONE_USE, duration_s=phone_s))
        elif self._phone_on and phone_s < s.phone_off_s:
            self._phone_on = False
        zone = self._zone
        if zone not in DISTRACTING:  # (most frames)
            self._long_on = self._gaze_away_on = False
            return events
        off_road_s = self._off_road_s
        limit = long_distraction_limit_s(speed_mps, s)
        long_now = limit is not None and off_road_s >= limit - _TOLERANCE_S
        if long_now and not self._long_on:
            events.append(Event(t_s, EventKind.LONG_DISTRACTION, duration_s=off_road_s, zone=zone))
        self._long_on = long_now
        away_now = off_road_s >= s.unresponsive_gaze_s - _TOLERANCE_S
        if away_now and not self._gaze_away_on:
            events.append(
                Event(t_s, EventKind.UNRESPONSIVE, duration_s=off_road_s, reason="gaze_away")
            )
        self._gaze_away_on = away_now
        return events

    @property
    def _glance_start_s(self) -> float:
        return self._glance_start if self._glance_start is not None else 0.0

    def _state(self, t_s: float, *, paused: bool = False) -> AttentionState:
        if paused:
            return AttentionState(
                zone=GazeZone.UNKNOWN,
                glance_s=t_s - self._glance_start_s,
                eyes_on_road=False,
                attend_buffer_s=self._buffer,
                vats_s=self._vats.seconds,
            )
        return AttentionState(  # positional, in field order: one is built every frame
            self._zone,
            t_s - self._glance_start_s,
            self._zone is GazeZone.ROAD,
            self._off_road_s,
            self._distraction_s,
            self._vats.seconds,
            self._buffer,
            self._long_on,
            self._vats_on,
            self._phone_on,
            self._gaze_away_on,
        )

    def flush(self, t_s: float) -> list[Event]:
        """The glance still open at the end of a run."""
        start = self._glance_start_s
        return [Event(start, EventKind.GLANCE, duration_s=t_s - start, zone=self._zone)]
