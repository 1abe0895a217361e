"""The built wheel carries what a non-editable install needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_wheel_contains_the_sumo_network_and_every_package(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps",
         "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = tmp_path.glob("dms-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "dms/vehicle/__init__.py",
        "dms/vehicle/data/motorway.net.xml",
        "dms/vehicle/data/traffic.rou.xml",
        "dms/vehicle/sumo.py",
        "hud/app.py",
    ):
        assert needed in names, needed
    assert any(n.startswith("dms/sensor/data/") and n.endswith(".csv") for n in names)
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
