"""Setting one value of a scenario's YAML data by its dotted path (``timeline.0.duration_s``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dms.errors import ScenarioError

__all__ = ["set_value"]


def set_value(data: Any, path: Sequence[str], value: Any, *, owner: str) -> None:
    """Set ``value`` at ``path``, making mappings on the way; ``owner`` opens any error
    (e.g. ``"sweep.yaml: axis path"``)."""
    dotted = ".".join(path)
    holder = data
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(holder, list):
            if not part.isdigit() or int(part) >= len(holder):
                raise ScenarioError(f"{owner} {dotted}: no entry {part} in the scenario")
            if last:
                holder[int(part)] = value
            else:
                holder = holder[int(part)]
        elif isinstance(holder, dict):
            if last:
                holder[part] = value
            else:
                holder = holder.setdefault(part, {})
        else:
            raise ScenarioError(f"{owner} {dotted}: {part} is a value")
