"""Settings without code, as an engineer tunes: a file, --set, a scenario's block."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dms.cli import main
from dms.errors import ScenarioError
from dms.scenario.loader import load_scenario
from dms.scenario.runner import run_scenario
from dms.settings import DmsSettings, schema

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_a_shorter_long_distraction_threshold_fails_the_glance_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = str(SCENARIOS / "infotainment-glance.yaml")
    args = ["replay", scenario, "--report", str(tmp_path)]
    assert main([*args, "--set", "attention.long_distraction_fast_s=1.5"]) == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["settings"]["attention"]["long_distraction_fast_s"] == 1.5
    assert report["settings_sources"] == {"attention.long_distraction_fast_s": "--set"}
    assert len(report["scenario_sha256"]) == 64 and report["dms_version"]
    capsys.readouterr()
    assert main(args) == 0  # the same scenario at the default 3 s passes


def test_an_unknown_key_exits_2_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    scenario = str(SCENARIOS / "microsleep.yaml")
    assert main(["replay", scenario, "--set", "eyes.microslep_s=1.2"]) == 2
    err = capsys.readouterr().err
    assert "eyes has no setting 'microslep_s' (did you mean 'microsleep_s'?)" in err


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[eyes]\nsleep_s = "long"\n', "bad.toml:2: eyes.sleep_s takes a number"),
        ("[eyes]\n\nsleep_secs = 2\n", "bad.toml:3: eyes has no setting 'sleep_secs'"),
        ("sleep_s = 2\n", "bad.toml:1: 'sleep_s' is not a [section] table"),
        ("[eyes\n", "bad.toml: not a TOML file"),
    ],
)
def test_a_bad_settings_file_names_file_line_and_reason(
    text: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert main(["settings", "show", "--settings", str(path)]) == 2
    assert reason in capsys.readouterr().err


def test_a_scenarios_settings_block_is_applied_and_checked(tmp_path: Path) -> None:
    base = "duration_s: 90\nseed: 3\ntimeline:\n  - {at_s: 70, do: sleep, duration_s: 10}\n"
    path = tmp_path / "early.yaml"
    path.write_text(base + "settings:\n  eyes: {sleep_s: 2.0}\n")
    sleeps = [e.t_s for e in run_scenario(load_scenario(path)).events if e.kind.value == "sleep"]
    assert len(sleeps) == 1 and 72.0 <= sleeps[0] <= 72.3  # 2 s of closed eyes, not 3
    path.write_text(base + "settings:\n  eyes.sleeep_s: 2.0\n")
    with pytest.raises(ScenarioError, match=r"early\.yaml:6: .*did you mean 'sleep_s'"):
        load_scenario(path)


def test_the_command_line_wins_over_the_file_which_wins_over_the_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text("duration_s: 10\nsettings:\n  eyes: {sleep_s: 2.0, microsleep_s: 0.8}\n")
    file = tmp_path / "tune.toml"
    file.write_text("[eyes]\nsleep_s = 2.5\nunresponsive_s = 5\n")
    args = ["settings", "show", "--changed", "--scenario", str(scenario), "--settings", str(file)]
    assert main([*args, "--set", "eyes.unresponsive_s=7"]) == 0
    shown = dict(line.split(None, 1) for line in capsys.readouterr().out.splitlines())
    assert shown["eyes.sleep_s"] == f"2.5 s  ({file}:2)"
    assert shown["eyes.microsleep_s"] == f"0.8 s  ({scenario}:3)"
    assert shown["eyes.unresponsive_s"] == "7.0 s  (--set)"


def test_the_schema_covers_every_threshold_with_its_source() -> None:
    rows = {row.key: row for row in schema()}
    defaults = DmsSettings()
    assert rows["eyes.perclos_window_s"].default == defaults.monitor.eyes.perclos_window_s
    assert rows["eyes.perclos_window_s"].unit == "s"
    assert "Dinges" in rows["eyes.perclos_window_s"].doc
    assert "ADDW" in rows["attention.long_distraction_fast_s"].doc
    assert rows["drowsiness.perclos_steps_pct"].type_name == "list of float"
    assert "ecu.mrm_decel_mps2" in rows and "fallback.min_speed_mps" in rows
    assert not any(key.startswith("monitor.cabin") for key in rows)


def test_committed_settings_docs_match_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["settings", "schema", "--markdown"]) == 0
    docs = Path(__file__).resolve().parents[2] / "docs" / "settings.md"
    assert docs.read_text(encoding="utf-8") == capsys.readouterr().out, (
        "docs/settings.md is stale: run `dms settings schema --markdown > docs/settings.md`"
    )
