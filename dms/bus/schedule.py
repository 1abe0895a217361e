"""Sending each message at its catalog period, on the sender's own clock."""

from __future__ import annotations

from dms.bus.signals import Message

__all__ = ["PeriodicSchedule"]


class PeriodicSchedule:
    """``due(kind, t_s)`` is true once per period of ``kind``.

    The schedule stays on the period grid (a 100 ms message sent from 33 ms frames goes
    out every 100 ms on average, not every 133 ms); after a gap it restarts from now.
    """

    def __init__(self) -> None:
        self._next: dict[type[Message], float] = {}

    def due(self, kind: type[Message], t_s: float) -> bool:
        next_s = self._next.get(kind)
        if next_s is not None and t_s + 1e-9 < next_s:
            return False
        period = kind.SPEC.period_s
        on_grid = next_s is not None and t_s - next_s < period
        self._next[kind] = next_s + period if on_grid and next_s is not None else t_s + period
        return True
