"""Scenario files: what loads, and bad files failing with file, line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.bus.enums import GazeZone
from dms.errors import ScenarioError
from dms.scenario.loader import load_scenario
from dms.scenario.model import BehaviourKind

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    return path


def test_every_shipped_scenario_loads() -> None:
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 11
    for path in files:
        scenario = load_scenario(path)
        assert scenario.expectations, path


def test_a_scenario_reads_into_typed_data(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "duration_s: 60\nseed: 4\nvehicle: {speed_kph: [[0, 50], [30, 100]]}\n"
        "timeline:\n  - {at_s: 10, do: glances, zone: infotainment, count: 3, duration_s: 2}\n"
        "expect:\n  - {event: vats, within_s: [10, 20]}\n",
    )
    scenario = load_scenario(path)
    (glances,) = scenario.timeline
    assert (glances.kind, glances.zone, glances.count, glances.gap_s) == (
        BehaviourKind.GLANCES,
        GazeZone.INFOTAINMENT,
        3,
        1.0,
    )
    assert scenario.speed.mps(15.0) == pytest.approx(75 / 3.6)
    assert scenario.fps == 30.0 and scenario.frames == 1800


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fps: 30\n", r"bad\.yaml:1: duration_s: required"),
        ("duration_s: ten\n", r"bad\.yaml:1: duration_s: expected a number, got 'ten'"),
        ("duration_s: 60\nfsp: 30\n", r"bad\.yaml:2: fsp: unknown key \(did you mean 'fps'\?\)"),
        (
            "duration_s: 60\ntimeline:\n  - {at_s: 5, do: glance, zone: radio, duration_s: 2}\n",
            r"bad\.yaml:3: timeline entry\.zone: unknown value 'radio'",
        ),
        (
            "duration_s: 60\ntimeline:\n  - {at_s: 5, do: glance, zone: infotainment}\n",
            r"bad\.yaml:3: timeline entry\.duration_s: required",
        ),
        (
            "duration_s: 60\ntimeline:\n  - {at_s: 5, do: nap}\n",
            r"bad\.yaml:3: timeline entry\.do: unknown value 'nap'",
        ),
        (
            "duration_s: 60\ntimeline:\n  - {at_s: 58, do: sleep, duration_s: 5}\n",
            r"bad\.yaml:3: timeline entry\.at_s: sleep runs to 63 s, after the end \(60 s\)",
        ),
        (
            "duration_s: 60\ntimeline:\n\n  - {at_s: 5, do: microsleep, duration_s: 4}\n",
            r"bad\.yaml:4: timeline entry\.duration_s: a microsleep lasts 0\.5-3 s",
        ),
        (
            "duration_s: 60\nexpect:\n  - {event: long_distraction, within_s: [30, 20]}\n",
            r"bad\.yaml:3: expect entry\.within_s: from \(30\) is after to \(20\)",
        ),
        (
            "duration_s: 60\nexpect:\n  - {event: long_distractoin}\n",
            r"unknown value 'long_distractoin' \(did you mean 'long_distraction'\?\)",
        ),
        (
            "duration_s: 60\nvehicle: {speed_kph: [[10, 50], [5, 60]]}\n",
            r"bad\.yaml:2: vehicle\.speed_kph: points must",
        ),
        ("duration_s: [60\n", r"bad\.yaml:2: not valid YAML"),
        ("- just\n- a list\n", r"bad\.yaml:1: a scenario is a mapping"),
    ],
)
def test_a_bad_file_names_file_line_and_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenario(write(tmp_path, text))


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "nope.yaml")
