"""Settings without code: every estimator, camera-module and ECU threshold by name.

The thresholds live in frozen dataclasses next to the code that uses them, each with its
source in a comment. This module names them ``SECTION.KEY`` (``eyes.perclos_window_s``,
``ecu.escalate_level2_after_s``), reads them from a TOML file (``--settings FILE``), from
``--set KEY=VALUE`` and from a scenario's ``settings:`` block, refuses unknown keys and
wrong types with where and why (and "did you mean"), and records where each effective
value came from.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import math
import re
import sys
import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from dms.driver_state.monitor import MonitorSettings
from dms.errors import ConfigError
from dms.sensor.features import FeatureSettings
from dms.units import unit_of
from dms.vehicle.policy import EcuSettings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "SECTIONS",
    "Assignment",
    "DmsSettings",
    "SettingRow",
    "Source",
    "apply",
    "assignments_from",
    "effective",
    "parse_assignment",
    "read_toml",
    "resolve",
    "schema",
]

#: One setting given somewhere: (SECTION.NAME, value, where it was given).
Assignment = tuple[str, Any, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class DmsSettings:
    """Everything the chain can be tuned with: the camera module's monitor and features,
    and the ECU."""

    monitor: MonitorSettings = field(default_factory=MonitorSettings)
    features: FeatureSettings = field(default_factory=FeatureSettings)
    ecu: EcuSettings = field(default_factory=EcuSettings)


#: Section name -> where its dataclass sits in :class:`DmsSettings`.
SECTIONS: dict[str, tuple[str, ...]] = {
    "eyes": ("monitor", "eyes"),
    "attention": ("monitor", "attention"),
    "yawn": ("monitor", "yawn"),
    "drowsiness": ("monitor", "drowsiness"),
    "calibration": ("monitor", "calibration"),
    "head": ("monitor", "head"),
    "monitor": ("monitor",),
    "features": ("features",),
    "ecu": ("ecu",),
    "fallback": ("ecu", "fallback"),
    "assist": ("ecu", "assist"),
}
#: Fields that are not thresholds: the cabin comes from its own options and scenario block.
_NOT_SETTINGS = frozenset({"cabin"})


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value came from: ``default``, a file and line, or ``--set``."""

    where: str

    def __str__(self) -> str:
        return self.where


DEFAULT = Source("default")


@dataclass(frozen=True, slots=True, kw_only=True)
class SettingRow:
    key: str  # SECTION.NAME
    type_name: str
    default: Any
    unit: str
    doc: str


def _section_class(path: tuple[str, ...]) -> type:
    cls: type = DmsSettings
    for name in path:
        cls = typing.get_type_hints(cls)[name]
    return cls


@cache
def _fields(section: str) -> dict[str, Any]:
    """A section's settable fields: name -> type."""
    cls = _section_class(SECTIONS[section])
    hints = typing.get_type_hints(cls)
    return {
        f.name: hints[f.name]
        for f in dataclasses.fields(cls)
        if f.name not in _NOT_SETTINGS and not dataclasses.is_dataclass(hints[f.name])
    }


@cache
def _comments(cls: type) -> dict[str, str]:
    """Each field's comment in its class's source: the lines above it, or after it."""
    try:
        lines = inspect.getsource(cls).splitlines()
    except (OSError, TypeError):
        return {}
    found: dict[str, str] = {}
    pending: list[str] = []
    for line in lines:
        text = line.strip()
        if text.startswith("#"):
            pending.append(text.lstrip("#").strip())
            continue
        match = re.match(r"(\w+)\s*:[^=]*=.*?(?:#\s*(.*))?$", text)
        if match:
            trailing = match.group(2)
            found[match.group(1)] = " ".join([*pending, *([trailing] if trailing else [])])
        pending = []
    return found


def _type_name(kind: Any) -> str:
    if typing.get_origin(kind) is tuple:
        (inner, *_rest) = typing.get_args(kind)
        return f"list of {inner.__name__}"
    if typing.get_origin(kind) is typing.Literal:
        return " | ".join(repr(a) for a in typing.get_args(kind))
    return getattr(kind, "__name__", str(kind))


def schema() -> list[SettingRow]:
    """Every setting, in section order, with its type, default, unit and documentation."""
    defaults = DmsSettings()
    rows = []
    for section, path in SECTIONS.items():
        cls = _section_class(path)
        holder = _get(defaults, path)
        comments = _comments(cls)
        for name, kind in _fields(section).items():
            rows.append(
                SettingRow(
                    key=f"{section}.{name}",
                    type_name=_type_name(kind),
                    default=getattr(holder, name),
                    unit=unit_of(name),
                    doc=comments.get(name, ""),
                )
            )
    return rows


