"""Sweep benchmark: runs per minute of a 64-run sweep with 1 and 2 worker processes.

The sweep is ``dms sweep`` as a user runs it (process start, every run's scenario written
and checked, the table after every run): an 8 x 8 grid of glance duration and speed over
the 30 s base drive of ``sweeps/glance.yaml``. Targets (issue 13): >= 1.8x the runs per
minute with 2 workers as with 1, on this 2-core machine; Ray (local, 2 CPUs, its start
included) within 20 % of the process pool.

    python benchmarks/sweep.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.8
RAY_WITHIN = 0.2
SWEEP = f"""\
name: benchmark
scenario: {ROOT / "sweeps" / "glance.yaml"}
axes:
  - {{name: glance_s, path: timeline.0.duration_s, range: [2, 5.5], steps: 8}}
  - {{name: speed_kph, path: vehicle.speed_kph, range: [30, 130], steps: 8, integer: true}}
"""


def runs_per_minute(sweep: Path, out: Path, jobs: int, engine: str = "process") -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "dms.cli", "sweep", str(sweep), "--out", str(out)]
    command += ["--jobs", str(jobs), "--engine", engine]
    subprocess.run(command, check=True, capture_output=True)
    return 64 / ((time.perf_counter() - started) / 60)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        sweep = Path(scratch) / "benchmark.yaml"
        sweep.write_text(SWEEP)
        one = runs_per_minute(sweep, Path(scratch) / "one", 1)
        two = runs_per_minute(sweep, Path(scratch) / "two", 2)
        ray = runs_per_minute(sweep, Path(scratch) / "ray", 2, "ray")
    print(f"64-run sweep: {one:.0f} runs/min with 1 worker, {two:.0f} with 2, {ray:.0f} on Ray")
    print(f"speed-up with 2 workers: {two / one:.2f}x (target >= {TARGET}x)")
    print(f"Ray local against the pool: {ray / two:.2f}x (target >= {1 - RAY_WITHIN:.2f}x)")


if __name__ == "__main__":
    main()
