"""The EU packs as the regulations state them: ADDW's thresholds, its 4 s false-negative
rule and its visual plus acoustic warning (Reg. (EU) 2023/2590); DDAW's KSS 7 may, KSS 8
must (Reg. (EU) 2021/1341)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dms.bus.enums import AlertKind, Chime, GazeZone
from dms.events import Event, EventKind
from dms.verify.regulation import (
    ADDW_BANDS,
    ADDW_ZONES,
    DDAW_LATENCY_S,
    Drive,
    Regulation,
    judge_drive,
    plan_drives,
)
from dms.verify.run import DEFAULT_POPULATION

FAST, SLOW = ADDW_BANDS  # >= 50 km/h, 20-50 km/h


def addw_drives() -> list[Drive]:
    return plan_drives(Regulation.ADDW, DEFAULT_POPULATION, [1])


def ddaw_drives() -> list[Drive]:
    return plan_drives(Regulation.DDAW, DEFAULT_POPULATION, [1])


def warning(t_s: float, *, level: int = 1, chime: Chime | None = Chime.SINGLE) -> Event:
    return Event(t_s, EventKind.WARNING, level=level, alert=AlertKind.DISTRACTION, chime=chime)


def drowsy(t_s: float) -> Event:
    return Event(t_s, EventKind.WARNING, level=1, alert=AlertKind.DROWSINESS_ADVISORY)


def test_the_addw_table_has_each_band_zone_and_movement_at_speeds_inside_its_band() -> None:
    drives = addw_drives()
    lines = {drive.line.ref for drive in drives}
    assert len(lines) == len(ADDW_BANDS) * len(ADDW_ZONES) * 2  # owl and lizard
    speeds = sum(len(band.speeds_kph) for band in ADDW_BANDS)
    assert len(drives) == DEFAULT_POPULATION.drivers * len(ADDW_ZONES) * 2 * speeds
    zones = set()
    for drive in drives:
        assert drive.band is not None
        low, high = (50, 200) if drive.band is FAST else (20, 50)
        assert low <= drive.speed_kph < high
        (glance,) = [e for e in drive.scenario["timeline"] if e["do"] == "glance"]
        # the glance outlasts the false-negative time, so a missing warning shows
        assert glance["duration_s"] > drive.band.false_negative_s
        assert glance["at_s"] == drive.onset_s
        zones.add(GazeZone[glance["zone"].upper()])
    assert zones == set(ADDW_ZONES)


@pytest.mark.parametrize(
    ("events", "passed", "why"),
    [
        ([warning(13.1)], True, "acoustic at +3.10 s"),
        ([warning(13.1, chime=Chime.NONE)], False, "never acoustic"),
        ([warning(13.1, chime=Chime.NONE), warning(14.6, level=2)], False, "false negative"),
        ([warning(13.1, chime=Chime.NONE), warning(13.9, level=2)], True, "acoustic at +3.90"),
        ([], False, "no warning"),
        ([warning(6.0), warning(13.1)], False, "before the glance"),
    ],
)
def test_an_addw_drive_at_50_kph_or_more_needs_a_visual_and_acoustic_warning_by_4_s(
    events: list[Event], passed: bool, why: str
) -> None:
    drive = next(d for d in addw_drives() if d.band is FAST)
    verdict, reason, due = judge_drive(drive, events)
    assert (verdict, due) == (passed, drive.onset_s + 4.0)
    assert why in reason


def test_between_20_and_50_kph_the_warning_is_due_by_6_5_s() -> None:
    drive = next(d for d in addw_drives() if d.band is SLOW)
    assert judge_drive(drive, [warning(drive.onset_s + 6.4)])[0]
    assert not judge_drive(drive, [warning(drive.onset_s + 6.6)])[0]


def test_the_ddaw_ramps_reach_kss_7_then_8_inside_the_drive() -> None:
    ramps = [d for d in ddaw_drives() if d.kss8_s is not None]
    assert len({d.variant for d in ramps}) == 3
    for drive in ramps:
        assert drive.kss7_s is not None and drive.kss8_s is not None
        assert drive.onset_s < drive.kss7_s < drive.kss8_s
        assert drive.kss8_s + DDAW_LATENCY_S < drive.scenario["duration_s"]


def test_a_ddaw_warning_may_come_at_kss_7_and_must_by_a_minute_after_kss_8() -> None:
    drive = next(d for d in ddaw_drives() if d.kss8_s is not None)
    assert drive.kss7_s is not None and drive.kss8_s is not None
    assert judge_drive(drive, [drowsy(drive.kss7_s + 1)])[0]  # may
    assert judge_drive(drive, [drowsy(drive.kss8_s + 30)])[0]
    early = judge_drive(drive, [drowsy(drive.kss7_s - 5)])
    assert not early[0] and "below KSS 7" in early[1]
    late = judge_drive(drive, [drowsy(drive.kss8_s + DDAW_LATENCY_S + 5)])
    assert not late[0] and "late" in late[1]
    assert not judge_drive(drive, [])[0]
    distraction_only = judge_drive(drive, [warning(drive.kss8_s + 1)])
    assert not distraction_only[0]  # a distraction warning is not a drowsiness warning


def test_the_alert_control_drive_fails_on_any_drowsiness_warning() -> None:
    control = next(d for d in ddaw_drives() if d.kss8_s is None)
    assert judge_drive(control, [])[0]
    assert not judge_drive(control, [drowsy(300.0)])[0]


def addw(out: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    command = [sys.executable, "-m", "dms.cli", "verify", "--protocol", "eu-addw"]
    command += ["--only", "infotainment / owl", "--drivers", "1", "--no-plots", "--out", str(out)]
    result = subprocess.run([*command, *extra], capture_output=True, text=True, check=False)
    card = json.loads((out / "scorecard.json").read_text()) if result.returncode == 0 else {}
    return result, card


def test_the_ecu_passes_addw_and_fails_it_without_the_level_1_chime(tmp_path: Path) -> None:
    result, card = addw(tmp_path / "ok")
    assert result.returncode == 0, result.stderr
    lines = {line["line"]: line for line in card["lines"]}
    assert set(lines) == {
        "ADDW >= 50 km/h / infotainment / owl",
        "ADDW 20-50 km/h / infotainment / owl",
    }
    assert all(line["passed"] for line in lines.values()), result.stdout
    assert "eu-addw: PASSED" in result.stdout
    assert (tmp_path / "ok" / "report.html").read_text().count("PASS") >= 2

    silent = "ecu.distraction_chime_at_level1=false"
    result, card = addw(tmp_path / "silent", "--set", silent)
    assert result.returncode == 0, result.stderr
    lines = {line["line"]: line for line in card["lines"]}
    fast = lines["ADDW >= 50 km/h / infotainment / owl"]
    # level 2 chimes 1.5 s after level 1 (at about 3.1 s): past the 4 s rule
    assert not fast["passed"] and "false negative" in fast["reason"]
    assert "eu-addw: NOT PASSED" in result.stdout
