"""Yawns: a mouth held wide open for longer than talking ever holds it.

Real yawns hold jawOpen 0.8-0.9 for seconds; talking peaks at about 0.74 for <= 0.2 s
(measured on real clips, see ../shared/DESIGN.md). Laughing opens the mouth too, with a
broad smile throughout; yawning stretches the mouth corners less (smile 0.3-0.5 on the
YawDD clip), so a wide-open mouth with a broad smile counts as laughter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["YawnDetector", "YawnSettings", "YawnState"]


@dataclass(frozen=True, slots=True)
class YawnSettings:
    open_above: float = 0.55  # mouth_open (0..1) at which a yawn may begin (jawOpen ~0.45)
    close_below: float = 0.35  # ... and ends again (hysteresis)
    min_duration_s: float = 0.8  # talking holds the mouth open <= 0.2 s
    max_gap_s: float = 0.25  # a lost frame or two mid-yawn does not split it
    laugh_smile: float = 0.65  # mean smile of an opening above this: laughter, not a yawn


class YawnState(NamedTuple):
    """The mouth after a frame (a named tuple: one per frame, see ``EyeState``)."""

    open_s: float = 0.0  # how long the mouth has been wide open
    yawning: bool = False  # a confirmed yawn is in progress
    confirmed: bool = False  # a yawn was confirmed by this very update (the event)
    yawn_count: int = 0  # yawns confirmed so far


class YawnDetector:
    """Duration-gated, smile-gated yawn detection over ``mouth_open`` per frame."""

    def __init__(self, settings: YawnSettings | None = None) -> None:
        self.settings = settings or YawnSettings()
        self._open_s = 0.0
        self._gap_s = 0.0
        self._smile_sum = 0.0
        self._frames = 0
        self._yawning = False
        self._count = 0

    def update(self, mouth_open: float | None, smile: float, dt_s: float) -> YawnState:
        """``mouth_open`` None when the mouth cannot be seen this frame."""
        s = self.settings
        opening = self._open_s > 0.0
        wide = mouth_open is not None and mouth_open >= (s.close_below if opening else s.open_above)
        if wide:
            self._open_s += dt_s
            self._gap_s = 0.0
            self._smile_sum += smile
            self._frames += 1
        elif opening and self._gap_s + dt_s <= s.max_gap_s and mouth_open is None:
            self._gap_s += dt_s
            self._open_s += dt_s
        else:
            self._open_s = self._gap_s = self._smile_sum = 0.0
            self._frames = 0
            self._yawning = False
        confirmed = False
        laughing = self._frames > 0 and self._smile_sum / self._frames > s.laugh_smile
        if not self._yawning and self._open_s >= s.min_duration_s and not laughing:
            self._yawning = confirmed = True
            self._count += 1
        return YawnState(self._open_s, self._yawning, confirmed, self._count)
