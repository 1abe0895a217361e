"""Keys as a user handles them: nodes that fail closed, role rings, replays that sign with
their own key, and secrets that never reach the terminal."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from dms.bus import KeyRing, Receiver, read_frames
from dms.bus.keys import KEY_ENV
from dms.cli import main
from tests.keys import MASTER

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def master_file(tmp_path: Path) -> Path:
    path = tmp_path / "master.key"
    path.write_text(MASTER.hex() + "\n")
    return path


@pytest.mark.parametrize(
    ("content", "reason"),
    [("", "at least 16 bytes"), ("abcd\n", "at least 16 bytes"), ("not hex at all", "hex")],
)
@pytest.mark.parametrize("node", ["ecu", "sim", "hud", "sensor"])
def test_a_node_with_a_bad_key_file_refuses_to_start(
    node: str, content: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "bad.key"
    key.write_text(content)
    args = [node, "--bus", "virtual:fail-closed", "--seconds", "0.1", "--key-file", str(key)]
    if node == "sensor":
        args += ["--scenario", str(SCENARIOS / "microsleep.yaml")]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(key) in err[0] and reason in err[0], err


def test_an_empty_key_in_the_environment_is_an_error_not_a_plain_bus(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(KEY_ENV, "")
    assert main(["ecu", "--bus", "virtual:fail-closed", "--seconds", "0.1"]) == 2
    assert f"${KEY_ENV} is set but empty" in capsys.readouterr().err


def test_a_role_ring_holds_only_that_roles_keys_and_only_its_user_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ring = tmp_path / "cluster.keys"
    assert (
        main(
            [
                "bus",
                "keys",
                "--role",
                "cluster",
                "-o",
                str(ring),
                "--key-file",
                str(master_file(tmp_path)),
            ]
        )
        == 0
    )
    said = capsys.readouterr()
    text = ring.read_text()
    assert stat.S_IMODE(ring.stat().st_mode) == 0o600
    assert MASTER.hex() not in text and MASTER.hex() not in said.out + said.err
    for key in KeyRing.from_master(MASTER, "cluster").keys.values():
        assert key.hex() in text and key.hex() not in said.out + said.err
    # The cluster's ring runs a cluster, never a node that signs.
    assert main(["ecu", "--bus", "virtual:rings", "--seconds", "0.1", "--key-file", str(ring)]) == 2
    assert "lacks what a ecu node needs: control.dms, control.ecu" in capsys.readouterr().err


def test_deriving_a_ring_needs_the_master(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["bus", "keys", "--role", "ecu", "-o", str(tmp_path / "ecu.keys")]) == 2
    assert "no master secret" in capsys.readouterr().err


def replay_log(tmp_path: Path, *extra: str) -> Path:
    log = tmp_path / "replay.blf"
    scenario = tmp_path / "short.yaml"
    scenario.write_text("duration_s: 3\nseed: 4\n")
    args = ["replay", str(scenario), "--report", str(tmp_path / "r"), "--log", str(log)]
    assert main([*args, "--key-file", str(master_file(tmp_path)), *extra]) == 0
    return log


def test_a_keyed_replay_signs_with_a_one_off_key_so_its_log_holds_no_live_frame(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = replay_log(tmp_path)
    assert "one-off key" in capsys.readouterr().err
    live = Receiver(keys=KeyRing.from_master(MASTER, "vehicle"))
    statuses = {live.receive_can(frame).status.value for frame in read_frames(log)}
    assert statuses <= {"mac_failure", "unknown_id"} and "mac_failure" in statuses


def test_a_replay_told_to_use_the_bus_key_is_verified_by_the_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = replay_log(tmp_path, "--bus-key")
    capsys.readouterr()
    assert main(["bus", "dump", str(log), "--json", "--key-file", str(master_file(tmp_path))]) == 0
    out = capsys.readouterr()
    assert "verifying every frame's display MAC" in out.err
    statuses = {json.loads(line)["status"] for line in out.out.splitlines()}
    assert statuses == {"ok"}
