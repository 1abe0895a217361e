"""`dms eval`, `dms video` and `dms model` as a user runs them."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sensor.conftest import FIXTURES

DEV_SET = Path(
    os.environ.get(
        "DMS_FACES_DIR", Path(__file__).resolve().parents[3] / "shared" / "data" / "faces"
    )
)


def dms(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dms.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


@pytest.fixture()
def manifest(tmp_path: Path) -> Path:
    for name in ("d14-eyes-close.mp4", "turned-left.jpg", "sunglasses.jpg"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    path = tmp_path / "manifest.csv"
    path.write_text(
        "path,frames,expect\n"
        "d14-eyes-close.mp4,0-30,face=present eyes=closed\n"
        "d14-eyes-close.mp4,55-80,eyes=open mouth=closed yawn=no\n"
        "turned-left.jpg,,head=left eyes=open\n"
        "sunglasses.jpg,,eyes=occluded face=present\n"
        "sunglasses.jpg,,eyes=open\n"  # behind dark lenses open may never be claimed: fails
    )
    return path


def test_eval_prints_a_line_per_check_and_a_summary(manifest: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    result = dms("eval", str(manifest), "--json", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 11
    assert lines[-1] == "9 passed, 1 failed"
    assert any(
        "sunglasses.jpg" in line and "eyes=occluded" in line and "pass" in line for line in lines
    )
    report = json.loads(out.read_text())
    assert (report["passed"], report["failed"]) == (9, 1)
    by_frames = {(Path(c["path"]).name, c["frames"]): c["checks"] for c in report["cases"]}
    closed = by_frames[("d14-eyes-close.mp4", "0-30")]["eyes=closed"]
    assert closed["pass"] is True and closed["fraction"] >= 0.8
    assert by_frames[("turned-left.jpg", "")]["head=left"]["pass"] is True
    assert by_frames[("sunglasses.jpg", "")]["eyes=open"] == {"pass": False, "fraction": 0.0}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "astronaut.png,,eyes=blue",
            "manifest.csv:2: eyes must be one of open, closed, occluded, got 'blue'",
        ),
        ("astronaut.png,3-1,eyes=open", "manifest.csv:2: frames '3-1' is not first-last"),
        ("astronaut.png,,colour=red", "manifest.csv:2: unknown check 'colour=red'"),
        ("missing.mp4,0-3,eyes=open", "missing.mp4 does not exist"),
        ("x" * 200_000 + ",,eyes=open", "manifest.csv:2: not a manifest line: field larger"),
        ("x" * 5_000 + ".png,,eyes=open", "manifest.csv:2: path 'xxxx"),
    ],
    ids=["bad value", "bad frames", "unknown check", "missing media", "huge field", "long name"],
)
def test_a_bad_manifest_is_a_clear_error_with_exit_2(
    tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "manifest.csv"
    path.write_text(f"path,frames,expect\n{row}\n")
    result = dms("eval", str(path))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_video_writes_per_frame_features_and_a_plot(tmp_path: Path) -> None:
    csv_path, plot = tmp_path / "features.csv", tmp_path / "features.png"
    result = dms(
        "video", str(FIXTURES / "d14-eyes-close.mp4"), "--csv", str(csv_path), "--plot", str(plot)
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(csv_path.open()))
    assert len(rows) == 81
    assert float(rows[30]["t_s"]) == pytest.approx(1.0)
    assert rows[10]["eyes_closed"] == "1" and rows[70]["eyes_closed"] == "0"
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot.stat().st_size > 20_000


def test_model_path_and_verify_agree() -> None:
    path = dms("model", "path")
    assert path.returncode == 0
    verify = dms("model", "verify")
    assert verify.returncode == 0 and "ok" in verify.stdout
    assert path.stdout.strip() in verify.stdout


@pytest.mark.skipif(
    not (DEV_SET / "manifest.csv").is_file(), reason="the development set is not on this machine"
)
def test_the_development_set_passes_but_for_at_most_two_checks(tmp_path: Path) -> None:
    out = tmp_path / "dev.json"
    result = dms("eval", str(DEV_SET / "manifest.csv"), "--json", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(out.read_text())
    assert report["failed"] <= 2, result.stdout
