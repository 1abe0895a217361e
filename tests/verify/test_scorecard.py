"""Cells to points by the protocol's group rule: a group earns a response's points only
when every one of its cells for that response is GREEN."""

from __future__ import annotations

from collections.abc import Iterable

from dms.verify.cases import not_testable
from dms.verify.judge import RunVerdict
from dms.verify.matrix import CELLS, Cell, Response, Table
from dms.verify.scorecard import CellStatus, cell_verdicts, score


def _runs(failing: Iterable[str] = ()) -> list[RunVerdict]:
    """Two passing drives for every testable cell, but one failing for each ref given."""
    bad = set(failing)
    runs = []
    for cell in CELLS:
        if not_testable(cell) is not None:
            continue
        for driver in (0, 1):
            passed = not (driver == 1 and cell.ref in bad)
            runs.append(
                RunVerdict(
                    case_id=f"{cell.ref}-d{driver}",
                    cell=cell.ref,
                    response=cell.response,
                    driver=driver,
                    seed=1,
                    passed=passed,
                    reason="ok" if passed else "late",
                )
            )
    return runs


def _cell(ref: str) -> Cell:
    return next(cell for cell in CELLS if cell.ref == ref)


def test_all_green_earns_everything_the_module_can_be_tested_on() -> None:
    card = score(cell_verdicts(_runs()))
    lost = {
        "advanced phone use": 1.25 + 1.0 + 0.25,
        "non-fatigue impairment": 0.5 + 1.5,
        "body lean": 0.5 + 0.4 + 0.1,
        "drowsiness forward and lane support": 1.5,
    }
    assert card.points == 25.0 - sum(lost.values())
    assert card.table_points[Table.SHORT_DISTRACTION] == 5.0
    assert card.maximum == 25.0


def test_one_red_cell_loses_its_groups_points_and_only_those() -> None:
    everything = score(cell_verdicts(_runs())).points
    # D18: the long-distraction owl group's warning (0.5); E60: basic phone use's forward
    # support, owl and lizard together (1.0); F72: the emergency function (2.0)
    for ref, points in (("D18", 0.5), ("E60", 1.0), ("F72", 2.0)):
        verdicts = cell_verdicts(_runs(failing=[ref]))
        red = next(v for v in verdicts if v.cell.ref == ref)
        assert red.status is CellStatus.RED and "1 of 2 drives failed" in red.reason
        assert score(verdicts).points == round(everything - points, 3)


def test_cells_that_cannot_be_tested_say_why() -> None:
    verdicts = {v.cell.ref: v for v in cell_verdicts(_runs())}
    assert verdicts["D63"].status is CellStatus.NOT_APPLICABLE
    assert "phone detector" in verdicts["D63"].reason
    assert verdicts["E24"].status is CellStatus.NOT_APPLICABLE  # body lean
    assert _cell("F72").response is Response.EMERGENCY
    missing = cell_verdicts([], [_cell("D17")])
    assert missing[0].status is CellStatus.RED and missing[0].reason == "not run"
