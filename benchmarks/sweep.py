"""Sweep benchmark: runs per minute of a 64-run sweep with 1 and 2 worker processes.

The sweep is ``dms sweep`` as a user runs it (process start, every run's scenario written
and checked, the table saved as it goes, the Parquet table and the plots at the end): an
8 x 8 grid of glance duration and speed over the 30 s base drive of ``sweeps/glance.yaml``.
Targets (issue 13): >= 1.8x the runs per minute with 2 workers as with 1, on this 2-core
machine; Ray (local, 2 CPUs, its start included) within 20 % of the process pool. Ray's
start (about 5 s: its processes, then their shutdown) is a fixed cost, so a 16 x 16 grid
(256 runs) is timed on the pool and on Ray as well.

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
SWEEP = """\
name: benchmark
scenario: {scenario}
axes:
  - {{name: glance_s, path: timeline.0.duration_s, range: [2, 5.5], steps: {side}}}
  - {{name: speed_kph, path: vehicle.speed_kph, range: [30, 130], steps: {side}, integer: true}}
"""


def runs_per_minute(scratch: Path, side: int, jobs: int, engine: str = "process") -> float:
    sweep = scratch / f"grid{side}.yaml"
    sweep.write_text(SWEEP.format(scenario=ROOT / "sweeps" / "glance.yaml", side=side))
    out = scratch / f"{side}-{jobs}-{engine}"
    started = time.perf_counter()
    command = [sys.executable, "-m", "dms.cli", "sweep", str(sweep), "--out", str(out)]
    command += ["--jobs", str(jobs), "--engine", engine]
    subprocess.run(command, check=True, capture_output=True)
    return side * side / ((time.perf_counter() - started) / 60)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        one = runs_per_minute(scratch, 8, 1)
        two = runs_per_minute(scratch, 8, 2)
        ray = runs_per_minute(scratch, 8, 2, "ray")
        two_256 = runs_per_minute(scratch, 16, 2)
        ray_256 = runs_per_minute(scratch, 16, 2, "ray")
    print(f"64-run sweep: {one:.0f} runs/min with 1 worker, {two:.0f} with 2, {ray:.0f} on Ray")
    print(f"speed-up with 2 workers: {two / one:.2f}x (target >= {TARGET}x)")
    print(f"Ray local against the pool: {ray / two:.2f}x (target >= {1 - RAY_WITHIN:.2f}x)")
    print(
        f"256-run sweep: {two_256:.0f} runs/min with 2 workers, {ray_256:.0f} on Ray: "
        f"{ray_256 / two_256:.2f}x"
    )


if __name__ == "__main__":
    main()
