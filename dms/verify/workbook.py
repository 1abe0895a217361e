"""The official flow, as a lab runs it, through Euro NCAP's own calculator
(``euroncap-rating-2026``, ``pip install 'dms[ncap]'``).

1. The OEM's prediction: our matrix run fills "DE - DM pred." of a copy of the
   installed template (:func:`write_prediction`): Green, Red or N/A per cell, and the
   noise variables dms has tested.
2. ``euroncap_rating_2026 safe_driving preprocess`` draws the lab's verification sample
   into "DE - DM verif." (:func:`preprocess`; seeded, so a run can be reproduced: the
   calculator draws with Python's ``random``).
3. The lab's results: the drawn tests re-run with fresh seeds go into the sheet's Value
   column, with the general requirements (:func:`write_verification`).
4. ``compute-score`` gives the points; "Test Scores", row "Driver monitoring", is the
   official figure (:func:`compute_score`; ``None`` where the calculator leaves it
   blank: not assessed).

The calculator runs as its command line, in a subprocess whose working folder is ours
(it writes its log into the working folder).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms.errors import ConfigError
from dms.verify.matrix import CELLS, NOISE_VARIABLES, PRED_SHEET, Cell, Response
from dms.verify.template import template_path

__all__ = [
    "VERIF_SHEET",
    "SampleRow",
    "compute_score",
    "general_requirements",
    "preprocess",
    "read_sample",
    "write_prediction",
    "write_verification",
]

VERIF_SHEET = "DE - DM verif."
PREPROCESSED = "sd_preprocessed_template.xlsx"
#: What the sheets take, exactly as the calculator compares them.
GREEN, RED, NOT_APPLICABLE = "Green", "Red", "N/A"
FUNCTIONAL, NOT_FUNCTIONAL = "Functional", "Non Functional"
PASS, FAIL = "PASS", "FAIL"
_BY_REF = {cell.ref: cell for cell in CELLS}
_TEST_POINT = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)")


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleRow:
    """One test the calculator drew for the lab to verify."""

    sheet_row: int  # on "DE - DM verif."
    cell: Cell
    category: str  # "Transient - Long distraction", ...
    requirement: Response
    noise: str  # the noise variable to run it with ("": none)
    scenario: str  # the forward test drawn, e.g. "CCRs, IL 25%, VUT 50 km/h, Target 0 km/h"


def _openpyxl() -> Any:
    """openpyxl, imported when a workbook is touched (an extra: ``dms[ncap]``)."""
    try:
        import openpyxl
    except ImportError:
        needs = "pip install 'dms[ncap]'"
        raise ConfigError(f"the calculator's workbook needs openpyxl: {needs}") from None
    return openpyxl


def write_prediction(path: Path, cells: dict[str, str], noise: dict[str, str]) -> Path:
    """A copy of the installed template at ``path`` with ``cells`` (reference -> Green,
    Red or N/A) and ``noise`` (element -> Functional or Non Functional; the others stay
    blank: not assessed) filled in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template_path(), path)
    workbook = _openpyxl().load_workbook(path)
    sheet = workbook[PRED_SHEET]
    for variable in NOISE_VARIABLES:
        value = noise.get(variable.element or variable.category)
        if value is not None:
            sheet[f"D{variable.sheet_row}"] = value
    for ref, value in cells.items():
        if ref not in _BY_REF:
            raise ConfigError(f"{ref} is not a predicted cell of {PRED_SHEET!r}")
        sheet[ref] = value
    workbook.save(path)
    return path


def _calculator(args: list[str], folder: Path, seed: int | None = None) -> None:
    """The calculator's command line; with ``seed`` its random draws are repeatable."""
    code = "import sys; from euroncap_rating_2026.cli import cli; sys.argv[0] = 'x'; cli()"
    env = dict(os.environ)
    if seed is not None:
        code = f"import random; random.seed({seed}); " + code
        env["PYTHONHASHSEED"] = "0"  # it also walks sets of strings
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or "Error" in result.stdout.split("\n", 1)[0]:
        words = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise ConfigError(f"the Euro NCAP calculator ({' '.join(args[:2])}): {' '.join(words)}")


