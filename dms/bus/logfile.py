"""Bus logs through python-can's own writers and readers, so a recording opens in standard
CAN tools (Vector BLF and ASC, candump .log) and a tool's recording plays back here.
CSV is offered for spreadsheets; it does not keep the CAN FD flag."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from dms.errors import BusError, ConfigError

if TYPE_CHECKING:  # python-can is imported where a log is opened: parsers stay light
    import can

    from dms.bus.inbox import Inbox

__all__ = [
    "LOG_SUFFIXES",
    "MAX_GAP_S",
    "MIN_PLAY_SPEED",
    "open_log_writer",
    "play",
    "read_frames",
    "record",
]

#: Formats python-can reads and writes with CAN FD frames and without extra packages.
LOG_SUFFIXES = (".blf", ".asc", ".log", ".csv")


def _check_suffix(path: Path) -> None:
    if path.suffix.lower() not in LOG_SUFFIXES:
        raise ConfigError(f"{path}: unknown bus log format; use one of {', '.join(LOG_SUFFIXES)}")


def open_log_writer(path: str | Path) -> can.Listener:
    """A python-can logger for ``path``, its format chosen by the suffix. Call ``stop()``."""
    import can

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
    import can

    path = Path(path)
    _check_suffix(path)
    if not path.is_file():
        raise BusError(f"bus log {path} does not exist")
    try:
        reader = can.LogReader(str(path))
        yield from reader
        # A torn BLF ends early without a word: its header says how long it should be.
        declared = getattr(reader, "file_size", 0)
        if isinstance(declared, int) and 0 < path.stat().st_size < declared:
            size = path.stat().st_size
            raise BusError(f"cannot read bus log {path}: cut short ({size} of {declared} bytes)")
    except BusError:
        raise
    except Exception as exc:  # a corrupt log: python-can's readers raise BLFParseError,
        # struct.error, zlib.error, ValueError ... whatever the damage; one clear error
        detail = str(exc) or type(exc).__name__
        raise BusError(f"cannot read bus log {path}: {detail}") from exc


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
    from dms.bus.inbox import Inbox

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


#: The slowest play speed: slower, one second of log takes over a minute and a half.
MIN_PLAY_SPEED = 0.01
#: The longest pause play keeps between two frames of a log (at speed 1), in seconds.
MAX_GAP_S = 5.0


def play(
    path: str | Path,
    bus: can.BusABC,
    *,
    speed: float = 1.0,
    max_gap_s: float = MAX_GAP_S,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Send the frames of a log on ``bus``, keeping their spacing divided by ``speed``
    (``speed=0`` sends as fast as possible). A pause longer than ``max_gap_s`` in the log
    (a logger left running, a stamp from another clock) is played as ``max_gap_s``, and a
    stamp that goes backwards as no pause. Returns the number of frames sent."""
    import can

    if not (speed == 0 or (math.isfinite(speed) and speed >= MIN_PLAY_SPEED)):
        raise ConfigError(f"play speed must be 0 (as fast as possible) or >= {MIN_PLAY_SPEED}")
    if not (math.isfinite(max_gap_s) and max_gap_s > 0):
        raise ConfigError(f"the longest gap must be a positive number of seconds, got {max_gap_s}")
    start_wall = clock()
    previous_t: float | None = None
    log_s = 0.0  # the log's time so far, gaps capped
    frames = 0
    for frame in read_frames(path):
        if previous_t is not None:
            log_s += min(max(0.0, frame.timestamp - previous_t), max_gap_s)
        previous_t = frame.timestamp
        if speed > 0:
            delay = start_wall + log_s / speed - clock()
            if delay > 0:
                sleep(delay)
        try:
            bus.send(frame)
        except (can.CanError, OSError) as exc:
            raise BusError(f"cannot send frame {frames} of {path}: {exc}") from exc
        frames += 1
    return frames
