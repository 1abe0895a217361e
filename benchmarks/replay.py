"""Replay benchmark: a 10-minute, 30 fps scenario through the whole chain, headless.

Target (issue 4): >= 300x real time for the DMS chain — synthetic driver, features,
estimators, encoding, the bus, decoding — the ratio of scenario time to the wall time that
chain takes. Replay also runs the car's side of the bus (the ECU and the vehicle, issue 5);
the whole car's figure is printed too, with the wall time of each part.

Each part's time is measured inside the same runs (``ReplayResult.node_wall_s``), so the
figures add up to the whole. Runs take turns with the neighbours on a shared VM: the best
run is the code's own speed, the median what a user sees on a busy machine.

Then what a user sees (issue 13): ``dms replay FILE`` as a process, start, imports, the
whole car and the report included, for the 12-minute ``drowsiness-ramp.yaml`` (busy: blinks,
yawns, drowsiness levels) and three more scenarios, the median of the runs, with and
without the plot. Target: >= 300x real time for the 12-minute scenario, plot included
(the long-term goal is 1,000x).

    python benchmarks/replay.py [SCENARIO] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dms.scenario.loader import load_scenario
from dms.scenario.runner import NODES, ReplayResult, run_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
DEFAULT = SCENARIOS / "alert-baseline.yaml"
AS_A_USER = ("drowsiness-ramp.yaml", "alert-baseline.yaml", "showcase.yaml", "sleep.yaml")
TARGET = 300.0
#: Issue 4's chain: everything but the car's response to the DMS.
DMS_CHAIN = ("driver", "camera module", "observer")


def dms_chain_s(result: ReplayResult) -> float:
    return sum(result.node_wall_s[node] for node in DMS_CHAIN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-user", action="store_true", help="skip the as-a-user runs")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    results = [run_scenario(scenario) for _ in range(args.repeat)]
    frames, duration = scenario.frames, scenario.duration_s

    def speeds(wall: list[float]) -> str:
        return f"median {duration / statistics.median(wall):.0f}x, best {duration / min(wall):.0f}x"

    best = min(results, key=dms_chain_s)
    print(f"{scenario.path.name}: {duration:g} s at {scenario.fps:g} fps ({frames} frames)")
    print("per frame in the best run:")
    for node in NODES:
        print(f"  {node:<14} {best.node_wall_s[node] / frames * 1e6:6.1f} µs")
    chain = [dms_chain_s(r) for r in results]
    print(
        f"DMS chain (synthetic driver, features, estimators, encode, bus, decode): "
        f"{speeds(chain)} real time (target >= {TARGET:.0f}x)"
    )
    print(
        f"whole car (DMS chain + vehicle + ECU, the replay's wall time): "
        f"{speeds([r.wall_s for r in results])} real time (for reference)"
    )
    if not args.no_user:
        as_a_user(max(1, min(args.repeat, 3)))


def as_a_user(repeat: int) -> None:
    """``dms replay`` as a process, timed from outside."""
    print("as a user runs it (dms replay FILE, process start and report included):")
    with tempfile.TemporaryDirectory() as scratch:
        for name in AS_A_USER:
            path = SCENARIOS / name
            duration = load_scenario(path).duration_s
            figures = []
            for extra in ((), ("--no-plot",)):
                walls = []
                for _ in range(repeat):
                    command = [sys.executable, "-m", "dms.cli", "replay", str(path)]
                    command += ["--report", str(Path(scratch) / name), *extra]
                    started = time.perf_counter()
                    subprocess.run(command, check=True, capture_output=True)
                    walls.append(time.perf_counter() - started)
                figures.append(f"{duration / statistics.median(walls):.0f}x")
            target = f" (target >= {TARGET:.0f}x)" if name == AS_A_USER[0] else ""
            print(
                f"  {name:<22} {duration:>5g} s: median {figures[0]} with the plot, "
                f"{figures[1]} with --no-plot{target}"
            )


if __name__ == "__main__":
    main()