def _get(settings: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        settings = getattr(settings, name)
    return settings


def _suggest(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _resolve(key: str, where: str) -> tuple[str, str, Any]:
    """(section, field, type) of ``SECTION.NAME``, or a ConfigError that says why not."""
    section, dot, name = key.partition(".")
    if not dot or not name:
        raise ConfigError(f"{where}: {key!r} is not SECTION.NAME, e.g. eyes.perclos_window_s")
    if section not in SECTIONS:
        raise ConfigError(
            f"{where}: no settings section {section!r}{_suggest(section, SECTIONS)}; "
            f"sections: {', '.join(SECTIONS)}"
        )
    fields = _fields(section)
    if name not in fields:
        every = [f"{s}.{n}" for s in SECTIONS for n in _fields(s)]
        hint = _suggest(name, fields) or _suggest(key, every)
        raise ConfigError(f"{where}: {section} has no setting {name!r}{hint}")
    return section, name, fields[name]


def _coerce(value: Any, kind: Any, key: str, where: str) -> Any:
    """``value`` as a ``kind``; a ConfigError names the key and what it expected."""
    if typing.get_origin(kind) is tuple:
        (inner, *_rest) = typing.get_args(kind)
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: {key} takes a list of {inner.__name__}, got {value!r}")
        return tuple(_coerce(v, inner, key, where) for v in value)
    if typing.get_origin(kind) is typing.Literal:
        choices = typing.get_args(kind)
        if value not in choices:
            raise ConfigError(f"{where}: {key} is one of {choices}, got {value!r}")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {key} takes true or false, got {value!r}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: {key} takes a whole number, got {value!r}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: {key} takes a number, got {value!r}")
        if not math.isfinite(value):
            raise ConfigError(f"{where}: {key} takes a finite number, got {value!r}")
        return float(value)
    raise ConfigError(f"{where}: {key} cannot be set from a file (a {_type_name(kind)})")


def parse_assignment(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` from the command line; the value is read as TOML (numbers, true/false,
    lists, quoted strings), else taken as a bare string."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"--set {text!r}: expected KEY=VALUE, e.g. eyes.perclos_window_s=30")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key.strip(), value


def read_toml(path: Path) -> Iterator[Assignment]:
    """(key, value, where) of every setting in a TOML file of ``[section]`` tables."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a TOML file: {exc}") from exc
    lines = text.splitlines()
    for section, table in data.items():
        if not isinstance(table, dict):
            where = f"{path}:{_line_of(lines, section, None)}"
            raise ConfigError(
                f"{where}: {section!r} is not a [section] table; e.g. [eyes] then "
                "perclos_window_s = 30"
            )
        for name, value in table.items():
            yield f"{section}.{name}", value, f"{path}:{_line_of(lines, section, name)}"


def _line_of(lines: list[str], section: str, name: str | None) -> int:
    """The line of ``name`` in ``[section]`` (or of the section): TOML parsers give none."""
    in_section = name is None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_section = stripped.strip("[] ") == section
            if in_section and name is None:
                return number
            continue
        if name is not None and in_section and re.match(rf"{re.escape(name)}\s*=", stripped):
            return number
        if name is None and re.match(rf"{re.escape(section)}\s*=", stripped):
            return number
    return 1


def apply(
    settings: DmsSettings,
    assignments: Iterable[Assignment],
    sources: dict[str, Source] | None = None,
) -> DmsSettings:
    """``settings`` with each (key, value, where) applied in turn (later ones win);
    ``sources`` notes where each key's value came from."""
    for key, value, where in assignments:
        section, name, kind = _resolve(key, where)
        coerced = _coerce(value, kind, key, where)
        path = SECTIONS[section]
        holder = _get(settings, path)
        try:
            replaced = dataclasses.replace(holder, **{name: coerced})
        except (ValueError, ConfigError) as exc:  # a settings class's own check
            raise ConfigError(f"{where}: {key} = {value!r}: {exc}") from exc
        settings = _put(settings, path, replaced)
        if sources is not None:
            sources[key] = Source(where)
    return settings


def _put(settings: Any, path: tuple[str, ...], value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    return dataclasses.replace(
        settings, **{head: _put(getattr(settings, head), tuple(rest), value)}
    )


def effective(settings: DmsSettings) -> dict[str, dict[str, Any]]:
    """Section -> key -> value, as a report records them (lists for tuples)."""
    out: dict[str, dict[str, Any]] = {}
    for section, path in SECTIONS.items():
        holder = _get(settings, path)
        out[section] = {
            name: list(value) if isinstance(value, tuple) else value
            for name in _fields(section)
            for value in (getattr(holder, name),)
        }
    return out


def assignments_from(mapping: Mapping[str, Any], where: str) -> Iterator[Assignment]:
    """(key, value, where) of a nested ``{section: {name: value}}`` mapping."""
    for section, table in mapping.items():
        if not isinstance(table, Mapping):
            raise ConfigError(f"{where}: settings.{section} must map names to values")
        for name, value in table.items():
            yield f"{section}.{name}", value, where


def resolve(*layers: Iterable[Assignment]) -> tuple[DmsSettings, dict[str, Source]]:
    """The defaults with each layer applied in turn (later layers win), and the source of
    every value that is not a default."""
    sources: dict[str, Source] = {}
    settings = DmsSettings()
    for layer in layers:
        settings = apply(settings, layer, sources)
    return settings, sources
