"""``dms verify``'s official flow: our matrix as the prediction, the calculator's drawn
sample re-run as the lab's verification (fresh seeds), and its score beside ours."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dms.settings import Assignment
from dms.sweep.engine import Engine
from dms.sweep.population import Population
from dms.verify import workbook
from dms.verify.cases import NOISE, Case, ForwardDraw, cases_for
from dms.verify.matrix import NOISE_VARIABLES
from dms.verify.run import dresser, run_cases
from dms.verify.scorecard import GATES, CellStatus, CellVerdict, Verified, score

__all__ = ["SHEET_VALUE", "VERIFY_SEED_BASE", "Official", "run_official"]

WORKBOOK = "euroncap-dm.xlsx"
#: Verification drives use seeds from here: none of the matrix run's.
VERIFY_SEED_BASE = 1000
#: A cell's verdict as the prediction sheet takes it.
SHEET_VALUE = {
    CellStatus.GREEN: workbook.GREEN,
    CellStatus.RED: workbook.RED,
    CellStatus.NOT_APPLICABLE: workbook.NOT_APPLICABLE,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Official:
    workbook: Path
    official: float | None  # the calculator's Driver Monitoring points (None: not assessed)
    ours: float | None  # ours, from the same predictions and verification
    sample: int  # tests drawn
    failed: tuple[str, ...]  # the drawn tests that failed, as "D18 Warning"
    notes: tuple[str, ...]  # why a figure is missing, what was declared


def run_official(
    verdicts: Sequence[CellVerdict],
    out: Path,
    *,
    population: Population,
    settings: Sequence[Assignment],
    noise: dict[str, str],
    general: dict[str, str],
    seed: int,
    workers: int,
    engine: Engine = "process",
    address: str | None = None,
) -> Official:
    """``noise``: the noise variables' performance, measured or declared; ``general``:
    the general requirements' answers by text, measured or declared."""
    cells = {v.cell.ref: SHEET_VALUE[v.status] for v in verdicts}
    path = workbook.write_prediction(out / "euroncap-dm-prediction.xlsx", cells, noise)
    drawn = workbook.preprocess(path, seed=seed)
    sample = workbook.read_sample(drawn)
    notes = []
    missing = [nv.element for nv in NOISE_VARIABLES if nv.mandatory and nv.element not in noise]
    if missing:
        notes.append(
            "mandatory noise variables not assessed (dms does not test them yet; "
            f"declare with --noise): {', '.join(missing)}"
        )
    texts = workbook.general_requirements(drawn)
    answers = {text: general.get(text, "") for text in texts}
    if not all(answers.values()):
        blank = sum(1 for answer in answers.values() if not answer)
        notes.append(
            f"{blank} general requirements not assessed (dms cannot test them; declare with "
            "--general all=PASS)"
        )
    drivers = population.draw()
    jobs: list[tuple[int, Case]] = []
    unperformed: dict[int, str] = {}
    for row in sample:
        if row.noise and row.noise not in NOISE:
            unperformed[row.sheet_row] = row.noise  # run without it, and say so
        for d, traits in enumerate(drivers):
            drives = cases_for(
                row.cell,
                driver=d,
                seed=VERIFY_SEED_BASE + row.sheet_row,
                dress=dresser(population, traits, row.cell),
                forward=ForwardDraw.parse(row.scenario),
                noise=row.noise if row.noise in NOISE else "",
            )
            jobs += [(row.sheet_row, case) for case in drives if case.response is row.requirement]
    if unperformed:
        noises = ", ".join(sorted(set(unperformed.values())))
        notes.append(
            f"{len(unperformed)} drawn tests run without their noise variable, which the "
            f"synthetic driver cannot wear ({noises}): their results are the plain drive's"
        )
    passed: dict[int, bool] = {}
    runs = run_cases(
        [case for _, case in jobs], settings, workers=workers, engine=engine, address=address
    )
    by_case = {run.case_id: run for run in runs}
    for sheet_row, case in jobs:
        passed[sheet_row] = passed.get(sheet_row, True) and by_case[case.case_id].passed
    workbook.write_verification(drawn, passed, {t: a for t, a in answers.items() if a})
    final = out / WORKBOOK
    drawn.replace(final)
    official = workbook.compute_score(final)
    tests = [
        Verified(cell=row.cell, requirement=row.requirement, passed=passed[row.sheet_row])
        for row in sample
        if row.sheet_row in passed
    ]
    gates = dict.fromkeys(GATES)
    for name in GATES:
        element = name.removeprefix("noise variable: ")
        if element in noise:
            gates[name] = noise[element] == workbook.FUNCTIONAL
    if all(answers.values()):  # the calculator leaves the score blank on a blank answer
        gates["general requirements"] = all(a != workbook.FAIL for a in answers.values())
    ours = score(verdicts, tests, gates).gated_points
    failed = tuple(
        f"{row.cell.ref} {row.requirement.value}"
        for row in sample
        if passed.get(row.sheet_row) is False
    )
    return Official(
        workbook=final,
        official=official,
        ours=ours,
        sample=len(sample),
        failed=failed,
        notes=tuple(notes),
    )
