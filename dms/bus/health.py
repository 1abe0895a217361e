"""Supervision of every received message: E2E state machine and deadline, per message.

Every :class:`~dms.bus.receiver.Receiver` feeds each frame it takes (good or bad) to its
:class:`HealthMonitor` (``receiver.health``); a node asks it, on its own monotonic clock,
which messages it may act on. See :mod:`dms.bus.e2e` for the rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from dms.bus.catalog import CATALOG
from dms.bus.e2e import DEFAULT_E2E, TIMEOUT_PERIODS, E2ESettings, E2EState, StreamSupervisor
from dms.bus.signals import MessageSpec
from dms.errors import ConfigError

if TYPE_CHECKING:
    from dms.bus.receiver import Reception

__all__ = ["TIMEOUT_PERIODS", "HealthMonitor", "StreamGroup"]


class StreamGroup:
    """Some of a monitor's messages, asked together every cycle (a node's inputs): the
    supervisors are looked up once, not on every question."""

    __slots__ = ("_streams",)

    def __init__(self, streams: Iterable[StreamSupervisor]) -> None:
        self._streams = tuple(streams)

    def all_available(self, now_s: float) -> bool:
        """Whether every message of the group may be acted on now."""
        for stream in self._streams:  # noqa: SIM110  (a loop, not all(): asked every cycle)
            if not stream.available(now_s):
                return False
        return True

    def next_deadline_s(self, now_s: float) -> float:
        """When the next of the group times out after ``now_s`` if nothing more arrives
        (``inf`` when all have already)."""
        soonest = math.inf
        for stream in self._streams:
            deadline = stream.last_ok_s + stream.deadline_s
            if now_s <= deadline < soonest:
                soonest = deadline
        return soonest


class HealthMonitor:
    """Watches each message's E2E state and when it was last delivered.

    A message never seen counts from ``start_s``, so a stream that never starts times out too.
    """

    def __init__(
        self,
        start_s: float,
        catalog: Iterable[MessageSpec] = CATALOG,
        e2e: E2ESettings = DEFAULT_E2E,
    ) -> None:
        specs = list(catalog)
        self._streams = {spec.name: StreamSupervisor(spec.period_s, start_s, e2e) for spec in specs}
        self._by_id = {spec.can_id: self._streams[spec.name] for spec in specs}

    def observe(self, reception: Reception) -> None:
        stream = self._by_id.get(reception.can_id)
        if stream is not None:
            stream.observe(reception.status.check, reception.t_s)

    def supervisor(self, name: str) -> StreamSupervisor:
        return self._stream(name)

    def group(self, names: Iterable[str]) -> StreamGroup:
        """``names`` watched together (an unknown name: :class:`ConfigError`)."""
        return StreamGroup(self._stream(name) for name in names)

    def _stream(self, name: str) -> StreamSupervisor:
        stream = self._streams.get(name)
        if stream is None:
            known = ", ".join(self._streams)
            raise ConfigError(f"the health monitor does not watch {name!r} (it watches {known})")
        return stream

    def state(self, name: str, now_s: float) -> E2EState:
        stream = self._stream(name)
        stream.advance(now_s)
        return stream.state

    def age_s(self, name: str, now_s: float) -> float:
        """Time since ``name`` was last delivered (or since the start)."""
        return now_s - self._stream(name).last_ok_s

    def is_timed_out(self, name: str, now_s: float) -> bool:
        return self._stream(name).timed_out(now_s)

    def timed_out(self, now_s: float, names: Iterable[str] | None = None) -> frozenset[str]:
        """The messages (of ``names``, default all) that are currently timed out."""
        return frozenset(
            n for n in (self._streams if names is None else names) if self.is_timed_out(n, now_s)
        )

    def available(self, name: str, now_s: float) -> bool:
        """Whether ``name``'s data may be acted on (E2E not INVALID, deadline kept)."""
        return self._stream(name).available(now_s)

    def valid(self, name: str, now_s: float) -> bool:
        """Whether ``name`` is E2E VALID and within its deadline: what a command must be
        to be obeyed (a stream still starting up is not yet)."""
        return self._stream(name).valid(now_s)

    def unavailable(self, now_s: float, names: Iterable[str] | None = None) -> frozenset[str]:
        """The messages (of ``names``, default all) that may not be acted on now."""
        return frozenset(
            n for n in (self._streams if names is None else names) if not self.available(n, now_s)
        )

    def next_deadline_s(self, now_s: float, names: Iterable[str] | None = None) -> float:
        """When the next of ``names`` (default all) times out after ``now_s`` if nothing
        more arrives (``inf`` when all have already)."""
        return self.group(self._streams if names is None else names).next_deadline_s(now_s)
