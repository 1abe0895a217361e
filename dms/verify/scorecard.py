"""From runs to cells to points: the matrix's verdicts and the Driver Monitoring score.

A cell is GREEN when every one of its drives passed, RED (with the first failure's
reason and how many failed) otherwise, and N/A where the module cannot sense it or the
synthetic driver cannot perform it (with why). A scoring group earns a response's points
only when every cell of it for that response is GREEN (the calculator's rule). The lab's
verification sample, where there is one, confirms or takes back points by the
calculator's rules (:func:`score`), so our figure and the official one
(:mod:`dms.verify.workbook`) can be compared; the gates it applies first, the mandatory
noise variables and the general requirements, are reported as not assessed where dms
does not test them yet.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from dms.verify.cases import not_testable
from dms.verify.judge import RunVerdict
from dms.verify.matrix import CELLS, NOISE_VARIABLES, POINTS, Cell, Response, Table, total_points

__all__ = ["GATES", "CellStatus", "CellVerdict", "Scorecard", "Verified", "cell_verdicts", "score"]


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
    points: float  # what the cells earn, out of :attr:`maximum`
    gated_points: float | None  # after the gates (None: a gate not assessed)
    maximum: float
    gates: dict[str, str]  # what the calculator checks before any points, and its state

    def as_dict(self) -> dict[str, Any]:
        return {
            "driver_monitoring": {
                "points": self.points,
                "max_points": self.maximum,
                "after_gates": self.gated_points,
            },
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


@dataclass(frozen=True, slots=True, kw_only=True)
class Verified:
    """One test of the lab's verification sample and its result."""

    cell: Cell
    requirement: Response
    passed: bool


#: The verification a warning failure costs an intervention that was not itself tested:
#: both supports for a long distraction, lane support for a short one and phone use.
_CASCADE = {
    Table.LONG_DISTRACTION: (Response.FORWARD, Response.LANE),
    Table.SHORT_DISTRACTION: (Response.LANE,),
    Table.PHONE_USE: (Response.LANE,),
}


_INTERVENTIONS = (Response.FORWARD, Response.LANE)


def score(
    verdicts: Sequence[CellVerdict],
    verification: Sequence[Verified] = (),
    gates: dict[str, bool | None] | None = None,
) -> Scorecard:
    """The points the verdicts earn, group by group: a group earns a response's points
    when all its cells for it are GREEN and the lab's tests of them (``verification``,
    none: all confirmed) passed. A failed warning test also costs an intervention the lab
    did not test (:data:`_CASCADE`), and where it did test it, that test decides both
    supports; a driving task's interventions are scored on the
    prediction alone. ``gates`` (name -> passed, ``None`` not assessed) come first: one
    failed is no points, one not assessed leaves the total unassessed."""
    green: dict[tuple[Table, str, Response], bool] = {}
    for verdict in verdicts:
        row = verdict.cell.row
        key = (row.table, row.group, verdict.cell.response)
        green[key] = green.get(key, True) and verdict.status is CellStatus.GREEN
    tested: dict[tuple[Table, str, Response], bool] = {}
    for test in verification:
        row = test.cell.row
        key = (row.table, row.group, test.requirement)
        tested[key] = tested.get(key, True) and test.passed
    group_points: dict[tuple[Table, str, str], float] = {}
    table_points: dict[Table, float] = dict.fromkeys(Table, 0.0)
    for (table, group), points in POINTS.items():
        warning_failed = (
            green.get((table, group, Response.WARNING), False)
            and tested.get((table, group, Response.WARNING)) is False
        )
        interventions = [
            tested[(table, group, response)]
            for response in (Response.FORWARD, Response.LANE)
            if (table, group, response) in tested
        ]
        intervention_tested = bool(interventions)
        for response, value in points.items():
            key = (table, group, response)
            confirmed = tested.get(key, True) or group.startswith("Driving task")
            if warning_failed and intervention_tested and response in _INTERVENTIONS:
                confirmed = all(interventions)  # its own tests decide both supports
            lost = (
                warning_failed and not intervention_tested and response in _CASCADE.get(table, ())
            )
            earned = value if green.get(key, False) and confirmed and not lost else 0.0
            group_points[(table, group, response.value)] = earned
            table_points[table] += earned
    checks = gates if gates is not None else dict.fromkeys(GATES)
    earned_points = round(sum(table_points.values()), 3)
    gated: float | None = earned_points
    if any(state is False for state in checks.values()):
        gated = 0.0
    elif any(state is None for state in checks.values()):
        gated = None
    return Scorecard(
        cells=tuple(verdicts),
        table_points={t: round(p, 3) for t, p in table_points.items()},
        group_points=group_points,
        points=earned_points,
        gated_points=gated,
        maximum=total_points(),
        gates={name: _GATE_STATE[state] for name, state in checks.items()},
    )


#: What the calculator checks before any points: the mandatory noise variables and the
#: general requirements.
GATES = (
    *(f"noise variable: {nv.element}" for nv in NOISE_VARIABLES if nv.mandatory),
    "general requirements",
)
_GATE_STATE = {True: "passed", False: "FAILED", None: "not assessed"}
