"""What standard CAN tools see: the exported DBC in cantools, and E2E Profile 5 as cantools
computes it."""

from __future__ import annotations

import enum
import json
import math
from pathlib import Path

import can
import cantools
import pytest
from cantools.autosar.end_to_end import apply_profile5_crc, check_profile5_crc
from hypothesis import given
from hypothesis import strategies as st

from dms.bus import CATALOG, FrameCodec, FrameStatus, Message, MessageSpec, Receiver, read_frames
from dms.bus.dbc import catalog_dbc
from dms.cli import main
from dms.scenario.loader import load_scenario
from dms.scenario.runner import run_scenario
from tests.bus.strategies import messages
from tests.keys import ring, signing

KEY = bytes(range(100, 132))
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def replay_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A keyed replay recorded to BLF: every message, every state of a sleeping driver."""
    log = tmp_path_factory.mktemp("dbc") / "sleep.blf"
    run_scenario(load_scenario(SCENARIOS / "sleep.yaml"), log_path=log, master=KEY)
    return log


def _database(tmp_path: Path, *extra: str) -> cantools.database.can.Database:
    path = tmp_path / "dms.dbc"
    assert main(["bus", "catalog", "--dbc", str(path), *extra]) == 0
    database = cantools.database.load_file(str(path))
    assert isinstance(database, cantools.database.can.Database)
    return database


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "keyed"])
@pytest.mark.parametrize("spec", CATALOG, ids=lambda spec: spec.name)
def test_the_e2e_crc_is_profile5_as_cantools_computes_it(
    spec: MessageSpec, key: bytes | None
) -> None:
    codec = FrameCodec(spec, signing(spec.sender, key) if key else None)

    @given(messages(codec.spec), st.integers(0, 255), st.integers(0, 2**64 - 1))
    def agrees(message: Message, counter: int, freshness: int) -> None:
        frame = codec.encode(message, counter, freshness)
        assert check_profile5_crc(frame, codec.spec.can_id) is True
        assert bytes(apply_profile5_crc(frame, codec.spec.can_id) or b"") == frame

    agrees()


def test_the_dbc_describes_every_message_as_a_can_fd_frame(tmp_path: Path) -> None:
    database = _database(tmp_path)
    for spec in CATALOG:
        message = database.get_message_by_frame_id(spec.can_id)
        assert message.name == spec.name
        assert message.is_fd and not message.is_extended_frame
        assert message.length == FrameCodec(spec).layout.size
        assert message.cycle_time == spec.period_ms
        assert message.senders == [spec.sender]
        for signal in spec.signals:
            described = message.get_signal_by_name(signal.name)
            assert described.scale == signal.factor and described.offset == signal.offset
            assert (described.minimum, described.maximum) == (signal.minimum, signal.maximum)


def _physical(value: object) -> float:
    return float(int(value)) if isinstance(value, (enum.Enum, bool)) else float(value)  # type: ignore[arg-type]


def _decode(database: cantools.database.can.Database, frame: can.Message) -> dict[str, float]:
    """Signal name -> physical value, as cantools decodes the frame (numbers only)."""
    decoded = database.decode_message(frame.arbitration_id, bytes(frame.data), decode_choices=False)
    assert isinstance(decoded, dict)
    return {name: float(value) for name, value in decoded.items()}  # type: ignore[arg-type]


def test_cantools_decodes_every_frame_of_a_replay_log_as_bus_dump_does(
    tmp_path: Path, replay_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "key.hex"
    key_file.write_text(KEY.hex())
    assert main(["bus", "dump", str(replay_log), "--json", "--key-file", str(key_file)]) == 0
    dumped = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    database = _database(tmp_path, "--keyed")
    receiver = Receiver(keys=ring("cluster", KEY))
    frames = list(read_frames(replay_log))
    assert len(frames) == len(dumped) > 5000
    seen = set()
    for frame, record in zip(frames, dumped, strict=True):
        assert record["status"] in ("ok", "ok_some_lost")
        decoded = _decode(database, frame)
        message = receiver.receive_can(frame).message
        assert message is not None
        for signal in message.SPEC.signals:
            value = getattr(message, signal.name)
            assert math.isclose(decoded[signal.name], _physical(value), abs_tol=1e-9)
            shown = record["signals"][signal.name]
            if isinstance(shown, (int, float)) and not isinstance(shown, bool):
                assert math.isclose(decoded[signal.name], shown, abs_tol=1e-6), signal.name
        seen.add(record["name"])
    assert seen == {spec.name for spec in CATALOG}


def test_a_sender_with_only_cantools_makes_frames_dms_accepts(tmp_path: Path) -> None:
    """What a simulator in another language does with the DBC: fill the signals, the
    constant msgpack bytes from their start values, the counter, then the Profile 5 CRC."""
    database = _database(tmp_path)
    described = database.get_message_by_name("VEH_State")
    framing = {s.name: s.raw_initial or 0 for s in described.signals if s.name.startswith("MP_")}
    receiver = Receiver()
    statuses = []
    for counter in range(3):
        values = {
            **framing,
            "E2E_CRC": 0,
            "E2E_Counter": counter,
            "speed_mps": 27.5,
            "accel_mps2": -0.4,
            "position_m": 1234.5,
            "lane_index": 1,
            "lane_count": 3,
            "lane_offset_m": -0.12,
            "hazard_lights": 0,
            "turn_signal": 0,
            "driver_input": 1,
            "ignition_on": 1,
            "assist_engaged": 0,
        }
        data = apply_profile5_crc(described.encode(values), described.frame_id)
        assert data is not None
        reception = receiver.receive(described.frame_id, bytes(data))
        statuses.append(reception.status)
        assert reception.message is not None
        assert reception.message.speed_mps == 27.5  # type: ignore[attr-defined]
        assert reception.message.lane_offset_m == -0.12  # type: ignore[attr-defined]
    assert statuses == [FrameStatus.OK] * 3


def test_the_keyed_dbc_places_freshness_and_mac_at_the_end(tmp_path: Path) -> None:
    keyed = _database(tmp_path, "--keyed").get_message_by_name("ECU_Mrm")
    plain = catalog_dbc()
    assert "SecOC_MAC" not in plain
    mac = keyed.get_signal_by_name("SecOC_MAC")
    display = keyed.get_signal_by_name("SecOC_DisplayMAC")
    freshness = keyed.get_signal_by_name("SecOC_Freshness")
    assert keyed.length == 48
    assert (display.start, display.length) == ((48 - 8) * 8 + 7, 64)
    assert (mac.start, mac.length) == ((48 - 16) * 8 + 7, 64)
    assert (freshness.start, freshness.length) == ((48 - 24) * 8 + 7, 64)
