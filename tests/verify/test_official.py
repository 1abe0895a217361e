"""Our score against Euro NCAP's own calculator on known matrices: the same predictions,
the calculator's own verification sample with known results, the same points."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.errors import ConfigError
from dms.verify import workbook
from dms.verify.matrix import CELLS, GENERAL_REQUIREMENTS, NOISE_VARIABLES, Table
from dms.verify.official import SHEET_VALUE
from dms.verify.scorecard import GATES, CellStatus, CellVerdict, Verified, score
from dms.verify.template import template_path

pytestmark = pytest.mark.slow

try:
    template_path()
except ConfigError as missing:
    pytest.skip(f"the calculator is not installed: {missing}", allow_module_level=True)


def _both(
    folder: Path,
    red_tables: set[Table],
    failing: set[str],
    seed: int,
    general: tuple[str, ...] = (),
) -> tuple[float | None, float | None]:
    """(ours, the calculator's) for every cell GREEN but those of ``red_tables``, where
    the drawn tests of the categories in ``failing`` fail. ``general``: the answers of the
    general requirements in order, the rest PASS ("" leaves one blank: not assessed)."""
    verdicts = [
        CellVerdict(
            cell=cell,
            status=CellStatus.RED if cell.row.table in red_tables else CellStatus.GREEN,
            reason="known",
        )
        for cell in CELLS
    ]
    noise = {(nv.element or nv.category): "Functional" for nv in NOISE_VARIABLES}
    cells = {v.cell.ref: SHEET_VALUE[v.status] for v in verdicts}
    prediction = workbook.write_prediction(folder / "prediction.xlsx", cells, noise)
    drawn = workbook.preprocess(prediction, seed=seed)
    sample = workbook.read_sample(drawn)
    assert sample, "the calculator drew no tests"
    results = {row.sheet_row: row.category not in failing for row in sample}
    texts = workbook.general_requirements(drawn)
    answers = dict(zip(texts, general + ("PASS",) * (len(texts) - len(general)), strict=True))
    workbook.write_verification(drawn, results, {t: a for t, a in answers.items() if a})
    official = workbook.compute_score(drawn)
    tests = [
        Verified(cell=row.cell, requirement=row.requirement, passed=results[row.sheet_row])
        for row in sample
    ]
    gates: dict[str, bool | None] = dict.fromkeys(GATES, True)
    if "" in general:
        gates["general requirements"] = None
    elif "FAIL" in general:
        gates["general requirements"] = False
    ours = score(verdicts, tests, gates).gated_points
    return ours, official


@pytest.mark.parametrize(
    ("red", "failing", "expected"),
    [
        (set(), set(), 25.0),
        ({Table.LONG_DISTRACTION}, set(), 20.0),
        # every long-distraction test failing: only its driving tasks' 2 points are left
        (set(), {"Transient - Long distraction"}, 22.0),
        ({Table.PHONE_USE}, {"Transient - Short distraction", "Non-transient - Sleep"}, None),
    ],
)
def test_our_score_is_the_calculators(
    tmp_path: Path, red: set[Table], failing: set[str], expected: float | None
) -> None:
    ours, official = _both(tmp_path, red, failing, seed=11)
    assert official is not None
    assert ours == official
    if expected is not None:
        assert official == expected


@pytest.mark.parametrize(
    ("general", "expected"),
    [
        (("FAIL",), 0.0),  # one general requirement failed: no points
        (("FAIL", ""), None),  # and one not assessed: the calculator leaves it blank
    ],
)
def test_the_general_requirements_gate_the_score_as_the_calculator_does(
    tmp_path: Path, general: tuple[str, ...], expected: float | None
) -> None:
    ours, official = _both(tmp_path, set(), set(), seed=11, general=general)
    assert ours == official == expected


def test_the_general_requirements_are_the_verification_sheets(tmp_path: Path) -> None:
    """dms's measured answers go in by the requirement's text: it must be the sheet's."""
    noise = {(nv.element or nv.category): "Functional" for nv in NOISE_VARIABLES}
    cells = {cell.ref: SHEET_VALUE[CellStatus.GREEN] for cell in CELLS}
    drawn = workbook.preprocess(
        workbook.write_prediction(tmp_path / "p.xlsx", cells, noise), seed=3
    )
    assert workbook.general_requirements(drawn) == list(GENERAL_REQUIREMENTS)


def test_dms_verify_runs_the_official_flow_and_agrees(tmp_path: Path) -> None:
    """The microsleep and sleep warnings predicted GREEN by our drives, the calculator's
    sample of them re-run with fresh seeds, and its score equal to ours."""
    import json
    import subprocess
    import sys

    declared = [
        arg
        for nv in NOISE_VARIABLES
        if nv.mandatory
        for arg in ("--noise", f"{nv.element}=Functional")
    ]
    command = [sys.executable, "-m", "dms.cli", "verify", "--out", "out"]  # relative
    chosen = ["--drivers", "1", "--only", "D70", "--only", "D71", "--general", "all=PASS"]
    result = subprocess.run(
        [*command, *chosen, *declared],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    card = json.loads((tmp_path / "out" / "scorecard.json").read_text())
    official = card["official"]
    assert official["sample"] >= 2  # both warnings are always drawn
    assert official["points"] == official["ours"] == 1.0
    assert official["declared_noise"]["Face-mask"] == "Functional"
    assert (tmp_path / "out" / "euroncap-dm.xlsx").is_file()
    assert "official calculator (euroncap-rating-2026" in result.stdout
