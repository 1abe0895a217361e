"""AUTOSAR E2E supervision of one received message: the counter check and the state machine.

The counter check (:class:`CounterCheck`) judges each intact frame against the last one
delivered, as E2E Profile 5's check does: a step of 1 is ``OK``, up to
``max_delta_counter`` is ``OK_SOME_LOST``, 0 is ``REPEATED`` and anything else (backwards
included, on the 8-bit counter) is ``WRONG_SEQUENCE``; only the first two deliver data.
A gap must also be plausible in time: frames lost in between were due half a period
apart at least, so an old frame whose counter happens to lie just ahead (one recorded
253-255 frames ago) is not taken for new when it arrives right after a genuine one.
A sender that restarts its counter is followed again once its old counter line has timed
out and the new one has shown ``sync_frames`` frames in sequence, so a babbler replaying
old frames among the genuine ones never takes the stream over.

The state machine (:class:`StreamSupervisor`) is AUTOSAR's E2E_SM: every receive cycle
(one period of the message) yields one check, the best of the frames that arrived in it,
into a window whose OK and ERROR counts move the stream between NODATA, INIT, VALID and
INVALID. Because a cycle keeps its best frame, junk injected beside a genuine stream
leaves every cycle OK, while a stream whose own frames fail is INVALID within two cycles.
The deadline (no frame delivered for ``deadline_periods`` periods) is watched apart, on
the receiving node's monotonic clock, so silence is declared within three periods.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass

from dms.bus.status import Check, FrameStatus
from dms.errors import ConfigError

__all__ = [
    "DEFAULT_E2E",
    "TIMEOUT_PERIODS",
    "CounterCheck",
    "E2ESettings",
    "E2EState",
    "StreamSupervisor",
]

_COUNTER_MODULUS = 256  # Profile 5: an 8-bit counter
#: Periods a message may miss before it counts as timed out.
TIMEOUT_PERIODS = 3


class E2EState(str, enum.Enum):
    """AUTOSAR E2E_SMStateType."""

    NODATA = "nodata"  # nothing valid received yet
    INIT = "init"  # valid frames arriving, not yet enough to trust the stream
    VALID = "valid"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True, kw_only=True)
class E2ESettings:
    """E2E check and state-machine parameters, named as AUTOSAR's E2E_SMConfigType and
    E2E_P05ConfigType name them (source: AUTOSAR PRS E2E Protocol, Profile 5 and the E2E
    state machine). Windows count receive cycles (periods of the message), not frames."""

    max_delta_counter: int = 3  # counter steps still delivered: up to two frames lost
    sync_frames: int = 2  # in-sequence frames that re-synchronise a restarted sender
    deadline_periods: int = TIMEOUT_PERIODS  # periods without a delivered frame
    window_size_init: int = 3
    min_ok_state_init: int = 2  # two good cycles before a new stream is trusted
    max_error_state_init: int = 1
    window_size_valid: int = 3
    min_ok_state_valid: int = 1
    max_error_state_valid: int = 1  # two bad cycles out of three: INVALID
    window_size_invalid: int = 2
    min_ok_state_invalid: int = 2  # two good cycles in a row to be trusted again
    max_error_state_invalid: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.max_delta_counter < _COUNTER_MODULUS // 2:
            raise ConfigError(f"max_delta_counter must be 1-127, got {self.max_delta_counter}")
        for state in ("init", "valid", "invalid"):
            window = getattr(self, f"window_size_{state}")
            min_ok = getattr(self, f"min_ok_state_{state}")
            max_error = getattr(self, f"max_error_state_{state}")
            if not 1 <= min_ok <= window or not 0 <= max_error < window:
                raise ConfigError(
                    f"E2E {state} window {window}: min_ok_state must be 1-{window} and "
                    f"max_error_state 0-{window - 1}, got {min_ok} and {max_error}"
                )
        if self.sync_frames < 1 or self.deadline_periods < 1:
            raise ConfigError("sync_frames and deadline_periods must be at least 1")

    @property
    def longest_window(self) -> int:
        return max(self.window_size_init, self.window_size_valid, self.window_size_invalid)


DEFAULT_E2E = E2ESettings()
_OK_CHECK = Check.OK
_VALID = E2EState.VALID
_OK, _SOME_LOST, _REPEATED, _WRONG = (
    FrameStatus.OK,
    FrameStatus.OK_SOME_LOST,
    FrameStatus.REPEATED,
    FrameStatus.WRONG_SEQUENCE,
)


class CounterCheck:
    """Profile 5's counter check for one message, with re-synchronisation."""

    __slots__ = (
        "_candidate",
        "_half_period_s",
        "_in_sequence",
        "_last",
        "_last_s",
        "_max_delta",
        "_silence_s",
        "_sync_frames",
    )

    def __init__(self, period_s: float, settings: E2ESettings = DEFAULT_E2E) -> None:
        self._max_delta = settings.max_delta_counter
        self._half_period_s = period_s / 2
        self._silence_s = settings.deadline_periods * period_s
        self._sync_frames = settings.sync_frames
        self._last: int | None = None  # counter of the last delivered frame
        self._last_s = 0.0
        self._candidate: int | None = None  # counter of the last frame out of sequence
        self._in_sequence = 0  # frames in sequence on the candidate's counter line

    def check(self, counter: int, t_s: float) -> FrameStatus:
        last = self._last
        if last is None:
            return self._deliver(counter, t_s, _OK)
        delta = (counter - last) % _COUNTER_MODULUS
        if delta == 1 and self._candidate is None:  # the usual case, inline
            self._last, self._last_s = counter, t_s
            return _OK
        if delta == 0:
            return _REPEATED
        if delta == 1:
            return self._deliver(counter, t_s, _OK)
        if delta <= self._max_delta and t_s - self._last_s >= (delta - 1) * self._half_period_s:
            return self._deliver(counter, t_s, _SOME_LOST)
        candidate = self._candidate
        step = (counter - candidate) % _COUNTER_MODULUS if candidate is not None else 0
        follows = 0 < step <= self._max_delta
        self._in_sequence = self._in_sequence + 1 if follows else 1
        self._candidate = counter
        if self._in_sequence >= self._sync_frames and t_s - self._last_s > self._silence_s:
            return self._deliver(counter, t_s, _SOME_LOST)  # the old line is gone: follow
        return _WRONG

    def _deliver(self, counter: int, t_s: float, status: FrameStatus) -> FrameStatus:
        self._last = counter
        self._last_s = t_s
        self._candidate = None
        self._in_sequence = 0
        return status


