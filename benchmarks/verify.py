"""``dms verify``'s whole Euro NCAP 2026 matrix, as a user runs it (process start, every
drive, the scorecard), with one worker and with one per core: wall time and drives per
second. Target: <= 120 s with the default population, drives/s scaling with workers.

    python benchmarks/verify.py [--drivers N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 120.0


def run(workers: int, drivers: int, out: Path) -> tuple[float, int]:
    started = time.monotonic()
    command = [sys.executable, "-m", "dms.cli", "verify", "--out", str(out), "--no-official"]
    subprocess.run(
        [*command, "--jobs", str(workers), "--drivers", str(drivers)],
        check=True,
        capture_output=True,
    )
    wall = time.monotonic() - started
    card = json.loads((out / "scorecard.json").read_text())
    drives = sum(len(cell["runs"]) for cell in card["cells"])
    return wall, drives


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drivers", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for workers in sorted({1, cores}):
            wall, drives = run(workers, args.drivers, Path(folder) / str(workers))
            figures[workers] = (wall, drives)
            print(f"  {workers} worker(s): {wall:6.1f} s, {drives} drives, {drives / wall:.2f} /s")
    best = figures[cores][0]
    if cores > 1:
        print(f"scaling: {figures[1][0] / best:.2f}x with {cores} workers")
    print(f"whole matrix, {args.drivers} drivers: {best:.1f} s (target <= {TARGET_S:.0f} s)")


if __name__ == "__main__":
    main()
