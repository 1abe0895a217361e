"""Running a shell script inside a private network namespace that has only loopback.

Multicast in tests must never reach the machine's real interfaces: the script runs under
``unshare --net`` with ``lo`` up and the multicast range routed to it.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

import pytest

PRELUDE = "set -e\nip link set lo up\nip route add 224.0.0.0/4 dev lo\n"


@cache
def namespace_problem() -> str | None:
    """Why a private network namespace cannot be made here, or None when it can."""
    for tool in ("unshare", "ip"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    probe = subprocess.run(
        ["unshare", "--net", "sh", "-c", PRELUDE + "true"],
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    )
    if probe.returncode != 0:
        return f"unshare --net is not permitted here: {probe.stderr.strip()}"
    return None


def run_in_namespace(script: str, timeout_s: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (bash) in a fresh loopback-only namespace; skip when not permitted."""
    problem = namespace_problem()
    if problem is not None:
        pytest.skip(f"no private network namespace for multicast: {problem}")
    return subprocess.run(
        ["unshare", "--net", "bash", "-c", PRELUDE + script],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout_s,
    )
