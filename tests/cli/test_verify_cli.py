"""`dms verify` as a DMS engineer runs it: the matrix judged cell by cell, a threshold
broken on purpose turning its cells RED and costing the protocol's points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

#: Long distraction, non-driving task, owl: the five glance locations' warning cells
#: (0.5 points together), and the 2 s microsleep's warning (0.5 on its own).
OWL_WARNINGS = ("D17", "D18", "D19", "D20", "D21")


def verify(out: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    only = [arg for ref in (*OWL_WARNINGS, "D70") for arg in ("--only", ref)]
    command = [sys.executable, "-m", "dms.cli", "verify", "--out", str(out), "--drivers", "2"]
    command.append("--no-official")  # the calculator's flow: tests/verify/test_official.py
    result = subprocess.run(
        [*command, *only, *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    card = json.loads((out / "scorecard.json").read_text()) if result.returncode == 0 else {}
    return result, card


def test_the_owl_glances_and_a_microsleep_are_warned_in_time(tmp_path: Path) -> None:
    result, card = verify(tmp_path / "ok")
    assert result.returncode == 0, result.stderr
    cells = {cell["cell"]: cell for cell in card["cells"]}
    assert set(cells) == {*OWL_WARNINGS, "D70"}
    for ref in OWL_WARNINGS:  # each drive warns 3.0-3.5 s into its 4 s glance
        assert cells[ref]["status"] == "GREEN", cells[ref]["reason"]
        for run in cells[ref]["runs"]:
            assert 3.0 <= run["latency_s"] <= 3.5
    assert len(cells["D18"]["runs"]) == 2  # one drive per driver
    assert card["driver_monitoring"]["points"] == 1.0
    assert card["categories"]["Long distraction"] == 0.5
    assert "Driver monitoring (prediction): 1.00 / 25 points" in result.stdout
    page = (tmp_path / "ok" / "report.html").read_text()
    assert "<a href='#D18'>GREEN</a>" in page  # the cell links to its drives below
    for run in cells["D18"]["runs"]:  # each drive's timeline is there and linked
        plot = tmp_path / "ok" / "runs" / f"{run['case']}.png"
        assert plot.read_bytes().startswith(b"\x89PNG")
        assert f"src='runs/{run['case']}.png'" in page


def test_a_long_distraction_threshold_of_5_s_turns_the_cells_red(tmp_path: Path) -> None:
    result, card = verify(tmp_path / "late", "--set", "attention.long_distraction_fast_s=5")
    assert result.returncode == 0, result.stderr
    cells = {cell["cell"]: cell for cell in card["cells"]}
    for ref in OWL_WARNINGS:  # a 4 s glance is never long enough now
        assert cells[ref]["status"] == "RED"
        assert "no warning" in cells[ref]["reason"]
    assert cells["D70"]["status"] == "GREEN"  # a microsleep does not depend on it
    assert card["driver_monitoring"]["points"] == 0.5  # the owl group's 0.5 lost
    assert card["settings"][0][:2] == ["attention.long_distraction_fast_s", 5.0]
    assert "RED   D18" in result.stdout
    page = (tmp_path / "late" / "report.html").read_text()
    assert "class='c RED' title='2 of 2 drives failed; D18-d000-s1: no warning" in page


def test_a_bad_filter_or_population_is_a_clear_error(tmp_path: Path) -> None:
    result, _ = verify(tmp_path / "bad", "--only", "zebra crossing", "--drivers", "0")
    assert result.returncode == 2
    assert "--drivers" in result.stderr and "Traceback" not in result.stderr


def test_a_scorecard_reproduces_and_a_changed_one_does_not(tmp_path: Path) -> None:
    first, card = verify(tmp_path / "first", "--set", "attention.long_distraction_fast_s=5")
    assert first.returncode == 0, first.stderr
    assert all(len(run["scenario_sha256"]) == 64 for c in card["cells"] for run in c["runs"])
    recorded = tmp_path / "first" / "scorecard.json"

    def reproduce(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dms.cli", "verify", "--reproduce", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )

    again = reproduce(recorded)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "reproduced: every cell and the points (0.5) as recorded" in again.stdout
    again_card = json.loads((tmp_path / "first" / "reproduced" / "scorecard.json").read_text())
    assert again_card["settings"][0][:2] == ["attention.long_distraction_fast_s", 5.0]
    card["cells"][0]["status"] = "GREEN"  # a record that this code does not give
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(card))
    differs = reproduce(changed)
    assert differs.returncode == 1
    assert f"{card['cells'][0]['cell']}: GREEN then, RED now" in differs.stdout
