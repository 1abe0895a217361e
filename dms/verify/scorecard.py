"""From runs to cells to points: the matrix's verdicts and the Driver Monitoring score.

A cell is GREEN when every one of its drives passed, RED (with the first failure's
reason and how many failed) otherwise, and N/A where the module cannot sense it or the
synthetic driver cannot perform it (with why). A scoring group earns a response's points
only when every cell of it for that response is GREEN (the calculator's rule). Our score
is the prediction's: the official calculator also draws a verification sample and
applies its results (:mod:`dms.verify.workbook`). The gates it applies first, the
mandatory noise variables and the general requirements, are reported as not assessed
where dms does not test them yet.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dms.verify.cases import not_testable
from dms.verify.judge import RunVerdict
from dms.verify.matrix import CELLS, NOISE_VARIABLES, POINTS, Cell, Table, total_points

__all__ = ["CellStatus", "CellVerdict", "Scorecard", "score"]


class CellStatus(str, enum.Enum):
    GREEN = "GREEN"
    RED = "RED"
    NOT_APPLICABLE = "N/A"


@dataclass(frozen=True, slots=True, kw_only=True)
class CellVerdict:
    cell: Cell
    status: CellStatus
    reason: str
    runs: tuple[RunVerdict, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        row = self.cell.row
        return {
            "cell": self.cell.ref,
            "table": row.table.value,
            "task": row.task,
            "movement": row.movement,
            "location": row.location,
            "response": self.cell.response.value,
            "status": self.status.value,
            "reason": self.reason,
            "runs": [run.as_dict() for run in self.runs],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Scorecard:
    cells: tuple[CellVerdict, ...]
    #: points per table, and per (table, group, response)
    table_points: dict[Table, float]
    group_points: dict[tuple[Table, str, str], float]
    points: float  # the prediction's Driver Monitoring points, out of :attr:`maximum`
    maximum: float
    gates: dict[str, str]  # what the calculator checks before any points, and its state

    def as_dict(self) -> dict[str, Any]:
        return {
            "driver_monitoring": {"points": self.points, "max_points": self.maximum},
            "categories": {table.value: points for table, points in self.table_points.items()},
            "groups": [
                {"table": t.value, "group": g, "response": r, "points": p}
                for (t, g, r), p in self.group_points.items()
            ],
            "gates": self.gates,
            "cells": [cell.as_dict() for cell in self.cells],
        }


def cell_verdicts(runs: Iterable[RunVerdict], cells: Sequence[Cell] = CELLS) -> list[CellVerdict]:
    by_cell: dict[str, list[RunVerdict]] = defaultdict(list)
    for run in runs:
        by_cell[run.cell].append(run)
    verdicts = []
    for cell in cells:
        why = not_testable(cell)
        done = tuple(sorted(by_cell.get(cell.ref, ()), key=lambda r: r.case_id))
        if why is not None:
            verdicts.append(CellVerdict(cell=cell, status=CellStatus.NOT_APPLICABLE, reason=why))
        elif not done:
            verdicts.append(CellVerdict(cell=cell, status=CellStatus.RED, reason="not run"))
        else:
            failed = [run for run in done if not run.passed]
            if failed:
                reason = f"{len(failed)} of {len(done)} drives failed; {failed[0].case_id}: "
                reason += failed[0].reason
                status = CellStatus.RED
            else:
                reason = f"all {len(done)} drives passed; e.g. {done[0].reason}"
                status = CellStatus.GREEN
            verdicts.append(CellVerdict(cell=cell, status=status, reason=reason, runs=done))
    return verdicts


def score(verdicts: Sequence[CellVerdict]) -> Scorecard:
    """The points the verdicts earn, group by group."""
    green: dict[tuple[Table, str, str], bool] = {}
    for verdict in verdicts:
        row = verdict.cell.row
        key = (row.table, row.group, verdict.cell.response.value)
        green[key] = green.get(key, True) and verdict.status is CellStatus.GREEN
    group_points: dict[tuple[Table, str, str], float] = {}
    table_points: dict[Table, float] = dict.fromkeys(Table, 0.0)
    for (table, group), points in POINTS.items():
        for response, value in points.items():
            key = (table, group, response.value)
            earned = value if green.get(key, False) else 0.0
            group_points[key] = earned
            table_points[table] += earned
    gates = {
        f"noise variable: {nv.element or nv.category}": "not assessed"
        for nv in NOISE_VARIABLES
        if nv.mandatory
    }
    gates["general requirements"] = "not assessed"
    maximum = total_points()
    return Scorecard(
        cells=tuple(verdicts),
        table_points={t: round(p, 3) for t, p in table_points.items()},
        group_points=group_points,
        points=round(sum(table_points.values()), 3),
        maximum=maximum,
        gates=gates,
    )
