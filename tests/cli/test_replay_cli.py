"""`dms replay` as a user runs it: exit status, report, plot and bus log."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

SHORT = (
    "duration_s: 15\nseed: 2\nvehicle: {speed_kph: 100}\n"
    "timeline:\n  - {at_s: 5, do: glance, zone: infotainment, duration_s: 4}\n"
)


def dms(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dms.cli", *args], capture_output=True, text=True, check=False
    )


def scenario(tmp_path: Path, expect: str) -> Path:
    path = tmp_path / "drive.yaml"
    path.write_text(SHORT + "expect:\n" + expect)
    return path


def test_a_passing_replay_exits_0_and_writes_report_plot_and_log(tmp_path: Path) -> None:
    path = scenario(tmp_path, "  - {event: long_distraction, within_s: [7.9, 8.3]}\n")
    report_dir, log = tmp_path / "report", tmp_path / "drive.blf"
    result = dms("replay", str(path), "--report", str(report_dir), "--log", str(log))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((report_dir / "report.json").read_text())
    assert {"scenario", "duration_s", "wall_s", "events", "expectations"} <= set(report)
    assert report["duration_s"] == 15
    assert report["expectations"] == [
        {
            "text": "long_distraction within 7.9-8.3 s",
            "pass": True,
            "line": 7,
            "found_at_s": report["expectations"][0]["found_at_s"],
        }
    ]
    glances = [e for e in report["events"] if e["kind"] == "glance" and e["zone"] == "infotainment"]
    assert len(glances) == 1 and 3.9 <= glances[0]["duration_s"] <= 4.1
    assert (report_dir / "timeline.png").read_bytes()[:4] == b"\x89PNG"
    dump = dms("bus", "dump", str(log), "--json", "--count", "50")
    names = {json.loads(line)["name"] for line in dump.stdout.splitlines()}
    assert {"DMS_FaceState", "DMS_Distraction", "VEH_State"} <= names


def test_a_failing_expectation_exits_1_and_says_which(tmp_path: Path) -> None:
    path = scenario(tmp_path, "  - {event: long_distraction, never: true}\n")
    result = dms("replay", str(path), "--report", str(tmp_path / "r"))
    assert result.returncode == 1
    assert f"FAIL {path}:7: never long_distraction" in result.stdout


def test_invalid_input_exits_2_before_anything_runs(tmp_path: Path) -> None:
    good = scenario(tmp_path, "  - {event: blink, count: [0, 100]}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "duration_s: 15\ntimeline:\n  - {at_s: 5, do: glance, zone: infotainment, duration: 4}\n"
    )
    worse = tmp_path / "worse.yaml"
    worse.write_text("duration_s: 15\nexpect:\n  - {event: warning, level: 7}\n")
    result = dms("replay", str(good), str(bad), str(worse), "--report", str(tmp_path / "r"))
    assert result.returncode == 2
    errors = result.stderr.splitlines()
    assert f"dms: error: {bad}:3: timeline entry.duration_s: required" in errors[0]
    assert f"dms: error: {worse}:3: expect entry.level: warning levels are 1-3" in errors[1]
    assert not (tmp_path / "r").exists()


def two_drives_called_drive(tmp_path: Path) -> tuple[Path, Path]:
    """Two scenarios with the same file name in two folders; the second one fails."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    good, bad = tmp_path / "a" / "drive.yaml", tmp_path / "b" / "drive.yaml"
    good.write_text(SHORT + "expect:\n  - {event: long_distraction, within_s: [7.9, 8.3]}\n")
    bad.write_text(SHORT + "expect:\n  - {event: long_distraction, within_s: [5.0, 5.5]}\n")
    return good, bad


def test_many_files_get_their_own_reports_a_summary_and_a_junit_file(tmp_path: Path) -> None:
    good, bad = two_drives_called_drive(tmp_path)
    out, junit = tmp_path / "out", tmp_path / "results.xml"
    result = dms("replay", str(good), str(bad), "--report", str(out), "--junit", str(junit))
    assert result.returncode == 1
    assert json.loads((out / "a" / "drive" / "report.json").read_text())["passed"] is True
    assert json.loads((out / "b" / "drive" / "report.json").read_text())["passed"] is False
    summary = result.stdout.split("\n\n")[-1].splitlines()
    assert summary[0].split() == ["file", "result", "speed-up", "failed", "expectations"]
    assert summary[1].startswith(str(good)) and " pass " in summary[1]
    assert " FAIL " in summary[2] and "line 7: long_distraction within 5-5.5 s" in summary[2]
    assert summary[3] == "1 of 2 scenarios passed"
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("2", "1")
    failures = [case.find("failure") for case in suite.iter("testcase")]
    assert failures[0] is None and failures[1] is not None
    assert f"{bad}:7: long_distraction within 5-5.5 s" in (failures[1].text or "")


def test_side_by_side_runs_give_the_same_reports_as_one_by_one(tmp_path: Path) -> None:
    good, bad = two_drives_called_drive(tmp_path)
    reports = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}"
        result = dms("replay", str(good), str(bad), "--report", str(out), "--jobs", jobs)
        assert result.returncode == 1, result.stderr
        reports[jobs] = [
            json.loads((out / sub / "drive" / "report.json").read_text()) for sub in ("a", "b")
        ]
    for one, two in zip(reports["1"], reports["2"], strict=True):
        assert one["events"] == two["events"] and one["expectations"] == two["expectations"]


def test_side_by_side_runs_refuse_a_shared_bus(tmp_path: Path) -> None:
    good, bad = two_drives_called_drive(tmp_path)
    result = dms("replay", str(good), str(bad), "--jobs", "2", "--bus", "virtual:x")
    assert result.returncode == 2
    assert (
        "--jobs runs scenarios side by side: not with --hud, --realtime or --bus" in result.stderr
    )
