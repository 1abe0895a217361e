"""Reading YAML with line numbers, so that every complaint names file, line and reason.

``yaml.compose`` keeps each node's position; :class:`Fields` reads a mapping node into
typed values and raises :class:`ScenarioError` ("file:line: key: reason") on anything it
cannot use, including keys it does not know (with a guess at what was meant).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import yaml

from dms.errors import ScenarioError

__all__ = ["Fields", "Problems", "compose_file", "plain", "where"]

T = TypeVar("T")
F = TypeVar("F")


def where(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


#: The longest text value a scenario may hold (names, zones, modes); a description may
#: hold more (:data:`MAX_DESCRIPTION`). Reports and plots print them.
MAX_TEXT = 200
MAX_DESCRIPTION = 4000


def compose_file(path: Path) -> yaml.MappingNode:
    """The document's root mapping; YAML syntax errors become :class:`ScenarioError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read: {exc}") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:  # the composer recurses once per level of nesting
        raise ScenarioError(f"{path}: nested too deeply to be a scenario") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(f"{path}{line}: not valid YAML: {problem}") from exc
    if not isinstance(root, yaml.MappingNode):
        raise ScenarioError(f"{path}:1: a scenario is a mapping of keys (duration_s, fps, ...)")
    return root


def plain(node: yaml.Node) -> object:
    """A composed node as plain Python data (lists, dicts, numbers, text)."""
    return yaml.safe_load(yaml.serialize(node))


def _scalar(path: Path, node: yaml.Node, key: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise ScenarioError(f"{where(path, node)}: {key}: expected a single value")
    return str(node.value)


class Fields:
    """The keys of one mapping node, read with types, ranges and defaults."""

    def __init__(self, path: Path, node: yaml.Node, context: str = "") -> None:
        if not isinstance(node, yaml.MappingNode):
            raise ScenarioError(
                f"{where(path, node)}: {context or 'this'} must be a mapping of keys"
            )
        self.path = path
        self.node = node
        self.context = context
        self._values: dict[str, yaml.Node] = {}
        self._keys: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = _scalar(path, key_node, "key")
            if key in self._values:
                raise ScenarioError(f"{where(path, key_node)}: {key}: given twice")
            self._values[key] = value_node
            self._keys[key] = key_node
        self._used: set[str] = set()

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def has(self, key: str) -> bool:
        return key in self._values

    def fail(self, key: str, reason: str) -> ScenarioError:
        node = self._values.get(key, self.node)
        label = f"{self.context}.{key}" if self.context else key
        return ScenarioError(f"{where(self.path, node)}: {label}: {reason}")

    def node_of(self, key: str) -> yaml.Node:
        self._used.add(key)
        return self._values[key]

    def number(
        self,
        key: str,
        default: float | None = None,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float:
        if key not in self._values:
            if default is None:
                raise self.missing(key)
            return default
        text = _scalar(self.path, self.node_of(key), key)
        try:
            value = float(text)
        except ValueError:
            raise self.fail(key, f"expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise self.fail(key, f"expected a finite number, got {text!r}")
        if minimum is not None and value < minimum:
            raise self.fail(key, f"must be at least {minimum:g}, got {value:g}")
        if maximum is not None and value > maximum:
            raise self.fail(key, f"must be at most {maximum:g}, got {value:g}")
        return value

    def integer(self, key: str, default: int | None = None, *, minimum: int | None = None) -> int:
        value = self.number(key, None if default is None else float(default), minimum=minimum)
        if value != int(value):
            raise self.fail(key, f"expected a whole number, got {value:g}")
        return int(value)

    def text(
        self,
        key: str,
        default: str | None = None,
        *,
        choices: Sequence[str] | None = None,
        max_length: int = MAX_TEXT,
    ) -> str:
        if key not in self._values:
            if default is None:
                raise self.missing(key)
            return default
        value = _scalar(self.path, self.node_of(key), key)
        if len(value) > max_length:
            raise self.fail(key, f"{len(value)} characters; at most {max_length}")
        if choices is not None and value not in choices:
            hint = difflib.get_close_matches(value, choices, n=1)
            guess = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise self.fail(key, f"unknown value {value!r}{guess}; one of: {', '.join(choices)}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        if key not in self._values:
            return default
        value = _scalar(self.path, self.node_of(key), key).lower()
        if value in ("true", "yes", "on"):
            return True
        if value in ("false", "no", "off"):
            return False
        raise self.fail(key, f"expected true or false, got {value!r}")

    def pair(self, key: str) -> tuple[float, float] | None:
        """``[a, b]`` with a <= b, or None when absent."""
        if key not in self._values:
            return None
        node = self.node_of(key)
        if not isinstance(node, yaml.SequenceNode) or len(node.value) != 2:
            raise self.fail(key, "expected a pair [from, to]")
        try:
            a, b = (float(_scalar(self.path, item, key)) for item in node.value)
        except ValueError:
            raise self.fail(key, "expected two numbers [from, to]") from None
        if a > b:
            raise self.fail(key, f"from ({a:g}) is after to ({b:g})")
        return a, b

    def items(self, key: str) -> list[yaml.Node]:
        """The entries of a list (empty when absent)."""
        if key not in self._values:
            return []
        node = self.node_of(key)
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(key, "expected a list")
        return list(node.value)

    def section(self, key: str) -> Fields | None:
        if key not in self._values:
            return None
        context = f"{self.context}.{key}" if self.context else key
        return Fields(self.path, self.node_of(key), context)

    def missing(self, key: str) -> ScenarioError:
        """A required key is absent; a key given instead that looks like it is named."""
        label = f"{self.context}.{key}" if self.context else key
        unread = [given for given in self._keys if given not in self._used]
        typo = difflib.get_close_matches(key, unread, n=1)
        if typo:
            node = self._keys[typo[0]]
            return ScenarioError(
                f"{where(self.path, node)}: {label}: required "
                f"(is {typo[0]!r} a misspelling of {key!r}?)"
            )
        return ScenarioError(f"{where(self.path, self.node)}: {label}: required")

    def done(self, allowed: Iterable[str] = ()) -> None:
        """Complain about keys nobody read (typos), each with a guess at the intended key."""
        known = set(allowed) | self._used
        problems = []
        for key, node in self._keys.items():
            if key not in known:
                hint = difflib.get_close_matches(key, sorted(known), n=1)
                guess = f" (did you mean {hint[0]!r}?)" if hint else ""
                label = f"{self.context}.{key}" if self.context else key
                problems.append(f"{where(self.path, node)}: {label}: unknown key{guess}")
        if problems:
            raise ScenarioError("\n".join(problems))


class Problems:
    """Collects the errors of a whole file, so that one run reports every one of them."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def attempt(self, read: Callable[[], T], fallback: F) -> T | F:
        """``read()``, or ``fallback`` after noting its error."""
        try:
            return read()
        except ScenarioError as exc:
            self.messages.append(str(exc))
            return fallback

    def check(self) -> None:
        """Raise one :class:`ScenarioError` with every message noted, one per line."""
        if self.messages:
            raise ScenarioError("\n".join(self.messages))
