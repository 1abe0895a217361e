"""`dms bus ...` as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from dms.bus import CATALOG, open_log_writer
from dms.bus.examples import example_messages
from dms.cli import main
from tests.keys import EverySender


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dms.cli", *args], capture_output=True, text=True, check=False
    )


def test_catalog_json_lists_every_message_with_physical_ranges(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bus", "catalog", "--json"]) == 0
    catalog = json.loads(capsys.readouterr().out)
    face = next(m for m in catalog["messages"] if m["name"] == "DMS_FaceState")
    assert face["can_id"] == 0x100
    assert face["authenticated"] is True  # a safety message like every other
    yaw = next(s for s in face["signals"] if s["name"] == "head_yaw_deg")
    assert (yaw["unit"], yaw["factor"], yaw["offset"], yaw["min"], yaw["max"]) == (
        "deg",
        0.1,
        0.0,
        -90,
        90,
    )
    assert set(catalog["messages"][0]) >= {
        "name",
        "can_id",
        "period_ms",
        "sender",
        "authenticated",
        "signals",
    }


def write_log(path: Path, key: bytes | None, corrupt: str | None = None) -> int:
    """A log of one example of every message; ``corrupt``: the one with a bit flipped."""
    publisher = EverySender(master=key)
    writer = open_log_writer(path)
    messages = example_messages()
    frames = [publisher.encode(m, t_s=10.0 + i * 0.01) for i, m in enumerate(messages)]
    for message, frame in zip(messages, frames, strict=True):
        if message.SPEC.name == corrupt:
            data = bytearray(frame.data)
            data[0] ^= 0x40
            frame.data = data
    for frame in frames:
        writer.on_message_received(frame)
    writer.stop()
    return len(frames)


def test_dump_json_of_a_log_gives_one_object_per_frame_with_status(tmp_path: Path) -> None:
    path = tmp_path / "drive.asc"
    count = write_log(path, key=None, corrupt="DMS_FaceState")
    result = run("bus", "dump", str(path), "--json")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == count
    assert [r["t_s"] for r in records] == sorted(r["t_s"] for r in records)
    statuses = {r["name"]: r["status"] for r in records}
    assert statuses["DMS_FaceState"] == "crc_error"
    assert [s for n, s in statuses.items() if n != "DMS_FaceState"] == ["ok"] * (count - 1)
    veh = next(r for r in records if r["name"] == "VEH_State")
    assert veh["signals"]["speed_mps"] == 27.8
    assert veh["signals"]["driver_input"] == ["STEERING"]
    assert "1 crc_error" in result.stderr


def test_dump_with_the_key_verifies_macs(tmp_path: Path) -> None:
    key = bytes(range(16))
    path = tmp_path / "secure.blf"
    write_log(path, key=key)
    key_file = tmp_path / "bus.key"
    key_file.write_text(key.hex())
    good = run("bus", "dump", str(path), "--json", "--key-file", str(key_file))
    assert {json.loads(line)["status"] for line in good.stdout.splitlines()} == {"ok"}
    wrong_file = tmp_path / "wrong.key"
    wrong_file.write_text(bytes(16).hex())
    wrong = run("bus", "dump", str(path), "--json", "--key-file", str(wrong_file))
    statuses = [json.loads(line)["status"] for line in wrong.stdout.splitlines()]
    assert statuses == ["mac_failure"] * len(CATALOG)  # every message is authenticated


def test_dump_text_reads_like_candump(tmp_path: Path) -> None:
    path = tmp_path / "drive.log"
    write_log(path, key=None)
    lines = run("bus", "dump", str(path)).stdout.splitlines()
    face = next(line for line in lines if "DMS_FaceState" in line)
    assert " 100  DMS_FaceState" in face
    assert "head_yaw_deg=-28.4" in face and "gaze_zone=INFOTAINMENT" in face


def test_demo_round_trips_every_catalog_message() -> None:
    result = run("bus", "demo")
    assert result.returncode == 0, result.stderr
    count = len(CATALOG)
    assert f"{count} messages over virtual:dms-demo: {count} ok, 0 not ok" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bus", "dump", "missing.blf"], "bus log missing.blf does not exist"),
        (["bus", "dump", "notes.txt"], "unknown bus log format"),
        (
            ["bus", "dump", "--bus", "nonsense:x", "--seconds", "0.1"],
            "cannot open bus 'nonsense:x'",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dms.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_short_key_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "short.key"
    key_file.write_text("abcd")
    result = run("bus", "dump", str(tmp_path / "x.blf"), "--key-file", str(key_file))
    assert result.returncode == 2
    assert "at least 16 bytes" in result.stderr


def test_a_key_typed_on_the_command_line_is_refused_and_never_echoed(tmp_path: Path) -> None:
    secret = "00112233445566778899aabbccddeeff"
    for option in ("--key", "--key-f"):  # no abbreviation stands for --key-file
        result = run("bus", "dump", str(tmp_path / "x.blf"), option, secret)
        assert result.returncode == 2
        assert f"unrecognized arguments: {option}" in result.stderr
        assert secret not in result.stderr + result.stdout
