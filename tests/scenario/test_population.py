"""A sweep's driver population: traits drawn as the sweep file says, the same every time."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
import yaml

from dms.errors import ScenarioError
from dms.sweep import load_sweep, plan, scenario_text

BASE = """\
duration_s: 20
seed: 40
timeline:
  - {at_s: 8, do: glance, zone: infotainment, duration_s: 4}
"""
TRAITS = """\
    - {path: driver.eye_aperture, normal: [1.0, 0.12], within: [0.6, 1.3]}
    - {name: mount, path: cabin.camera_pitch_deg, uniform: [-5, 5]}
    - {path: sensor.noise_px, choice: [0.2, 0.6], weights: [3, 1]}
    - {name: sunglasses, share: 0.15, timeline: {at_s: 0, do: sunglasses}}
"""


def sweep_with(tmp_path: Path, drivers: int, traits: str = TRAITS, extra: str = "") -> Path:
    (tmp_path / "base.yaml").write_text(BASE)
    path = tmp_path / "sweep.yaml"
    path.write_text(
        "scenario: base.yaml\n"
        "axes:\n"
        "  - {name: glance_s, path: timeline.0.duration_s, values: [2.0, 4.0]}\n"
        f"{extra}"
        f"population:\n  drivers: {drivers}\n  seed: 3\n  traits:\n{traits}"
    )
    return path


def test_traits_follow_their_distributions(tmp_path: Path) -> None:
    spec = load_sweep(sweep_with(tmp_path, drivers=4000))
    assert spec.population is not None
    drivers = [dict(traits) for traits in spec.population.draw()]
    apertures = [d["eye_aperture"] for d in drivers]
    assert abs(statistics.fmean(apertures) - 1.0) < 0.01
    assert 0.11 < statistics.stdev(apertures) < 0.13
    assert min(apertures) >= 0.6 and max(apertures) <= 1.3
    mounts = [d["mount"] for d in drivers]
    assert min(mounts) >= -5 and max(mounts) <= 5 and abs(statistics.fmean(mounts)) < 0.2
    assert 0.70 < sum(d["noise_px"] == 0.2 for d in drivers) / 4000 < 0.80  # weights 3:1
    assert 0.13 < sum(d["sunglasses"] for d in drivers) / 4000 < 0.17


def test_every_point_runs_once_per_driver_with_the_drivers_own_traits_and_seed(
    tmp_path: Path,
) -> None:
    spec = load_sweep(sweep_with(tmp_path, drivers=30))
    runs = plan(spec, base_seed=40)
    assert len(runs) == 2 * 30
    by_driver: dict[int | None, list[tuple[object, ...]]] = {}
    for run in runs:
        by_driver.setdefault(run.driver, []).append((run.seed, run.traits))
    assert len(by_driver) == 30
    assert all(len(set(found)) == 1 for found in by_driver.values())  # paired across points
    assert len({found[0][0] for found in by_driver.values()}) == 30  # each driver its seed


def test_a_drivers_scenario_carries_its_traits(tmp_path: Path) -> None:
    spec = load_sweep(sweep_with(tmp_path, drivers=60))
    base = yaml.safe_load(BASE)
    runs = plan(spec, base_seed=40)
    worn = [run for run in runs if dict(run.traits)["sunglasses"]]
    bare = [run for run in runs if not dict(run.traits)["sunglasses"]]
    assert worn and bare
    for run in (worn[0], bare[0]):
        data = yaml.safe_load(scenario_text(spec, run, base))
        traits = dict(run.traits)
        assert data["driver"]["eye_aperture"] == traits["eye_aperture"]
        assert data["cabin"]["camera_pitch_deg"] == traits["mount"]
        assert data["sensor"]["noise_px"] == traits["noise_px"]
        kinds = [entry["do"] for entry in data["timeline"]]
        assert kinds == (["glance", "sunglasses"] if traits["sunglasses"] else ["glance"])
        assert data["seed"] == run.seed


def test_the_same_file_draws_the_same_drivers(tmp_path: Path) -> None:
    first = load_sweep(sweep_with(tmp_path, drivers=50)).population
    again = load_sweep(sweep_with(tmp_path, drivers=50)).population
    assert first is not None and again is not None
    assert first.draw() == again.draw()


@pytest.mark.parametrize(
    ("traits", "reason"),
    [
        ("    - {path: driver.eye_aperture, unifrom: [0.7, 1.2]}\n", "did you mean 'uniform'"),
        ("    - {path: driver.eye_aperture, normal: [1.0, -0.1]}\n", "deviation ≥ 0"),
        ("    - {path: timeline.0.duration_s, uniform: [2, 3]}\n", "sweep settings and the"),
        ("    - {path: driver.eye_aperture, choice: [1], weights: [1, 2]}\n", "per choice (1)"),
        ("    - {name: glance_s, path: driver.eye_aperture, uniform: [1, 1.1]}\n", "axis's name"),
        ("    - {share: 0.2}\n", "timeline: required"),
    ],
)
def test_a_bad_trait_is_refused_with_where_and_why(
    tmp_path: Path, traits: str, reason: str
) -> None:
    with pytest.raises(ScenarioError, match=r"sweep\.yaml:\d+: ") as error:
        load_sweep(sweep_with(tmp_path, drivers=5, traits=traits))
    assert reason in str(error.value)


def test_measure_names_a_situation(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"sweep\.yaml:4: measure: 'glanse'.*'glance'"):
        load_sweep(sweep_with(tmp_path, drivers=5, extra="measure: [glanse]\n"))
