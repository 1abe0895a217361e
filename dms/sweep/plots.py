"""The sweep's plots: detection rate, latency and false alarms against each variable.

One PNG per measure, a panel per variable (axis or driver trait); with two axes or more a
map of the detection rate over the first two. Drawn from the table's rows (text), as the
summary is.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dms.plotting import pyplot
from dms.sweep.spec import SweepSpec
from dms.sweep.table import Group, Row, groups

__all__ = ["plot_sweep"]

_COLUMNS = 4  # panels per row of a figure


def plot_sweep(spec: SweepSpec, rows: Sequence[Row], folder: Path) -> list[Path]:
    """Write the plots into ``folder``; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    by_variable = {column: groups(rows, column) for column in spec.variables}
    written = [
        _measure(spec, by_variable, folder / "detection_rate.png", "detection rate", _rate),
        _measure(spec, by_variable, folder / "latency.png", "detection latency (s)", _latency),
        _measure(spec, by_variable, folder / "false_alarms.png", "false alarms per hour", _alarms),
    ]
    if len(spec.axes) >= 2:
        written.append(_rate_map(spec, rows, folder / "detection_map.png"))
    return written


Band = tuple[float | None, float | None, float | None]  # (value, low, high)


def _rate(group: Group) -> Band:
    interval = group.detection_interval()
    low, high = interval if interval is not None else (None, None)
    return group.detection_rate, low, high


def _latency(group: Group) -> Band:
    latencies = sorted(group.latencies())
    if not latencies:
        return None, None, None
    quartile = max(0, len(latencies) // 4)
    return statistics.median(latencies), latencies[quartile], latencies[-1 - quartile]


def _alarms(group: Group) -> Band:
    return group.false_alarms_per_hour, None, None


def _measure(
    spec: SweepSpec,
    by_variable: dict[str, list[Group]],
    path: Path,
    label: str,
    measure: Callable[[Group], Band],
) -> Path:
    plt = pyplot()
    count = len(by_variable)
    ncols = min(_COLUMNS, count)
    nrows = math.ceil(count / ncols)
    fig, panels = plt.subplots(
        nrows, ncols, figsize=(3.6 * ncols, 2.9 * nrows), squeeze=False, sharey=True
    )
    for panel, (column, found) in zip(panels.flat, by_variable.items(), strict=False):
        bands = [measure(group) for group in found]
        numeric = all(group.x is not None for group in found)
        xs: list[float] = [g.x or 0.0 for g in found] if numeric else list(range(len(found)))
        values = [math.nan if v is None else v for v, _, _ in bands]
        panel.plot(xs, values, marker="o")
        if any(low is not None for _, low, _ in bands):
            low = [math.nan if lo is None else lo for _, lo, _ in bands]
            high = [math.nan if hi is None else hi for _, _, hi in bands]
            panel.fill_between(xs, low, high, alpha=0.2)
        if not numeric:
            panel.set_xticks(xs, [g.label for g in found], rotation=30)
        panel.set_xlabel(column)
        panel.grid(alpha=0.3)
    for panel in panels.flat[count:]:
        panel.set_visible(False)
    for row in panels:
        row[0].set_ylabel(label)
    fig.suptitle(f"{spec.name}: {label} ({sum(len(g.rows) for g in _first(by_variable))} runs)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _first(by_variable: dict[str, list[Group]]) -> list[Group]:
    return next(iter(by_variable.values()), [])


def _rate_map(spec: SweepSpec, rows: Sequence[Row], path: Path) -> Path:
    """The detection rate over the first two axes, every cell labelled."""
    plt = pyplot()
    across, down = spec.axes[0].name, spec.axes[1].name
    columns = groups(rows, across)
    lines = groups(rows, down)
    grid: list[list[float]] = []
    for line in lines:
        inside = {id(row) for row in line.rows}
        cells = []
        for column in columns:
            shared = [row for row in column.rows if id(row) in inside]
            rate = Group(label="", x=None, rows=tuple(shared)).detection_rate
            cells.append(math.nan if rate is None else rate)
        grid.append(cells)
    fig, panel = plt.subplots(figsize=(1.0 + 1.1 * len(columns), 1.2 + 0.6 * len(lines)))
    image: Any = panel.imshow(grid, vmin=0.0, vmax=1.0, cmap="viridis", aspect="auto")
    for i, cells in enumerate(grid):
        for j, rate in enumerate(cells):
            if not math.isnan(rate):
                colour = "black" if rate > 0.6 else "white"
                panel.text(j, i, f"{rate:.0%}", ha="center", va="center", color=colour)
    panel.set_xticks(range(len(columns)), [c.label for c in columns])
    panel.set_yticks(range(len(lines)), [line.label for line in lines])
    panel.set_xlabel(across)
    panel.set_ylabel(down)
    fig.colorbar(image, ax=panel, label="detection rate")
    panel.set_title(spec.name)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
