"""Timeouts: a message that misses three of its periods is flagged as timed out."""

from __future__ import annotations

from collections.abc import Iterable

from dms.bus.catalog import CATALOG
from dms.bus.receiver import Reception
from dms.bus.signals import MessageSpec
from dms.errors import ConfigError

__all__ = ["TIMEOUT_PERIODS", "HealthMonitor"]

#: Periods a message may miss before it counts as timed out (AUTOSAR E2E style).
TIMEOUT_PERIODS = 3


class HealthMonitor:
    """Watches when each message last arrived intact.

    A message never seen counts from ``start_s``, so a stream that never starts times out too.
    """

    def __init__(
        self,
        start_s: float,
        catalog: Iterable[MessageSpec] = CATALOG,
        periods: int = TIMEOUT_PERIODS,
    ) -> None:
        self._limit_s = {spec.name: periods * spec.period_s for spec in catalog}
        self._last_s = dict.fromkeys(self._limit_s, start_s)

    def observe(self, reception: Reception) -> None:
        if reception.status.delivered and reception.spec is not None:
            self._last_s[reception.spec.name] = reception.t_s

    def _unknown(self, name: str) -> ConfigError:
        known = ", ".join(self._last_s)
        return ConfigError(f"the health monitor does not watch {name!r} (it watches {known})")

    def age_s(self, name: str, now_s: float) -> float:
        last = self._last_s.get(name)
        if last is None:
            raise self._unknown(name)
        return now_s - last

    def is_timed_out(self, name: str, now_s: float) -> bool:
        last = self._last_s.get(name)
        if last is None:
            raise self._unknown(name)
        return now_s - last > self._limit_s[name]

    def timed_out(self, now_s: float, names: Iterable[str] | None = None) -> frozenset[str]:
        """The messages (of ``names``, default all) that are currently timed out."""
        return frozenset(
            n for n in (self._limit_s if names is None else names) if self.is_timed_out(n, now_s)
        )