class StreamSupervisor:
    """The E2E state machine and deadline of one message, fed with every frame's check.

    Cycles are one period long and centred on the stream's frames (the grid is set by
    the first good frame, and again after a timeout), so jitter up to half a period never
    moves a frame into the wrong cycle. An OK in the open cycle counts at once; an ERROR
    only once its cycle has closed without a good frame.
    """

    __slots__ = (
        "_best",
        "_cycle_end",
        "_limits",
        "_longest",
        "_period_s",
        "_window",
        "deadline_s",
        "last_ok_s",
        "state",
    )

    def __init__(
        self, period_s: float, start_s: float, settings: E2ESettings = DEFAULT_E2E
    ) -> None:
        s = settings
        self._limits = {  # state -> (window size, min OK, max ERROR)
            E2EState.INIT: (s.window_size_init, s.min_ok_state_init, s.max_error_state_init),
            E2EState.VALID: (s.window_size_valid, s.min_ok_state_valid, s.max_error_state_valid),
            E2EState.INVALID: (
                s.window_size_invalid,
                s.min_ok_state_invalid,
                s.max_error_state_invalid,
            ),
        }
        self._period_s = period_s
        self.deadline_s = s.deadline_periods * period_s
        self._longest = s.longest_window
        self._window: deque[Check] = deque(maxlen=self._longest)  # closed cycles
        self._cycle_end: float | None = None  # no grid until the first good frame
        self._best = Check.NO_NEW_DATA  # of the open cycle
        self.last_ok_s = start_s
        self.state = E2EState.NODATA

    def observe(self, check: Check, t_s: float) -> None:
        end = self._cycle_end
        if (  # the steady state, inline: a VALID stream's next good frame, one cycle on
            check is _OK_CHECK
            and self._best is _OK_CHECK
            and self.state is _VALID
            and end is not None
            and end <= t_s < end + self._period_s
        ):
            self._window.append(_OK_CHECK)
            self._cycle_end = end + self._period_s
            self.last_ok_s = t_s
            return
        if end is not None and t_s >= end:
            self.advance(t_s)
        if check is _OK_CHECK:
            if end is None or t_s - self.last_ok_s > self.deadline_s:
                self._cycle_end = t_s + self._period_s / 2  # (re)start the grid on this frame
            self.last_ok_s = t_s
        if self._cycle_end is not None and check > self._best:
            self._best = check
            # An OK can only move a stream towards VALID: nothing to do when it is there.
            if check is _OK_CHECK and self.state is not _VALID:
                self._evaluate()

    def advance(self, now_s: float) -> None:
        """Close every cycle that ended by ``now_s``."""
        end = self._cycle_end
        if end is None or now_s < end:
            return
        closed = int((now_s - end) // self._period_s) + 1
        best = self._best
        self._window.append(best)
        if closed > 1:
            self._window.extend([Check.NO_NEW_DATA] * min(closed - 1, self._longest))
        self._best = Check.NO_NEW_DATA
        self._cycle_end = end + closed * self._period_s
        if closed > 1 or best is not _OK_CHECK or self.state is not _VALID:
            self._evaluate()  # (a closed OK cycle keeps a VALID stream VALID)

    def timed_out(self, now_s: float) -> bool:
        return now_s - self.last_ok_s > self.deadline_s

    def available(self, now_s: float) -> bool:
        """Whether the data may be acted on: not INVALID and not timed out (a stream
        still starting up counts as available until its deadline)."""
        self.advance(now_s)
        return self.state is not E2EState.INVALID and not self.timed_out(now_s)

    def valid(self, now_s: float) -> bool:
        """Whether the stream is VALID and within its deadline: what a command must be to
        be obeyed (a stream still starting up is not yet)."""
        self.advance(now_s)
        return self.state is E2EState.VALID and not self.timed_out(now_s)

    def _evaluate(self) -> None:
        state = self.state
        if state is E2EState.NODATA:
            if self._best is not Check.OK:
                return
            self.state = state = E2EState.INIT
        window, min_ok, max_error = self._limits[state]
        recent = [*self._window, Check.OK] if self._best is Check.OK else list(self._window)
        recent = recent[-window:]
        ok, errors = recent.count(Check.OK), recent.count(Check.ERROR)
        good = ok >= min_ok and errors <= max_error
        if state is E2EState.VALID:
            if not good:
                self.state = E2EState.INVALID
        elif good:
            self.state = E2EState.VALID
        elif state is E2EState.INIT and errors > max_error:
            self.state = E2EState.INVALID
