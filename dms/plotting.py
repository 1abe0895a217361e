"""Plots as PNG files (matplotlib, headless)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dms.sensor.features import FaceFeatures

__all__ = ["plot_features", "pyplot"]


def pyplot() -> Any:
    """matplotlib's pyplot on the file-only Agg backend (loaded on first use)."""
    import matplotlib

    matplotlib.use("Agg")  # files only: never needs a display
    import matplotlib.pyplot as plt

    return plt


def plot_features(features: Sequence[FaceFeatures], path: Path, title: str = "") -> None:
    """Eye openness, mouth, head pose and gaze of a clip over time."""
    plt = pyplot()
    t = [f.t_s for f in features]
    present = [f.face_present for f in features]

    def series(name: str) -> list[float]:
        return [getattr(f, name) if f.face_present else float("nan") for f in features]

    fig, axes = plt.subplots(4, 1, sharex=True, figsize=(10, 9))
    axes[0].plot(t, series("eye_open_left"), label="left eye open")
    axes[0].plot(t, series("eye_open_right"), label="right eye open")
    axes[0].fill_between(
        t, 0, 1, where=[f.eyes_closed for f in features], alpha=0.2, label="eyes closed"
    )
    axes[0].fill_between(
        t,
        0,
        1,
        where=[p and not f.eyes_visible for p, f in zip(present, features, strict=True)],
        color="grey",
        alpha=0.4,
        label="eyes not visible",
    )
    axes[0].set_ylabel("openness")
    axes[1].plot(t, series("mouth_open"), label="mouth open")
    axes[1].plot(t, series("smile"), label="smile")
    axes[1].set_ylabel("0..1")
    for name in ("head_yaw_deg", "head_pitch_deg", "head_roll_deg"):
        axes[2].plot(t, series(name), label=name.removesuffix("_deg").replace("_", " "))
    axes[2].set_ylabel("degrees")
    for name in ("gaze_yaw_deg", "gaze_pitch_deg"):
        axes[3].plot(t, series(name), label=name.removesuffix("_deg").replace("_", " "))
    axes[3].fill_between(
        t, -60, 60, where=[not p for p in present], color="red", alpha=0.15, label="no face"
    )
    axes[3].set_ylabel("degrees")
    axes[3].set_xlabel("time (s)")
    for axis in axes:
        axis.legend(loc="upper right", fontsize="small")
        axis.grid(alpha=0.3)
    axes[0].set_title(title or "features")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
