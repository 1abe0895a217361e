"""The car's per-frame cost with a Euro NCAP target, against the code before it had one.

Issue 14's target: the whole car's per-frame cost (the vehicle simulator with its driver,
and the ECU: everything but the DMS chain) grows by <= 10 % with a target scenario. The
10-minute ``alert-baseline.yaml`` runs on this checkout with a car ahead in the lane for
the whole drive (radar, lane camera, FCW/AEB/LKA all working), and on the revision before
the target existed (``--against``, exported with ``git archive``) without it. Each side
runs in processes of its own, taking turns round by round; a round's figure is each side's
fastest run in it, and the growth is the median over the rounds of the round's own
ratio: on this shared machine the CPU's speed drifts by ±20 % over minutes, which a
comparison of back-to-back runs cancels and a comparison of separate medians does not.

    python benchmarks/car_cost.py [--against REV] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: The last commit before issue 14 gave the car a target (benchmarks/sweep.py's 256 runs).
BEFORE = "6db1a91"
TARGET_GROWTH = 0.10
CAR = ("vehicle", "ecu")
RUNS_PER_PROCESS = 3
MEASURE = """
import json, statistics, sys
from dms.scenario.loader import load_scenario
from dms.scenario.runner import run_scenario
scenario = load_scenario(sys.argv[1])
runs = [run_scenario(scenario) for _ in range(int(sys.argv[2]))]
car = [sum(r.node_wall_s[n] for n in {car!r}) / scenario.frames * 1e6 for r in runs]
print(json.dumps(car))
"""


def per_frame_us(tree: Path, scenario: Path, repeat: int) -> list[float]:
    """The car's cost per camera frame in each of ``repeat`` runs of ``scenario``."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    script = MEASURE.format(car=CAR)
    out = subprocess.run(
        [sys.executable, "-c", script, str(scenario), str(repeat)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tree,
    ).stdout
    return [float(us) for us in json.loads(out.splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default=BEFORE, metavar="REV")
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    plain = yaml.safe_load((ROOT / "scenarios" / "alert-baseline.yaml").read_text())
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        old_tree = scratch / "before"
        old_tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.against], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive, check=True)
        (scratch / "plain.yaml").write_text(yaml.safe_dump(plain))
        with_target = dict(plain, target={"test": "ccrm", "speed_kph": 130, "distance_m": 80})
        (scratch / "target.yaml").write_text(yaml.safe_dump(with_target))
        sides = {
            "before": (old_tree, scratch / "plain.yaml"),
            "now": (ROOT, scratch / "target.yaml"),
            "now_plain": (ROOT, scratch / "plain.yaml"),
        }
        rounds: list[dict[str, float]] = []
        for turn in range(args.rounds):
            rounds.append(
                {
                    side: min(per_frame_us(tree, scenario, RUNS_PER_PROCESS))
                    for side, (tree, scenario) in sides.items()
                }
            )
            print(f"  round {turn + 1}/{args.rounds}", file=sys.stderr)
    print(
        f"the car per camera frame, 10-minute alert drive ({args.rounds} rounds, "
        f"the fastest of {RUNS_PER_PROCESS} runs per side and round):"
    )
    for side, label in (
        ("before", f"before the target ({args.against}):"),
        ("now", "now, with a car ahead all the way:"),
        ("now_plain", "now, no target (lane lines only):"),
    ):
        figures = [r[side] for r in rounds]
        low, mid = min(figures), statistics.median(figures)
        print(f"  {label:36s} {mid:6.1f} us median round ({low:.1f} fastest)")
    for side, label in (("now", "with a target"), ("now_plain", "without one")):
        growth = statistics.median(r[side] / r["before"] for r in rounds) - 1.0
        print(f"growth {label}: {growth:+.1%} (median of the rounds' ratios)")
    print(f"target: growth <= {TARGET_GROWTH:.0%}")


if __name__ == "__main__":
    main()
