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
        (
            "duration_s: 60\nvehicle: {speed_kph: [[1, [2]]]}\n",
            r"bad\.yaml:2: vehicle\.speed_kph: \[t_s, km/h\] must be numbers",
        ),
        (
            "duration_s: 60\nvehicle: {speed_kph: [[inf, 50]]}\n",
            r"bad\.yaml:2: vehicle\.speed_kph: t >= 0",
        ),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", r"bad\.yaml: nested too deeply"),
        ("name: " + "x" * 1_000_000 + "\nduration_s: 60\n", r"bad\.yaml:1: name: 1000000 char"),
        ("duration_s: [60\n", r"bad\.yaml:2: not valid YAML"),
        ("- just\n- a list\n", r"bad\.yaml:1: a scenario is a mapping"),
    ],
)
def test_a_bad_file_names_file_line_and_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        load_scenario(write(tmp_path, text))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{event: unresponsive, reason: eyes_clsoed}", r"did you mean 'eyes_closed'"),
        ("{event: unresponsive, reason: asleep}", r"unknown value 'asleep'"),
        ("{event: drowsiness_level, min_level: 12}", r"drowsiness_level levels are 1-9, got 12"),
        ("{event: warning, level: 7}", r"warning levels are 1-3, got 7"),
        ("{event: long_distraction, zone: road}", r"long_distraction event never has zone 'road'"),
        ("{event: long_distraction, zone: cluster}", r"never has zone 'cluster'"),
        ("{event: yawn, zone: lap}", r"yawn events have no zone"),
        ("{event: blink, level: 1}", r"blink events have no level"),
        ("{event: face_lost, min_duration_s: 1}", r"face_lost events have no duration"),
        ("{event: microsleep, reason: gaze_away}", r"microsleep event never has reason"),
        ("{event: glance, alert: distraction}", r"glance events have no alert kind"),
        ("{event: warning, min_level: 3, max_level: 1}", r"min_level is above max_level"),
        ("{evnt: microsleep}", r"required \(is 'evnt' a misspelling of 'event'\?\)"),
    ],
)
def test_an_expectation_that_can_never_match_is_refused(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = write(tmp_path, f"duration_s: 60\nexpect:\n  - {entry}\n")
    with pytest.raises(ScenarioError, match=r"bad\.yaml:3: expect entry\.\w+: .*" + message):
        load_scenario(path)


def test_every_error_in_a_file_is_reported_in_one_run(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "duration_s: 60\nfsp: 30\ntimeline:\n  - {at_s: 5, do: nap}\n"
        "  - {at_s: 9, do: glance, zone: lap, duration_s: 2}\n"
        "expect:\n  - {event: warning, level: 7}\n  - {event: yawn, zone: lap}\n"
        "  - {event: microsleep}\n",
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[0] for line in lines] == [
        f"{path}:4",
        f"{path}:7",
        f"{path}:8",
        f"{path}:2",
    ]


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read"):
        load_scenario(tmp_path / "nope.yaml")
