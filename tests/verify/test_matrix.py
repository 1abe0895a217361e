"""The matrix dms runs is the official calculator's: every row of its prediction sheet,
the protocol's points, and a drive for every cell the module can be tested on."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.errors import ConfigError
from dms.verify.cases import cases_for, not_testable
from dms.verify.matrix import CELLS, ROWS, Cell, Response, Table, total_points
from dms.verify.template import TemplateRow, prediction_rows

COPY = Path(__file__).resolve().parents[1] / "fixtures" / "ncap2026_dm_rows.tsv"


def _template_rows() -> list[TemplateRow]:
    """The installed calculator's rows, or the copy kept here when it is not installed."""
    try:
        return prediction_rows()
    except ConfigError:
        lines = [line for line in COPY.read_text().splitlines() if not line.startswith("#")]
        return [
            TemplateRow(sheet_row=int(n), table=t, task=k, movement=m, location=loc)
            for n, t, k, m, loc in (line.split("\t") for line in lines)
        ]


def test_every_row_of_the_template_maps_to_a_row_of_the_matrix() -> None:
    ours = {row.sheet_row: row for row in ROWS}
    theirs = _template_rows()
    assert len(theirs) == 47
    for row in theirs:
        mine = ours.get(row.sheet_row)
        assert mine is not None, row
        assert (mine.table.value, mine.task, mine.movement, mine.location) == (
            row.table,
            row.task,
            row.movement,
            row.location,
        )
    assert set(ours) == {row.sheet_row for row in theirs}


def test_the_points_are_the_protocols() -> None:
    assert total_points() == 25.0
    assert total_points(Table.LONG_DISTRACTION) == 5.0
    assert total_points(Table.SHORT_DISTRACTION) == 5.0
    assert total_points(Table.PHONE_USE) == 5.0
    assert total_points(Table.NON_TRANSIENT) == 10.0
    by_block = {table: sum(c.row.table is table for c in CELLS) for table in Table}
    assert by_block == {
        Table.LONG_DISTRACTION: 39,
        Table.SHORT_DISTRACTION: 31,
        Table.PHONE_USE: 42,
        Table.NON_TRANSIENT: 9,
    }


def test_driving_tasks_have_no_warning_cell() -> None:
    for cell in CELLS:
        if cell.row.task == "Driving task":
            assert cell.response is not Response.WARNING
    assert {c.ref for c in CELLS if c.row.task == "Unresponsive"} == {"F72"}


@pytest.mark.parametrize("cell", CELLS, ids=lambda cell: cell.ref)
def test_every_testable_cell_has_drives_of_its_behaviour(cell: Cell) -> None:
    if not_testable(cell) is not None:
        return
    cases = cases_for(cell, driver=0, seed=1, dress=lambda data: None)
    responses = {case.response for case in cases}
    if cell.response is Response.FORWARD_AND_LANE:
        assert responses == {Response.FORWARD, Response.LANE}
    else:
        assert responses == {cell.response}
    for case in cases:
        data = case.scenario
        assert data["timeline"] and data["duration_s"] > case.timing.flag_s
        assert ("target" in data) is (case.response is Response.FORWARD)
        assert case.paired is (case.response in (Response.FORWARD, Response.LANE))
        if case.response is Response.FORWARD:
            assert 30 <= data["vehicle"]["speed_kph"] <= 80
            assert data["target"]["impact_location_pct"] in (25, 50, 75)
