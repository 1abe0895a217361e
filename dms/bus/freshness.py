"""SecOC-style freshness management: trip counters that survive restarts.

An authenticated frame carries a 64-bit freshness value: the sender's **trip counter**
(high 32 bits, +1 every time a sender starts, persisted before its first frame) and the
message's **message counter** (low 32 bits, +1 every frame, from 1 each trip). A receiver
takes a frame only if its freshness value is newer than the last one it accepted for that
message, and within the acceptance window (at most :data:`TRIP_WINDOW` trips and
:data:`COUNTER_WINDOW` frames ahead); authentic frames beyond the window are taken again
after :data:`RESYNC_FRAMES` of them in a row, each newer than the one before
(resynchronisation, e.g. after a long outage).

Receivers persist the newest value they accepted per message (every
:data:`CHECKPOINT_S` and on close), so a restarted receiver still rejects frames
recorded on earlier drives. The state lives in one JSON file per node role, under
``$DMS_STATE_DIR`` (default ``$XDG_STATE_HOME/dms``, i.e. ``~/.local/state/dms``).
A replay keeps its state in memory: its frames are signed with a one-off key anyway.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

from dms.bus.status import FrameStatus
from dms.errors import ConfigError

__all__ = [
    "CHECKPOINT_S",
    "COUNTER_WINDOW",
    "RESYNC_FRAMES",
    "STATE_ENV",
    "TRIP_WINDOW",
    "FreshnessCheck",
    "FreshnessStore",
    "state_dir",
]

STATE_ENV = "DMS_STATE_DIR"
TRIP_WINDOW = 16  # a receiver may have missed this many restarts of a sender
COUNTER_WINDOW = 1 << 16  # frames a receiver may have missed within one trip (36 min at 30 Hz)
RESYNC_FRAMES = 2
CHECKPOINT_S = 1.0
_COUNTER_BITS = 32
_COUNTER_MASK = (1 << _COUNTER_BITS) - 1
_REPLAYED = FrameStatus.REPLAYED
_OUT_OF_WINDOW = FrameStatus.OUT_OF_WINDOW


def state_dir() -> Path:
    """Where nodes keep their freshness state."""
    explicit = os.environ.get(STATE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "dms"


class FreshnessStore:
    """Trip counters of the senders a node runs and the newest freshness values it has
    accepted, per message; persisted at ``path`` (``None``: in memory only)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._trips: dict[str, int] = {}
        self._accepted: dict[str, int] = {}
        self._dirty = False
        self._checkpoint_s = -math.inf  # the next save, on the receiving node's clock
        if path is not None and path.exists():
            self._load(path)

    @classmethod
    def for_role(cls, role: str) -> FreshnessStore:
        """The persisted store of a node role, under :func:`state_dir`."""
        return cls(state_dir() / f"freshness-{role}.json")

    def _load(self, path: Path) -> None:
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            trips, accepted = state["trips"], state["accepted"]
            self._trips = {str(k): int(v) for k, v in trips.items()}
            self._accepted = {str(k): int(v) for k, v in accepted.items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(
                f"{path}: unreadable freshness state ({exc}); move it away to start afresh "
                "(receivers then accept any authentic frame once)"
            ) from exc

    def next_trip(self, sender: str) -> int:
        """Start a new trip for ``sender``, persisted before it is used."""
        trip = self._trips.get(sender, 0) + 1
        if trip > _COUNTER_MASK:
            raise ConfigError(f"{sender}'s trip counter is exhausted: the bus needs a new key")
        self._trips[sender] = trip
        self._dirty = True
        self.save()
        return trip

    def accepted(self, message: str) -> int | None:
        return self._accepted.get(message)

    def accept(self, message: str, freshness: int, t_s: float) -> None:
        self._accepted[message] = freshness
        self._dirty = True
        if t_s >= self._checkpoint_s:
            if self._checkpoint_s > -math.inf:
                self.save()
            self._checkpoint_s = t_s + CHECKPOINT_S

    def save(self) -> None:
        """Write the state (atomically: a crash leaves the old file or the new one)."""
        if self.path is None or not self._dirty:
            return
        state = {"trips": self._trips, "accepted": self._accepted}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(state, out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            raise ConfigError(f"cannot keep the freshness state in {self.path}: {exc}") from exc
        self._dirty = False


class FreshnessCheck:
    """The acceptance of one message's freshness values at one receiver."""

    __slots__ = ("_candidate", "_in_row", "_last", "_name", "_store")

    def __init__(self, message: str, store: FreshnessStore) -> None:
        self._name = message
        self._store = store
        self._last = store.accepted(message)
        self._candidate: int | None = None
        self._in_row = 0

    def check(self, freshness: int, t_s: float) -> FrameStatus | None:
        """``None`` when ``freshness`` is acceptable (and now the newest), else why not."""
        last = self._last
        if last is not None:
            if freshness <= last:
                return _REPLAYED
            trips = (freshness >> _COUNTER_BITS) - (last >> _COUNTER_BITS)
            frames = (freshness & _COUNTER_MASK) - (last & _COUNTER_MASK)
            if trips > TRIP_WINDOW or (trips == 0 and frames > COUNTER_WINDOW):
                candidate = self._candidate
                self._in_row = self._in_row + 1 if candidate and freshness > candidate else 1
                self._candidate = freshness
                if self._in_row < RESYNC_FRAMES:
                    return _OUT_OF_WINDOW
        self._last = freshness
        if self._candidate is not None:
            self._candidate, self._in_row = None, 0
        self._store.accept(self._name, freshness, t_s)
        return None
