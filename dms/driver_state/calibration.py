"""The driver's own road-ahead direction, learnt while driving.

Cameras sit below or beside the line of sight and the face model reads frontal faces a
few degrees pitched, so "straight ahead" differs per driver and per car. Like openpilot's
driver-monitoring policy, we learn it from the driver's own behaviour: while the car
moves, gaze rests on the road far more than anywhere else, so the most frequent gaze
direction (the mode of a 1-degree histogram) is the road. Calibrated after 60 s of such
frames; until then the best estimate so far is used (after a few seconds).

The memory is bounded and recency-weighted, like openpilot's capped pose statistics: once
it holds ``memory_s`` of samples, older ones fade in proportion to what comes in, so a new
driver or a bumped camera is learnt within a couple of minutes. And an estimate must lie
near the straight-ahead the camera's mounting predicts (the prior): a long early look at a
screen or a mirror is never learnt as the road.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["CalibrationSettings", "NeutralPose"]


@dataclass(frozen=True, slots=True)
class CalibrationSettings:
    needed_s: float = 60.0  # openpilot calibrates its driver pose over about a minute
    first_estimate_s: float = 3.0
    min_speed_mps: float = 5.0  # learn only while driving
    span_deg: int = 60  # the histogram covers +-60 degrees
    update_every_s: float = 1.0
    cluster_deg: int = 5  # the road cluster spans about +-5 degrees around its peak
    majority: float = 0.5  # the road cluster must hold at least this share of the samples
    # openpilot caps its pose statistics at a few minutes of samples; past this, older
    # samples fade as new ones come, so the new majority wins within memory_s * ln 2.
    memory_s: float = 180.0
    # A driver's straight ahead lies within this many degrees of the prior (the mounting's
    # straight ahead): a seat moved, another driver, a camera not quite where it was said
    # to be (a resting pose of up to 30 degrees either way). The centre screen (31 degrees
    # aside, 26 down), the mirrors and the lap lie beyond it.
    plausible_deg: float = 32.0


class NeutralPose:
    """Pure estimator: ``update(yaw, pitch, usable, dt_s) -> (neutral yaw, neutral pitch)``."""

    def __init__(
        self, settings: CalibrationSettings | None = None, prior: tuple[float, float] = (0.0, 0.0)
    ) -> None:
        self.settings = s = settings or CalibrationSettings()
        self._size = size = 2 * s.span_deg + 1
        self._histogram = np.zeros((size, size), dtype=np.float32)
        # Samples since the last estimate, added to the histogram when the next estimate
        # needs it: numpy calls scattered over frames run cold and cost more than the rest
        # of the update, and the pending samples also give the span of the gaze cheaply.
        self._pending: list[tuple[int, int, float]] = []
        # The rows and columns the samples span: the only part of the histogram with mass.
        self._row_span = (size, -1)
        self._col_span = (size, -1)
        self._samples_s = 0.0
        self._since_update_s = 0.0
        self._prior = prior
        self.yaw_deg, self.pitch_deg = prior

    @property
    def progress(self) -> float:
        """0..1: how much of the needed driving has been seen."""
        return min(1.0, self._samples_s / self.settings.needed_s)

    @property
    def calibrated(self) -> bool:
        return self._samples_s >= self.settings.needed_s - 1e-6

    def update(
        self, yaw_deg: float, pitch_deg: float, usable: bool, dt_s: float
    ) -> tuple[float, float]:
        s = self.settings
        if usable:
            row = round(pitch_deg) + s.span_deg
            col = round(yaw_deg) + s.span_deg
            if 0 <= row < self._size and 0 <= col < self._size:
                self._pending.append((row, col, dt_s))
                self._samples_s += dt_s
                self._since_update_s += dt_s
        if self._since_update_s >= s.update_every_s and self._samples_s >= s.first_estimate_s:
            self._since_update_s = 0.0
            estimate = self._road_cluster()
            if estimate is not None and self._plausible(*estimate):
                self.yaw_deg, self.pitch_deg = estimate
            self._fade()
        return self.yaw_deg, self.pitch_deg

    def _plausible(self, yaw_deg: float, pitch_deg: float) -> bool:
        prior_yaw, prior_pitch = self._prior
        return (
            math.hypot(yaw_deg - prior_yaw, pitch_deg - prior_pitch) <= self.settings.plausible_deg
        )

    def _fade(self) -> None:
        """Keep at most ``memory_s`` of samples: scale the old down to make room."""
        s = self.settings
        if self._samples_s > s.memory_s:
            self._histogram *= np.float32(s.memory_s / self._samples_s)
            self._samples_s = s.memory_s

    def _flush(self) -> None:
        """Add the pending samples to the histogram one by one, in order: the same float32
        sums as adding each when it came."""
        if self._pending:
            hist = self._histogram
            for row, col, dt_s in self._pending:
                hist[row, col] += dt_s
            rows, cols, _ = zip(*self._pending, strict=True)
            self._pending.clear()
            self._row_span = (min(self._row_span[0], *rows), max(self._row_span[1], *rows))
            self._col_span = (min(self._col_span[0], *cols), max(self._col_span[1], *cols))

    def _occupied(self, reach: int) -> tuple[slice, slice]:
        """The rows and columns within ``reach`` of a sample: the only cells with mass."""
        (top, bottom), (left, right) = self._row_span, self._col_span
        return (
            slice(max(0, top - reach), bottom + reach + 1),
            slice(max(0, left - reach), right + reach + 1),
        )

    def _road_cluster(self) -> tuple[float, float] | None:
        """The centre of the heaviest +-5 degree cluster of gaze directions, when it holds a
        clear majority of the samples (else no estimate: a long early glance must not pass
        for the road). Cluster mass, not the raw peak: a road-watching gaze sways over
        several degrees, a glance at a screen sits still and piles into few bins."""
        s = self.settings
        self._flush()
        hist = self._histogram
        reach = s.cluster_deg
        # Only cells within reach of a sample have mass, and the gaze covers a small part
        # of the histogram: filtering that part alone gives the very same sums (the filter
        # pads with zeros, as the histogram is around the part) at a fraction of the cost.
        rows, cols = self._occupied(reach)
        mass = _box_sums(hist[rows, cols], reach)
        row, col = divmod(int(np.argmax(mass)), mass.shape[1])
        if float(mass[row, col]) < s.majority * self._samples_s:
            return None
        row, col = row + rows.start, col + cols.start
        r0, r1 = max(0, row - reach), min(hist.shape[0], row + reach + 1)
        c0, c1 = max(0, col - reach), min(hist.shape[1], col + reach + 1)
        window = hist[r0:r1, c0:c1]
        total = float(window.sum())
        window_rows = np.arange(r0, r1, dtype=np.float64)[:, None]
        window_cols = np.arange(c0, c1, dtype=np.float64)[None, :]
        pitch = float((window * window_rows).sum()) / total - s.span_deg
        yaw = float((window * window_cols).sum()) / total - s.span_deg
        return yaw, pitch


def _box_sums(values: np.ndarray, reach: int) -> np.ndarray:
    """Each cell's sum over the square of side ``2 * reach + 1`` around it, zeros beyond
    the edge (``scipy.ndimage.uniform_filter(mode="constant")`` times the square's size),
    from a summed-area table: numpy only, so the camera module needs no scipy."""
    side = 2 * reach + 1
    table = np.zeros((values.shape[0] + 2 * reach + 1, values.shape[1] + 2 * reach + 1))
    table[1:, 1:] = np.pad(values, reach).cumsum(axis=0).cumsum(axis=1)
    return table[side:, side:] - table[:-side, side:] - table[side:, :-side] + table[:-side, :-side]
