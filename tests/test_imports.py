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


#: What no command's parser may load: each is imported by the command that uses it.
HEAVY = ("can", "numpy", "scipy", "matplotlib", "cv2", "mediapipe", "pygame", "cantools")


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["replay", "--help"], ["live", "--help"], ["bus", "dump", "--help"]],
    ids=" ".join,
)
def test_help_loads_nothing_heavy(argv: list[str]) -> None:
    code = (
        "import sys\n"
        "from dms.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "usage: dms" in result.stdout
    assert result.stderr.strip() == ""


def test_the_camera_module_needs_no_scipy() -> None:
    code = "import sys, dms.sensor.module; print('scipy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
