"""The noise variables dms can test: the matrix's probe cells driven again with the noise
on (dark sunglasses, talking), over the same population, with fresh seeds.

A noise variable is Functional when every probe drive passes with it: a head-led long
glance's warning (D18) and a sleep warning (D71), the transient and the non-transient
cue. The others (night, clear lenses, facial hair, a mask, a cap or hat, a fringe,
eyelash makeup, a hand on the wheel) the synthetic driver cannot perform yet; they stay
"not assessed" unless the user declares them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dms.sweep.population import Population
from dms.verify.cases import NOISE, Case, cases_for
from dms.verify.judge import RunVerdict
from dms.verify.matrix import CELLS
from dms.verify.run import dresser

__all__ = [
    "NOISE_SEED_BASE",
    "PROBES",
    "NoiseResult",
    "noise_cases",
    "noise_results",
    "split_probes",
]

PROBES = ("D18", "D71")
NOISE_SEED_BASE = 500  # none of the matrix run's or the verification's seeds


@dataclass(frozen=True, slots=True, kw_only=True)
class NoiseResult:
    element: str
    functional: bool
    reason: str


def noise_cases(population: Population) -> list[Case]:
    """Every probe drive of every noise variable dms can perform."""
    probes = [cell for cell in CELLS if cell.ref in PROBES]
    cases = []
    for d, traits in enumerate(population.draw()):
        for element in NOISE:
            for cell in probes:
                cases += cases_for(
                    cell,
                    driver=d,
                    seed=NOISE_SEED_BASE + d,
                    dress=dresser(population, traits, cell),
                    noise=element,
                )
    return cases


def split_probes(
    runs: Sequence[RunVerdict], probes: Sequence[Case]
) -> tuple[list[RunVerdict], list[RunVerdict]]:
    """(the matrix's drives, the noise probes' drives) of one run: a probe drives a matrix
    cell with a noise on, and must not count as that cell's drive."""
    ids = {case.case_id for case in probes}
    return [r for r in runs if r.case_id not in ids], [r for r in runs if r.case_id in ids]


def noise_results(cases: Sequence[Case], runs: Sequence[RunVerdict]) -> list[NoiseResult]:
    by_case = {run.case_id: run for run in runs}
    results = []
    for element in NOISE:
        mine = [by_case[case.case_id] for case in cases if case.noise == element]
        failed = [run for run in mine if not run.passed]
        if failed:
            reason = f"{len(failed)} of {len(mine)} probe drives failed; {failed[0].case_id}: "
            reason += failed[0].reason
        else:
            reason = f"all {len(mine)} probe drives ({', '.join(PROBES)}) passed with it"
        results.append(NoiseResult(element=element, functional=not failed, reason=reason))
    return results
