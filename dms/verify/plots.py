"""One test drive's timeline as a small PNG, for the report: what the DMS saw, what the
ECU warned and what the car did, with the tested behaviour and its deadline marked."""

from __future__ import annotations

import io
from collections.abc import Sequence

from dms.events import Event, EventKind
from dms.scenario.runner import Sample

__all__ = ["drive_timeline_png"]

#: The car's and the ECU's answers, marked where they happened.
_MARKS = {
    EventKind.WARNING: "tab:red",
    EventKind.FCW: "darkorange",
    EventKind.AEB: "crimson",
    EventKind.LDW: "goldenrod",
    EventKind.LKA: "tab:green",
    EventKind.COLLISION: "black",
    EventKind.MRM_STARTED: "purple",
}


def drive_timeline_png(
    samples: Sequence[Sample],
    events: Sequence[Event],
    *,
    title: str,
    onset_s: float,
    due_s: float | None,
    passed: bool,
) -> bytes:
    """The drive's PNG: eye openness and eyes on the road, the alert level, the speed;
    the behaviour's start ``onset_s`` grey, the deadline ``due_s`` (if any) dashed."""
    from dms.plotting import pyplot

    plt = pyplot()
    t = [s.t_s for s in samples]
    fig, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 4.2))
    eyes, alerts, speed = axes
    eyes.plot(t, [s.eye_open for s in samples], lw=0.7, color="tab:blue", label="eye openness")
    eyes.fill_between(
        t,
        0,
        [0.15 if s.eyes_on_road else 0.0 for s in samples],
        step="post",
        color="tab:green",
        alpha=0.5,
        label="eyes on road",
    )
    eyes.set_ylim(-0.05, 1.1)
    eyes.legend(loc="upper right", fontsize="x-small", ncol=2)
    alerts.step(t, [s.alert_level for s in samples], where="post", color="tab:red", lw=1.0)
    alerts.set_ylim(-0.2, 3.4)
    alerts.set_yticks([0, 1, 2, 3])
    alerts.set_ylabel("alert", fontsize="small")
    speed.plot(t, [s.speed_kph for s in samples], color="black", lw=0.9)
    speed.set_ylabel("km/h", fontsize="small")
    speed.set_xlabel("time (s)", fontsize="small")
    for axis in axes:
        axis.axvline(onset_s, color="grey", lw=0.8)
        if due_s is not None:
            axis.axvline(due_s, color="tab:red", lw=0.8, ls="--")
        axis.grid(alpha=0.3)
        axis.tick_params(labelsize="x-small")
    shown: set[EventKind] = set()
    for event in events:
        colour = _MARKS.get(event.kind)
        if colour is None or (event.kind is EventKind.WARNING and (event.level or 0) < 1):
            continue
        label = None if event.kind in shown else event.kind.value.replace("_", " ")
        shown.add(event.kind)
        alerts.axvline(event.t_s, color=colour, lw=0.9, alpha=0.8, label=label)
    if shown:
        alerts.legend(loc="upper left", fontsize="x-small", ncol=len(shown))
    eyes.set_title(f"{'PASS' if passed else 'FAIL'}  {title}", fontsize="small", loc="left")
    fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.11, hspace=0.12)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    plt.close(fig)
    return buffer.getvalue()
