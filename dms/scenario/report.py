"""A replay's report: ``report.json`` and a timeline plot (``timeline.png``)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from dms import __version__
from dms.events import Event, EventKind
from dms.scenario.runner import ReplayResult
from dms.settings import effective

__all__ = ["report_dict", "write_report"]

#: Events drawn on the timeline (blinks and glances are too many to mark one by one).
MARKED = {
    EventKind.LONG_DISTRACTION: "tab:orange",
    EventKind.VATS: "tab:brown",
    EventKind.PHONE_USE: "tab:pink",
    EventKind.MICROSLEEP: "tab:purple",
    EventKind.SLEEP: "darkviolet",
    EventKind.UNRESPONSIVE: "red",
    EventKind.YAWN: "tab:olive",
    EventKind.FACE_LOST: "grey",
    EventKind.EYES_OCCLUDED: "black",
    EventKind.MRM_STARTED: "crimson",
    EventKind.DMS_UNAVAILABLE: "dimgrey",
    EventKind.LOCKOUT: "saddlebrown",
}


def report_dict(result: ReplayResult) -> dict[str, Any]:
    scenario = result.scenario
    by_status: Counter[str] = Counter()
    for (_, status), n in result.bus_counts.items():
        by_status[status.value] += n
    return {
        "scenario": scenario.name,
        "file": str(scenario.path),
        "scenario_sha256": scenario.sha256,
        "dms_version": __version__,
        "simulator": result.simulator,
        "duration_s": scenario.duration_s,
        "fps": scenario.fps,
        "seed": scenario.seed,
        "wall_s": round(result.wall_s, 3),
        "speedup": round(result.speedup, 1),
        "wall_s_by_node": {node: round(s, 3) for node, s in result.node_wall_s.items()},
        "passed": result.passed,
        "events": [event.as_dict() for event in result.events],
        "event_counts": dict(Counter(event.kind.value for event in result.events)),
        "expectations": [
            {
                "text": r.text,
                "pass": r.passed,
                "line": r.expectation.line,
                "found_at_s": [round(t, 3) for t in r.found_at_s],
            }
            for r in result.expectations
        ],
        "bus": {"frames": sum(by_status.values()), "by_status": dict(by_status)},
        "metrics": result.metrics.as_dict(),
        "settings": effective(result.settings),
        "settings_sources": {key: str(source) for key, source in result.settings_sources.items()},
        "support": [verdict.as_dict() for verdict in result.support],
    }


def write_report(result: ReplayResult, directory: Path, *, plot: bool = True) -> Path:
    """Write report.json (and, with ``plot``, timeline.png) into ``directory``; returns the
    JSON's path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "report.json"
    path.write_text(json.dumps(report_dict(result), indent=2) + "\n", encoding="utf-8")
    if plot:
        _plot(result, directory / "timeline.png")
    return path


def _plot(result: ReplayResult, path: Path) -> None:
    from dms.plotting import pyplot

    plt = pyplot()
    samples = result.samples
    t = [s.t_s for s in samples]
    fig, axes = plt.subplots(5, 1, sharex=True, figsize=(12, 10))
    axes[0].plot(t, [s.eye_open for s in samples], lw=0.8, color="tab:blue")
    axes[0].set_ylabel("eye openness")
    axes[0].set_ylim(-0.05, 1.1)
    axes[1].fill_between(
        t,
        0,
        [1.0 if s.eyes_on_road else 0.0 for s in samples],
        step="post",
        color="tab:green",
        alpha=0.6,
    )
    axes[1].set_ylabel("eyes on road")
    axes[1].set_yticks([0, 1], ["off", "on"])
    # No line where PERCLOS has no value yet (the window not filled or not judged).
    perclos = [s.perclos_pct if s.perclos_valid else float("nan") for s in samples]
    axes[2].plot(t, perclos, color="tab:red")
    axes[2].set_ylabel("PERCLOS %")
    axes[3].step(t, [s.drowsiness_level for s in samples], where="post", color="tab:purple")
    axes[3].set_ylabel("drowsiness\n(KSS-like)")
    axes[3].set_ylim(0.5, 9.5)
    speed = axes[4]
    speed.plot(t, [s.speed_kph for s in samples], color="black", lw=1.0, label="speed (km/h)")
    speed.set_ylabel("speed km/h")
    speed.fill_between(
        t,
        0,
        max(1.0, *(s.speed_kph for s in samples)),
        where=[s.mrm for s in samples],
        color="crimson",
        alpha=0.15,
        label="MRM",
    )
    alerts = speed.twinx()
    alerts.step(
        t,
        [s.alert_level for s in samples],
        where="post",
        color="tab:red",
        lw=1.0,
        label="alert level",
    )
    alerts.set_ylim(-0.2, 3.5)
    alerts.set_yticks([0, 1, 2, 3])
    alerts.set_ylabel("alert level", color="tab:red")
    speed.legend(loc="lower left", fontsize="small")
    speed.set_xlabel("time (s)")
    _mark_events(axes, result.events)
    for axis in axes:
        axis.grid(alpha=0.3)
    verdict = "all expectations hold" if result.passed else "EXPECTATIONS FAILED"
    axes[0].set_title(f"{result.scenario.name} — {verdict}")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _mark_events(axes: Any, events: list[Event]) -> None:
    labelled: set[EventKind] = set()
    for event in events:
        colour = MARKED.get(event.kind)
        if colour is None:
            continue
        for axis in axes:
            axis.axvline(event.t_s, color=colour, lw=1.0, alpha=0.7)
        if event.kind not in labelled:
            labelled.add(event.kind)
            axes[0].plot([], [], color=colour, label=event.kind.value.replace("_", " "))
    if labelled:
        axes[0].legend(loc="lower left", fontsize="small", ncol=min(5, len(labelled)))
