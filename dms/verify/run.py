"""Running a protocol's matrix: every testable cell's drives over the population and
seeds, on the sweep's engine, judged as they finish."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from dms.settings import Assignment
from dms.sweep.engine import Engine, execute
from dms.sweep.population import Population, Trait
from dms.verify.cases import Case, cases_for, not_testable
from dms.verify.judge import RunVerdict, due_s, judge_run
from dms.verify.matrix import CELLS, Cell

if TYPE_CHECKING:
    from dms.scenario.model import Scenario

__all__ = [
    "DEFAULT_POPULATION",
    "Job",
    "dresser",
    "generated_scenario",
    "plan_cases",
    "run_cases",
]


#: The drivers a matrix runs over by default: eyes, blinks, resting pose, camera mounting
#: and sensor noise drawn as ``sweeps/population.yaml`` draws them.
def _normal(path: str, mean: float, sd: float, within: tuple[float, float]) -> Trait:
    return Trait(
        name=path,
        kind="normal",
        path=tuple(path.split(".")),
        low=mean,
        high=sd,
        within=within,
    )


DEFAULT_POPULATION = Population(
    drivers=3,
    seed=2026,
    traits=(
        _normal("driver.eye_aperture", 1.0, 0.12, (0.6, 1.3)),
        _normal("driver.blink_rate_per_min", 17.0, 5.0, (6.0, 35.0)),
        _normal("driver.neutral_yaw_deg", 0.0, 4.0, (-15.0, 15.0)),
        Trait(
            name="cabin.camera_pitch_deg",
            kind="uniform",
            path=("cabin", "camera_pitch_deg"),
            low=-5.0,
            high=5.0,
        ),
        _normal("sensor.noise_px", 0.3, 0.15, (0.05, 1.5)),
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    case: Case
    text: str  # the drive's scenario, as YAML
    settings: tuple[Assignment, ...]  # the user's (a settings file, --set)
    plot: bool = False  # draw the drive's timeline for the report


def plan_cases(
    population: Population,
    seeds: Sequence[int],
    *,
    cells: Sequence[Cell] = CELLS,
) -> list[Case]:
    """Every drive of the testable ``cells``: each driver with each seed."""
    drivers = population.draw()
    cases = []
    for cell in cells:
        if not_testable(cell) is not None:
            continue
        for d, traits in enumerate(drivers):
            for seed in seeds:
                dress = dresser(population, traits, cell)
                cases += cases_for(cell, driver=d, seed=seed, dress=dress)
    return cases


def dresser(
    population: Population, traits: tuple[tuple[str, Any], ...], cell: Cell
) -> Callable[[dict[str, Any]], None]:
    def dress(data: dict[str, Any]) -> None:
        population.apply(data, traits, owner=f"verify {cell.ref}: trait")

    return dress


def generated_scenario(name: str, text: str) -> Scenario:
    """A generated drive's YAML, loaded as a scenario file is (its checks, its SHA-256)."""
    from dms.scenario.loader import load_scenario

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return load_scenario(path)


def run_one(job: Job) -> RunVerdict:
    """One drive (and its baseline, for a support test), judged."""
    from dms.scenario.runner import run_scenario
    from dms.scenario.support import WITHOUT_RAISE

    scenario = generated_scenario(job.case.case_id, job.text)
    result = run_scenario(scenario, settings=job.settings)
    baseline = None
    if job.case.paired:
        baseline = run_scenario(scenario, settings=(*job.settings, *WITHOUT_RAISE)).events
    verdict = judge_run(job.case, result.events, baseline)
    png = b""
    if job.plot:
        from dms.verify.plots import drive_timeline_png

        png = drive_timeline_png(
            result.samples,
            result.events,
            title=f"{job.case.case_id}: {verdict.reason}",
            onset_s=job.case.timing.onset_s,
            due_s=due_s(job.case),
            passed=verdict.passed,
        )
    return dataclasses.replace(verdict, scenario_sha256=scenario.sha256, timeline_png=png)


def run_cases(
    cases: Sequence[Case],
    settings: Sequence[Assignment],
    *,
    workers: int,
    engine: Engine = "process",
    address: str | None = None,
    plot: Callable[[Case], bool] = lambda _: False,
) -> Iterator[RunVerdict]:
    """Each case's verdict as it finishes; ``plot``: which drives draw their timeline."""
    jobs = [
        Job(
            case=case,
            text=yaml.safe_dump(case.scenario, sort_keys=False),
            settings=tuple(settings),
            plot=plot(case),
        )
        for case in cases
    ]
    yield from execute(run_one, jobs, workers=workers, engine=engine, address=address)