def preprocess(prediction: Path, *, seed: int) -> Path:
    """The lab's verification sample drawn into the workbook beside ``prediction``."""
    prediction = prediction.resolve()  # the calculator runs in that folder
    folder = prediction.parent
    _calculator(
        ["safe_driving", "preprocess", "-i", str(prediction), "-o", str(folder)], folder, seed
    )
    return folder / PREPROCESSED


def read_sample(preprocessed: Path) -> list[SampleRow]:
    """The tests the calculator drew (none where a mandatory noise variable failed)."""
    workbook = _openpyxl().load_workbook(preprocessed, read_only=True)
    try:
        rows = list(workbook[VERIF_SHEET].iter_rows(values_only=True))
    finally:
        workbook.close()
    header = next((i for i, row in enumerate(rows) if i > 0 and row and row[0] == "Category"), None)
    if header is None:
        return []
    names = [str(name) if name is not None else "" for name in rows[header]]
    column = {name: names.index(name) for name in names if name}
    sample, category = [], ""
    for offset, row in enumerate(rows[header + 1 :], header + 2):
        category = str(row[column["Category"]] or category)  # written once per block
        point = _TEST_POINT.search(str(row[column["Test point"]] or ""))
        if point is None:
            continue
        ref = f"{'ABCDEF'[int(point.group(2)) - 1]}{point.group(1)}"
        sample.append(
            SampleRow(
                sheet_row=offset,
                cell=_BY_REF[ref],
                category=category,
                requirement=Response(str(row[column["Requirement"]])),
                noise=str(row[column["Noise variable"]] or ""),
                scenario=str(row[column["Test scenario"]] or ""),
            )
        )
    return sample


def write_verification(
    preprocessed: Path, results: dict[int, bool], general: dict[str, str]
) -> None:
    """The lab's results: ``results`` by verification-sheet row, ``general`` (a general
    requirement's text -> PASS, FAIL or N/A). Every cell is written: the calculator
    carries a blank down from the row above."""
    workbook = _openpyxl().load_workbook(preprocessed)
    sheet = workbook[VERIF_SHEET]
    header = [cell.value for cell in sheet[1]]
    if "Value" not in header:  # a mandatory noise variable failed: nothing to verify
        workbook.close()
        return
    value = 1 + header.index("Value")
    row = 2
    while sheet.cell(row, 2).value:  # the general requirements, then a blank row
        text = str(sheet.cell(row, 2).value)
        if text in general:
            sheet.cell(row, value, general[text])
        row += 1
    for sheet_row, passed in results.items():
        sheet.cell(sheet_row, value, PASS if passed else FAIL)
    workbook.save(preprocessed)


def general_requirements(preprocessed: Path) -> list[str]:
    """The texts of the general requirements on the verification sheet."""
    workbook = _openpyxl().load_workbook(preprocessed, read_only=True)
    try:
        texts: list[str] = []
        sheet = workbook[VERIF_SHEET]
        if "Value" not in next(sheet.iter_rows(max_row=1, values_only=True)):
            return texts  # only the calculator's message that nothing is to be verified
        for row in sheet.iter_rows(min_row=2, max_col=2, values_only=True):
            if not row[1]:
                break
            texts.append(str(row[1]))
        return texts
    finally:
        workbook.close()


def compute_score(preprocessed: Path) -> float | None:
    """The calculator's Driver Monitoring points (``None``: it left them blank)."""
    preprocessed = preprocessed.resolve()
    folder = preprocessed.parent
    before = set(folder.glob("sd_*_report.xlsx"))
    _calculator(
        ["safe_driving", "compute-score", "-i", str(preprocessed), "-o", str(folder)], folder
    )
    reports = sorted(set(folder.glob("sd_*_report.xlsx")) - before)
    if not reports:
        raise ConfigError(f"the Euro NCAP calculator wrote no report in {folder}")
    workbook = _openpyxl().load_workbook(reports[-1], data_only=True, read_only=True)
    try:
        for row in workbook["Test Scores"].iter_rows(values_only=True):
            if len(row) > 3 and row[2] == "Driver monitoring":
                return float(row[3]) if isinstance(row[3], (int, float)) else None
    finally:
        workbook.close()
    raise ConfigError(f"{reports[-1].name}: no 'Driver monitoring' row in 'Test Scores'")
