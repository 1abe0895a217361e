"""Multicast benchmarks run inside a private network namespace that has only loopback."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

__all__ = ["run_inside_namespace"]

_INSIDE = "DMS_BENCH_IN_NAMESPACE"
_SETUP = "ip link set lo up && ip route add 224.0.0.0/4 dev lo"


def run_inside_namespace(script: str) -> None:
    """Return at once inside the namespace; outside, run ``script`` again, with the same
    arguments, under ``unshare --net`` and exit with its status."""
    if os.environ.get(_INSIDE):
        return
    command = f"{_SETUP} && exec {shlex.join([sys.executable, script, *sys.argv[1:]])}"
    root = str(Path(__file__).resolve().parents[1])
    result = subprocess.run(
        ["unshare", "--net", "sh", "-c", command],
        env={**os.environ, _INSIDE: "1", "PYTHONPATH": root},
        check=False,
    )
    sys.exit(result.returncode)
