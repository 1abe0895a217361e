"""Replay benchmark: a 10-minute, 30 fps scenario through the whole chain, headless.

Synthetic driver, features, estimators, encoding, the bus, decoding (and, once built, the
ECU and the vehicle): the ratio of scenario time to wall time. Target (issue 4): >= 300x.

    python benchmarks/replay.py [SCENARIO] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from dms.scenario.loader import load_scenario
from dms.scenario.runner import run_scenario

DEFAULT = Path(__file__).resolve().parents[1] / "scenarios" / "alert-baseline.yaml"
TARGET = 300.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    speedups = []
    for _ in range(args.repeat):
        result = run_scenario(scenario)
        speedups.append(result.speedup)
    frames = scenario.frames
    best = max(speedups)
    print(
        f"{scenario.path.name}: {scenario.duration_s:g} s at {scenario.fps:g} fps ({frames} frames)"
    )
    print(
        f"replay speed: median {statistics.median(speedups):.0f}x, best {best:.0f}x real time "
        f"({scenario.duration_s / best / frames * 1e6:.0f} us per frame at best) "
        f"(target >= {TARGET:.0f}x)"
    )


if __name__ == "__main__":
    main()
