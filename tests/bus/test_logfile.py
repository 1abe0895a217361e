"""Recording and playback through python-can's own log formats."""

from __future__ import annotations

import threading
from pathlib import Path

import can
import pytest

from dms.bus import Receiver, open_bus, open_log_writer, play, read_frames, record
from dms.bus.examples import example_messages
from dms.bus.status import FrameStatus
from dms.errors import BusError, ConfigError
from tests.keys import EverySender, ring


def published(count: int) -> list[can.Message]:
    publisher = EverySender()
    messages = example_messages()
    return [
        publisher.encode(messages[i % len(messages)], t_s=1_700_000_000.0 + i * 0.01)
        for i in range(count)
    ]


def same_frame(a: can.Message, b: can.Message, *, fd_flag: bool = True) -> bool:
    same = (a.arbitration_id, bytes(a.data), a.is_extended_id) == (
        b.arbitration_id,
        bytes(b.data),
        b.is_extended_id,
    )
    return same and (a.is_fd == b.is_fd or not fd_flag)


@pytest.mark.parametrize("suffix", [".blf", ".asc", ".log", ".csv"])
def test_a_written_log_reads_back_the_same_frames_with_their_spacing(
    tmp_path: Path, suffix: str
) -> None:
    frames = published(40)
    path = tmp_path / f"drive{suffix}"
    writer = open_log_writer(path)
    for frame in frames:
        writer.on_message_received(frame)
    writer.stop()
    back = list(read_frames(path))
    assert len(back) == len(frames)
    keeps_fd = suffix != ".csv"
    assert all(same_frame(a, b, fd_flag=keeps_fd) for a, b in zip(frames, back, strict=True))
    spacing = [b.timestamp - back[0].timestamp for b in back]
    assert spacing == pytest.approx([i * 0.01 for i in range(40)], abs=1e-3)
    receiver = Receiver(keys=ring("cluster"))
    assert {receiver.receive_can(frame).status for frame in back} == {FrameStatus.OK}


@pytest.mark.parametrize("suffix", [".blf", ".asc"])
def test_record_from_a_bus_then_play_back_onto_another(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"rec{suffix}"
    frames = published(25)
    with open_bus("virtual:rec-test") as tx, open_bus("virtual:rec-test") as rx:
        seen = threading.Event()
        count = {"n": 0}

        def on_frame(_: can.Message) -> None:
            count["n"] += 1
            if count["n"] == len(frames):
                seen.set()

        recorder = threading.Thread(
            target=record, args=(rx, path), kwargs={"stop": seen, "on_frame": on_frame}
        )
        recorder.start()
        for frame in frames:
            tx.send(frame)
        recorder.join(timeout=10)
    assert not recorder.is_alive()

    with open_bus("virtual:play-test") as tx, open_bus("virtual:play-test") as rx:
        sent = play(path, tx, speed=0)
        replayed = [rx.recv(timeout=1.0) for _ in range(sent)]
    assert sent == len(frames)
    for want, got in zip(frames, replayed, strict=True):
        assert got is not None and same_frame(want, got)


def write_log(path: Path, frames: list[can.Message]) -> Path:
    writer = open_log_writer(path)
    for frame in frames:
        writer.on_message_received(frame)
    writer.stop()
    return path


def played_at(path: Path, **options: float) -> list[float]:
    """When ``play`` sends each frame of ``path``, on a simulated clock it sleeps on."""
    now = [0.0]
    sent_at: list[float] = []

    def sleep(seconds: float) -> None:
        now[0] += seconds

    with open_bus(f"virtual:played-{path.stem}") as bus:
        bus.send = lambda msg, timeout=None: sent_at.append(now[0])  # type: ignore[method-assign]
        play(path, bus, clock=lambda: now[0], sleep=sleep, **options)
    return sent_at


def test_play_keeps_the_recorded_spacing_scaled_by_speed(tmp_path: Path) -> None:
    path = write_log(tmp_path / "paced.blf", published(5))  # 10 ms apart
    sent_at = played_at(path, speed=0.01)  # 100 times slower
    assert sent_at == pytest.approx([0.0, 1.0, 2.0, 3.0, 4.0], abs=1e-3)


def test_an_unknown_log_format_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown bus log format"):
        open_log_writer(tmp_path / "drive.xyz")


def test_a_missing_log_is_a_bus_error(tmp_path: Path) -> None:
    with pytest.raises(BusError, match="does not exist"):
        list(read_frames(tmp_path / "missing.blf"))


def test_play_caps_a_long_gap_and_refuses_speeds_it_cannot_keep(tmp_path: Path) -> None:
    frames = published(3)
    frames[2].timestamp += 100_000.0  # a logger left running for a day
    path = write_log(tmp_path / "gap.blf", frames)
    assert played_at(path, max_gap_s=2.0) == pytest.approx([0.0, 0.01, 2.01], abs=1e-3)
    for speed in (1e-9, -1.0, float("nan"), float("inf")):
        with pytest.raises(ConfigError, match="play speed must be 0"):
            played_at(path, speed=speed)


@pytest.mark.parametrize("damage", ["garbage", "torn", "flipped"])
def test_a_damaged_log_is_one_bus_error_after_the_frames_it_could_read(
    tmp_path: Path, damage: str
) -> None:
    good = write_log(tmp_path / "good.blf", published(2000))
    data = bytearray(good.read_bytes())
    if damage == "garbage":
        data = bytearray(b"\x07" * len(data))
    elif damage == "torn":
        data = data[: len(data) * 2 // 3]
    else:  # bytes flipped inside the compressed frames
        for at in range(len(data) // 2, len(data) // 2 + 64):
            data[at] ^= 0x5A
    bad = tmp_path / "bad.blf"
    bad.write_bytes(bytes(data))
    read: list[can.Message] = []
    with pytest.raises(BusError, match=r"cannot read bus log .*bad\.blf"):
        read.extend(read_frames(bad))
    assert len(read) < 2000
