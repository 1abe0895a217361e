"""Events as they happen, one JSON object per line on stdout, for the processes that run
live (``dms ecu``, ``dms sensor``, ``dms live --no-hud``): easy to read, easy to parse.
``t_s`` is the process clock (:mod:`dms.clock`), which all processes of a machine share."""

from __future__ import annotations

import json
from collections.abc import Iterable

from dms.events import Event

__all__ = ["print_events"]


def print_events(events: Iterable[Event], node: str) -> None:
    for event in events:
        print(json.dumps({**event.as_dict(), "node": node}), flush=True)
