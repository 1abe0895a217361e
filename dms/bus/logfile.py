"""Bus logs through python-can's own writers and readers, so a recording opens in standard
CAN tools (Vector BLF and ASC, candump .log) and a tool's recording plays back here.
CSV is offered for spreadsheets; it does not keep the CAN FD flag."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import can

from dms.bus.inbox import Inbox
from dms.errors import BusError, ConfigError

__all__ = ["LOG_SUFFIXES", "open_log_writer", "play", "read_frames", "record"]

#: Formats python-can reads and writes with CAN FD frames and without extra packages.
LOG_SUFFIXES = (".blf", ".asc", ".log", ".csv")


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in LOG_SUFFIXES:
        raise ConfigError(f"{path}: unknown bus log format; use one of {', '.join(LOG_SUFFIXES)}")


def open_log_writer(path: str | Path) -> can.Listener:
    """A python-can logger for ``path``, its format chosen by the suffix. Call ``stop()``."""
    path = Path(path)
    _check_suffix(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        logger: can.Listener = can.Logger(str(path))
    except OSError as exc:
        raise BusError(f"cannot write bus log {path}: {exc}") from exc
    return logger


def read_frames(path: str | Path) -> Iterator[can.Message]:
    """The frames of a bus log, in file order."""
    path = Path(path)
    _check_suffix(path)
    if not path.is_file():
        raise BusError(f"bus log {path} does not exist")
    try:
        yield from can.LogReader(str(path))
    except (OSError, ValueError, EOFError) as exc:
        raise BusError(f"cannot read bus log {path}: {exc}") from exc


def record(
    bus: can.BusABC,
    path: str | Path,
    *,
    seconds: float | None = None,
    stop: threading.Event | None = None,
    on_frame: Callable[[can.Message], None] | None = None,
    inbox: Inbox | None = None,
) -> int:
    """Write every frame from ``bus`` to ``path`` until ``seconds`` pass or ``stop`` is set.
    Frames the backend could not receive are counted in ``inbox`` (pass one to read it)."""
    writer = open_log_writer(path)
    inbox = inbox or Inbox(bus)
    deadline = None if seconds is None else time.monotonic() + seconds
    frames = 0
    try:
        while not (stop is not None and stop.is_set()):
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            frame = inbox.wait(0.1 if remaining is None else min(0.1, remaining))
            if frame is None:
                continue
            writer.on_message_received(frame)
            frames += 1
            if on_frame is not None:
                on_frame(frame)
    finally:
        writer.stop()
    return frames


def play(
    path: str | Path,
    bus: can.BusABC,
    *,
    speed: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Send the frames of a log on ``bus``, keeping their spacing divided by ``speed``
    (``speed=0`` sends as fast as possible). Returns the number of frames sent."""
    if speed < 0:
        raise ConfigError(f"play speed must be >= 0, got {speed}")
    start_wall = clock()
    first_t: float | None = None
    frames = 0
    for frame in read_frames(path):
        if first_t is None:
            first_t = frame.timestamp
        if speed > 0:
            due = start_wall + (frame.timestamp - first_t) / speed
            delay = due - clock()
            if delay > 0:
                sleep(delay)
        try:
            bus.send(frame)
        except (can.CanError, OSError) as exc:
            raise BusError(f"cannot send frame {frames} of {path}: {exc}") from exc
        frames += 1
    return frames
