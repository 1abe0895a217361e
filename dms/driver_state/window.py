"""Time counted over a trailing window, exactly.

Running float sums leave residue as entries leave the window: after an hour of frames an
empty window may hold ±1e-9 s, and a ratio over it (PERCLOS) turns that into 954 % or
-11 %. Durations are kept as whole nanoseconds instead, so what leaves the window takes
away exactly what it brought, and an empty window sums to zero.
"""

from __future__ import annotations

from collections import deque

__all__ = ["WindowedTime"]

_NS_PER_S = 1_000_000_000


class WindowedTime:
    """Seconds added at moments ``t_s``, summed over the last ``window_s``."""

    __slots__ = ("_entries", "_total_ns", "window_s")

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._entries: deque[tuple[float, int]] = deque()
        self._total_ns = 0

    def add(self, t_s: float, dt_s: float) -> None:
        ns = round(dt_s * _NS_PER_S)
        if ns > 0:
            self._entries.append((t_s, ns))
            self._total_ns += ns

    def forget(self, now_s: float) -> None:
        """Drop what is older than the window at ``now_s``."""
        entries, oldest = self._entries, now_s - self.window_s
        while entries and entries[0][0] <= oldest:
            self._total_ns -= entries.popleft()[1]

    def clear(self) -> None:
        self._entries.clear()
        self._total_ns = 0

    @property
    def seconds(self) -> float:
        return self._total_ns / _NS_PER_S

    def ratio(self, whole: WindowedTime) -> float:
        """This window's time as a share (0..1) of ``whole``'s, 0 when ``whole`` is empty."""
        return self._total_ns / whole._total_ns if whole._total_ns else 0.0
