"""Time counted over a trailing window, exactly.

Running float sums leave residue as entries leave the window: after an hour of frames an
empty window may hold ±1e-9 s, and a ratio over it (PERCLOS) turns that into 954 % or
-11 %. Durations are kept as whole nanoseconds instead, so what leaves the window takes
away exactly what it brought, and an empty window sums to zero. The figures are plain
attributes, current after each ``forget(now)`` (estimators add a frame, forget what left
the window, and read them on every frame).
"""

from __future__ import annotations

from collections import deque

__all__ = ["WindowedShare", "WindowedTime"]

_NS_PER_S = 1_000_000_000


class WindowedTime:
    """Seconds added at moments ``t_s``, summed over the last ``window_s``: ``seconds``."""

    __slots__ = ("_entries", "_total_ns", "seconds", "window_s")

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._entries: deque[tuple[float, int]] = deque()
        self._total_ns = 0
        self.seconds = 0.0

    def add(self, t_s: float, dt_s: float) -> None:
        ns = round(dt_s * _NS_PER_S)
        if ns > 0:
            self._entries.append((t_s, ns))
            self._total_ns += ns

    def forget(self, now_s: float) -> None:
        """Drop what is older than the window at ``now_s``; ``seconds`` is current after."""
        entries, oldest = self._entries, now_s - self.window_s
        while entries and entries[0][0] <= oldest:
            self._total_ns -= entries.popleft()[1]
        self.seconds = self._total_ns / _NS_PER_S

    def clear(self) -> None:
        self._entries.clear()
        self._total_ns = 0
        self.seconds = 0.0


class WindowedShare:
    """Seconds added at moments ``t_s``, each wholly or not at all part of something (eyes
    judged, and of those shut), over the last ``window_s``: ``whole_s``, and ``share``
    (0..1, 0 when empty) of the part. One window for both, so both cover the same frames."""

    __slots__ = ("_entries", "_part_ns", "_whole_ns", "share", "whole_s", "window_s")

    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._entries: deque[tuple[float, int, bool]] = deque()
        self._whole_ns = 0
        self._part_ns = 0
        self.whole_s = 0.0
        self.share = 0.0

    def add(self, t_s: float, dt_s: float, part: bool) -> None:
        ns = round(dt_s * _NS_PER_S)
        if ns > 0:
            self._entries.append((t_s, ns, part))
            self._whole_ns += ns
            if part:
                self._part_ns += ns

    def forget(self, now_s: float) -> None:
        """Drop what is older than the window at ``now_s``; the figures are current after."""
        entries, oldest = self._entries, now_s - self.window_s
        while entries and entries[0][0] <= oldest:
            _, ns, part = entries.popleft()
            self._whole_ns -= ns
            if part:
                self._part_ns -= ns
        whole = self._whole_ns
        self.whole_s = whole / _NS_PER_S
        self.share = self._part_ns / whole if whole else 0.0
