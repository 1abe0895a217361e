"""The car's per-frame cost with a Euro NCAP target, against the code before it had one.

Issue 14's target: the whole car's per-frame cost (the vehicle simulator with its driver,
and the ECU: everything but the DMS chain) grows by <= 10 % with a target scenario. The
10-minute ``alert-baseline.yaml`` runs on this checkout with a car ahead in the lane for
the whole drive (radar, lane camera, FCW/AEB/LKA all working), and on the revision before
the target existed (``--against``, exported with ``git archive``) without it. Each side
runs in its own process, the median of ``--repeat`` runs.

    python benchmarks/car_cost.py [--against REV] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
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
MEASURE = """
import json, statistics, sys
from dms.scenario.loader import load_scenario
from dms.scenario.runner import run_scenario
scenario = load_scenario(sys.argv[1])
runs = [run_scenario(scenario) for _ in range(int(sys.argv[2]))]
car = [sum(r.node_wall_s[n] for n in {car!r}) for r in runs]
print(json.dumps({{"per_frame_us": statistics.median(car) / scenario.frames * 1e6}}))
"""


def per_frame_us(tree: Path, scenario: Path, repeat: int) -> float:
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
    return float(json.loads(out.splitlines()[-1])["per_frame_us"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default=BEFORE, metavar="REV")
    parser.add_argument("--repeat", type=int, default=5)
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
        before = per_frame_us(old_tree, scratch / "plain.yaml", args.repeat)
        now = per_frame_us(ROOT, scratch / "target.yaml", args.repeat)
        now_plain = per_frame_us(ROOT, scratch / "plain.yaml", args.repeat)
    growth = now / before - 1.0
    print(f"the car per camera frame, 10-minute alert drive (median of {args.repeat} runs):")
    print(f"  before the target ({args.against}): {before:.1f} us")
    print(f"  now, with a car ahead all the way:  {now:.1f} us ({growth:+.1%})")
    print(f"  now, no target (lane lines only):   {now_plain:.1f} us")
    print(f"target: growth <= {TARGET_GROWTH:.0%}")


if __name__ == "__main__":
    main()
