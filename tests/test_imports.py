"""`import dms` stays light: no pygame, no mediapipe, no OpenCV."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["dms", "dms.bus", "dms.cli"])
def test_importing_does_not_pull_in_heavy_packages(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "heavy = sorted(m for m in ('pygame', 'mediapipe', 'cv2') if m in sys.modules); "
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
