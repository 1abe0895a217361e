"""`dms sweep` as an engineer runs it: repeatable tables, resumed sweeps, clear errors."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE = """\
duration_s: 20
seed: 4
vehicle: {speed_kph: 100}
timeline:
  - {at_s: 8, do: glance, zone: infotainment, duration_s: 4}
expect:
  - {event: long_distraction, within_s: [10.9, 11.4]}
"""
SWEEP = """\
name: tiny
scenario: base.yaml
sampling: {sampling}
samples: 3
seeds: 2
axes:
  - {{name: glance_s, path: timeline.0.duration_s, values: [2.0, 4.0]}}
  - {{name: threshold, path: settings.attention.long_distraction_fast_s,
     range: [2.5, 3.5], steps: 3}}
"""


def dms(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dms.cli", *args], capture_output=True, text=True, check=False
    )


def sweep_file(tmp_path: Path, sampling: str = "grid") -> Path:
    (tmp_path / "base.yaml").write_text(BASE)
    path = tmp_path / "tiny.yaml"
    path.write_text(SWEEP.format(sampling=sampling))
    return path


def table(folder: Path) -> list[dict[str, str]]:
    with (folder / "results.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_a_sweep_gives_the_same_table_with_one_or_two_workers(tmp_path: Path) -> None:
    path = sweep_file(tmp_path)
    tables = []
    for jobs in ("1", "2"):
        result = dms("sweep", str(path), "--out", str(tmp_path / jobs), "--jobs", jobs)
        assert result.returncode == 0, result.stderr
        tables.append(table(tmp_path / jobs))
    one, two = tables
    assert one == two and len(one) == 2 * 3 * 2  # 2 x 3 points, 2 seeds each
    by_point = {(r["glance_s"], r["threshold"], r["seed"]): r for r in one}
    assert by_point[("4.0", "3.5", "4")]["detected"] == "1"
    assert by_point[("2.0", "2.5", "5")]["detected"] == "0"  # shorter than any threshold
    # The expectation fits the default 3 s threshold; 2.5 s flags the glance earlier.
    column = "expect: long_distraction within 10.9-11.4 s"
    assert by_point[("4.0", "2.5", "4")][column] == "False"
    assert by_point[("4.0", "3.0", "4")][column] == "True"
    assert (tmp_path / "1" / "runs" / "0000.yaml").is_file()  # every run can be replayed


@pytest.mark.slow
def test_ray_gives_the_same_table_as_the_process_pool(tmp_path: Path) -> None:
    path = sweep_file(tmp_path)
    assert dms("sweep", str(path), "--out", str(tmp_path / "pool"), "--jobs", "2").returncode == 0
    result = dms("sweep", str(path), "--out", str(tmp_path / "ray"), "--engine", "ray")
    assert result.returncode == 0, result.stderr
    assert table(tmp_path / "ray") == table(tmp_path / "pool")


def test_set_applies_to_every_run_and_is_written_into_each_runs_file(tmp_path: Path) -> None:
    path, out = sweep_file(tmp_path), tmp_path / "out"
    result = dms("sweep", str(path), "--out", str(out), "--jobs", "1", "--set", "eyes.sleep_s=2.5")
    assert result.returncode == 0, result.stderr
    assert "sleep_s: 2.5" in (out / "runs" / "0000.yaml").read_text()
    clash = "attention.long_distraction_fast_s=3"
    result = dms("sweep", str(path), "--out", str(out), "--set", clash)
    assert result.returncode == 2 and "the sweep's axis 'threshold'" in result.stderr


def test_a_cluster_address_needs_the_ray_engine(tmp_path: Path) -> None:
    result = dms("sweep", str(sweep_file(tmp_path)), "--address", "10.0.0.1:6379")
    assert result.returncode == 2 and "--address is Ray's" in result.stderr


def test_a_resumed_sweep_runs_only_the_missing_rows(tmp_path: Path) -> None:
    path, out = sweep_file(tmp_path), tmp_path / "out"
    assert dms("sweep", str(path), "--out", str(out), "--jobs", "1").returncode == 0
    full = table(out)
    with (out / "results.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, list(full[0]))
        writer.writeheader()
        writer.writerows(full[:5])
    result = dms("sweep", str(path), "--out", str(out), "--jobs", "1", "--resume")
    assert result.returncode == 0, result.stderr
    assert "12 runs (5 already done)" in result.stderr
    assert table(out) == full


@pytest.mark.parametrize("sampling", ["random", "lhs"])
def test_sampled_sweeps_are_repeatable(tmp_path: Path, sampling: str) -> None:
    path = sweep_file(tmp_path, sampling)
    for name in ("a", "b"):
        assert dms("sweep", str(path), "--out", str(tmp_path / name)).returncode == 0
    assert table(tmp_path / "a") == table(tmp_path / "b")
    assert len(table(tmp_path / "a")) == 3 * 2


@pytest.mark.parametrize(
    ("axis", "reason"),
    [
        ("{path: timeline.3.duration_s, values: [1]}", "no entry 3 in the scenario"),
        ("{path: vehicle.speed_kph}", "tiny.yaml:6: axis.path: an axis needs values"),
        ("{path: vehicle.speed_kph, range: [10, 20]}", "tiny.yaml:6: axis.range: a range on"),
        ("{path: settings.eyes.sleeep_s, values: [2]}", "did you mean 'sleep_s'"),
    ],
)
def test_a_bad_axis_is_refused_with_where_and_why(tmp_path: Path, axis: str, reason: str) -> None:
    (tmp_path / "base.yaml").write_text(BASE)
    path = tmp_path / "tiny.yaml"
    path.write_text(f"scenario: base.yaml\nsampling: grid\nseeds: 1\n\naxes:\n  - {axis}\n")
    result = dms("sweep", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert reason in result.stderr, result.stderr


def test_a_population_sweep_scores_what_it_measures_in_a_typed_table_and_plots(
    tmp_path: Path,
) -> None:
    (tmp_path / "base.yaml").write_text(BASE)
    path = tmp_path / "drivers.yaml"
    path.write_text(
        "scenario: base.yaml\n"
        "measure: [glance]\n"
        "axes:\n"
        "  - {name: glance_s, path: timeline.0.duration_s, values: [2.0, 4.0]}\n"
        "  - {name: speed_kph, path: vehicle.speed_kph, values: [60, 120]}\n"
        "population:\n"
        "  drivers: 3\n"
        "  traits:\n"
        "    - {path: driver.eye_aperture, uniform: [0.8, 1.2]}\n"
        "    - {name: sunglasses, share: 1.0, timeline: {at_s: 0, do: sunglasses}}\n"
    )
    out = tmp_path / "out"
    result = dms("sweep", str(path), "--out", str(out))
    assert result.returncode == 0, result.stderr
    rows = table(out)
    assert len(rows) == 2 * 2 * 3
    assert {row["situations"] for row in rows} == {"1"}  # the glance; not the sunglasses
    assert {row["detected"] for row in rows if row["glance_s"] == "2.0"} == {"0"}
    assert re.search(r"^sunglasses +True +12 ", result.stdout, re.MULTILINE)  # per trait

    pq = pytest.importorskip("pyarrow.parquet")
    schema = pq.read_table(out / "results.parquet").schema
    assert str(schema.field("run").type) == "string"
    assert str(schema.field("glance_s").type) == "double"
    assert str(schema.field("driver").type) == "int64"
    assert str(schema.field("passed").type) == "bool"
    for name in ("detection_rate", "latency", "false_alarms", "detection_map"):
        assert (out / "plots" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    again = tmp_path / "again"
    assert dms("sweep", str(path), "--out", str(again), "--no-plot").returncode == 0
    assert table(again) == rows and not (again / "plots").exists()
