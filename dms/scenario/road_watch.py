"""What happened on the road, from the vehicle simulator's own state: collisions, targets
avoided and lane departures, as events in the replay's report."""

from __future__ import annotations

from dms.bus.enums import TargetKind, TurnSignal
from dms.events import Event, EventKind
from dms.units import KPH
from dms.vehicle.model import VehicleStatus

__all__ = ["RoadWatch"]


class RoadWatch:
    """Turns the vehicle's states into road events, each once."""

    def __init__(self, start_s: float = 0.0) -> None:
        """``start_s``: when the vehicle's own clock (a collision's time) reads zero, on
        the clock of the times given to :meth:`observe`."""
        self._start_s = start_s
        self._collided = False
        self._closing = False  # closing in on the target ahead
        self._avoided = False
        self._departure: tuple[float, str] | None = None  # since when, over which line
        self._deepest_m = 0.0

    def observe(self, t_s: float, status: VehicleStatus) -> list[Event]:
        events: list[Event] = []
        crash = status.collision
        if crash is not None and not self._collided:
            self._collided = True
            events.append(
                Event(
                    self._start_s + crash.t_s,
                    EventKind.COLLISION,
                    speed_kph=crash.impact_speed_mps / KPH,
                    overlap_pct=crash.overlap_pct,
                )
            )
        ahead = status.target is not TargetKind.NONE and crash is None
        if ahead and status.target_closing_mps > 0.0:
            self._closing = True
        elif ahead and self._closing and not self._avoided:
            self._avoided = True  # stopped closing in, short of it
            events.append(Event(t_s, EventKind.AVOIDED, distance_m=status.target_range_m))
        events += self._lane(t_s, status)
        return events

    def _lane(self, t_s: float, status: VehicleStatus) -> list[Event]:
        """Over a line without the turn signal (a signalled lane change is meant)."""
        over = max(-status.line_left_m, -status.line_right_m)
        if over > 0.0 and (status.turn_signal is TurnSignal.OFF or self._departure):
            if self._departure is None:
                side = "left" if status.line_left_m < status.line_right_m else "right"
                self._departure = (t_s, side)
                self._deepest_m = 0.0
            self._deepest_m = max(self._deepest_m, over)
            return []
        return self.finish()

    def finish(self) -> list[Event]:
        """The lane departure still going on, if any."""
        if self._departure is None:
            return []
        (start, side), self._departure = self._departure, None
        return [Event(start, EventKind.LANE_DEPARTURE, distance_m=self._deepest_m, reason=side)]
