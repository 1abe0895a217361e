"""Replay benchmark: a 10-minute, 30 fps scenario through the whole chain, headless.

Target (issue 4): >= 300x real time for the DMS chain — synthetic driver, features,
estimators, encoding, the bus, decoding — the ratio of scenario time to the wall time that
chain takes. Replay also runs the car's side of the bus (the ECU and the vehicle, issue 5);
the whole car's figure is printed too, with the wall time of each part.

Each part's time is measured inside the same runs (``ReplayResult.node_wall_s``), so the
figures add up to the whole. Runs take turns with the neighbours on a shared VM: the best
run is the code's own speed, the median what a user sees on a busy machine.

    python benchmarks/replay.py [SCENARIO] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from dms.scenario.loader import load_scenario
from dms.scenario.runner import NODES, ReplayResult, run_scenario

DEFAULT = Path(__file__).resolve().parents[1] / "scenarios" / "alert-baseline.yaml"
TARGET = 300.0
#: Issue 4's chain: everything but the car's response to the DMS.
DMS_CHAIN = ("driver", "camera module", "observer")


def dms_chain_s(result: ReplayResult) -> float:
    return sum(result.node_wall_s[node] for node in DMS_CHAIN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
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


if __name__ == "__main__":
    main()
