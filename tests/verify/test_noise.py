"""The noise variables dms tests itself, on the matrix's probe cells with the noise on."""

from __future__ import annotations

import dataclasses

import yaml

from dms.verify.noise import noise_cases, noise_results, split_probes
from dms.verify.run import DEFAULT_POPULATION, Job, run_one


def test_talking_keeps_the_dms_functional_and_dark_lenses_delay_the_sleep_warning() -> None:
    population = dataclasses.replace(DEFAULT_POPULATION, drivers=1)
    cases = noise_cases(population)
    assert {(case.cell.ref, case.noise) for case in cases} == {
        ("D18", "Dark sunglasses"),
        ("D71", "Dark sunglasses"),
        ("D18", "Talking"),
        ("D71", "Talking"),
    }
    runs = [
        run_one(Job(case=case, text=yaml.safe_dump(case.scenario), settings=())) for case in cases
    ]
    results = {result.element: result for result in noise_results(cases, runs)}
    matrix_drive = dataclasses.replace(runs[0], case_id="D71-d000-s1")
    kept, probed = split_probes([matrix_drive, *runs], cases)
    assert kept == [matrix_drive] and probed == runs  # probes never count as the cell's
    assert results["Talking"].functional, results["Talking"].reason
    by_id = {run.case_id: run for run in runs}
    glance = next(by_id[c.case_id] for c in cases if c.cell.ref == "D18" and c.noise)
    assert glance.passed  # a head-led glance is seen behind dark lenses too
    asleep = next(
        by_id[c.case_id] for c in cases if c.cell.ref == "D71" and c.noise == "Dark sunglasses"
    )
    # behind dark lenses sleep shows only as the head sinking: later than the eyes' 3 s
    assert asleep.latency_s is not None and asleep.latency_s > 3.5
    assert results["Dark sunglasses"].functional is False
    assert "D71" in results["Dark sunglasses"].reason
