"""``dms eval``: check the perception against a labelled manifest.

Manifest format (see ``../shared/data/faces/README.md``): CSV with ``path`` (relative to the
manifest), ``frames`` (``first-last``, inclusive, 0-based; empty for a still) and ``expect``
(space-separated ``key=value`` checks). A per-frame check holds when at least 80 % of the
frames in the range satisfy it; an event check (``yawn``) when the event does / does not
occur within the range.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms.driver_state.yawn import YawnDetector
from dms.errors import ConfigError
from dms.sensor.features import FaceFeatures

__all__ = [
    "CheckResult",
    "ManifestRow",
    "RowResult",
    "evaluate_row",
    "read_manifest",
    "results_json",
]

#: Share of the frames in a range that must satisfy a per-frame check.
PASS_FRACTION = 0.80
#: Head / gaze turned this far counts as left / right / down (the manifest's definition).
TURN_DEG = 15.0
#: Mouth "wide open (yawn-like)".
MOUTH_OPEN = 0.45

FramePredicate = Callable[[FaceFeatures], bool]

FRAME_CHECKS: dict[str, dict[str, FramePredicate]] = {
    "face": {
        "present": lambda f: f.face_present,
        "absent": lambda f: not f.face_present,
    },
    "eyes": {
        "open": lambda f: f.face_present and f.eyes_visible and not f.eyes_closed,
        "closed": lambda f: f.face_present and f.eyes_visible and f.eyes_closed,
        "occluded": lambda f: f.face_present and not f.eyes_visible,
    },
    "mouth": {
        "open": lambda f: f.face_present and f.mouth_open >= MOUTH_OPEN,
        "closed": lambda f: f.face_present and f.mouth_open < MOUTH_OPEN,
    },
    "head": {
        "left": lambda f: f.face_present and f.head_yaw_deg >= TURN_DEG,
        "right": lambda f: f.face_present and f.head_yaw_deg <= -TURN_DEG,
        "down": lambda f: f.face_present and f.head_pitch_deg >= TURN_DEG,
        "front": lambda f: (
            f.face_present and abs(f.head_yaw_deg) < TURN_DEG and abs(f.head_pitch_deg) < TURN_DEG
        ),
    },
    "gaze": {
        "left": lambda f: f.face_present and f.gaze_yaw_deg >= TURN_DEG,
        "right": lambda f: f.face_present and f.gaze_yaw_deg <= -TURN_DEG,
    },
}
EVENT_CHECKS = {"yawn": ("yes", "no")}


@dataclass(frozen=True, slots=True)
class ManifestRow:
    path: Path
    first: int | None  # None for a still
    last: int | None
    checks: tuple[tuple[str, str], ...]
    where: str  # "manifest.csv:5", for messages

    @property
    def frames_text(self) -> str:
        return "" if self.first is None else f"{self.first}-{self.last}"


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str  # "eyes=open"
    passed: bool
    fraction: float  # share of frames that satisfy it (events: 1.0 occurred, 0.0 not)


@dataclass(frozen=True, slots=True)
class RowResult:
    row: ManifestRow
    checks: tuple[CheckResult, ...]


def read_manifest(path: str | Path) -> list[ManifestRow]:
    """Parse a manifest; a :class:`ConfigError` names the file, the line and the reason."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read manifest {path}: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    missing = {"path", "frames", "expect"} - set(reader.fieldnames or ())
    if missing:
        raise ConfigError(f"{path}:1: header lacks {', '.join(sorted(missing))}")
    rows = []
    read_to = 1  # the header
    try:
        for record in reader:
            rows.append(_parse_row(path, reader.line_num, record))
            read_to = reader.line_num
    except csv.Error as exc:  # a field beyond the csv module's limit, a NUL byte ...
        raise ConfigError(f"{path}:{read_to + 1}: not a manifest line: {exc}") from exc
    if not rows:
        raise ConfigError(f"{path}: no rows")
    return rows


def _parse_row(manifest: Path, line: int, record: dict[str, Any]) -> ManifestRow:
    where = f"{manifest}:{line}"
    media = (record.get("path") or "").strip()
    if not media:
        raise ConfigError(f"{where}: empty path")
    try:
        (manifest.parent / media).exists()
    except (OSError, ValueError) as exc:  # a name too long for the file system, a NUL
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(f"{where}: path {media[:40]!r}...: {reason}") from None
    frames = (record.get("frames") or "").strip()
    first = last = None
    if frames:
        start, sep, end = frames.partition("-")
        if not (sep and start.isdigit() and end.isdigit()) or int(start) > int(end):
            raise ConfigError(f"{where}: frames {frames!r} is not first-last (e.g. 12-27)")
        first, last = int(start), int(end)
    checks = []
    for item in (record.get("expect") or "").split():
        key, sep, value = item.partition("=")
        allowed = {**{k: tuple(v) for k, v in FRAME_CHECKS.items()}, **EVENT_CHECKS}.get(key)
        if not sep or allowed is None:
            keys = ", ".join([*FRAME_CHECKS, *EVENT_CHECKS])
            raise ConfigError(f"{where}: unknown check {item!r} (keys: {keys})")
        if value not in allowed:
            raise ConfigError(f"{where}: {key} must be one of {', '.join(allowed)}, got {value!r}")
        checks.append((key, value))
    if not checks:
        raise ConfigError(f"{where}: no checks in expect")
    return ManifestRow(manifest.parent / media, first, last, tuple(checks), where)


def evaluate_row(row: ManifestRow, features: Sequence[FaceFeatures], fps: float) -> RowResult:
    """Apply a row's checks to the features of its file."""
    if row.first is None:
        window = list(features[:1])
    else:
        if row.last is not None and row.last >= len(features):
            raise ConfigError(
                f"{row.where}: frames {row.frames_text} beyond the "
                f"{len(features)} frames of {row.path.name}"
            )
        window = list(features[row.first : (row.last or 0) + 1])
    results = []
    for key, value in row.checks:
        name = f"{key}={value}"
        if key in EVENT_CHECKS:
            occurred = _yawn_in(features, row, fps)
            results.append(
                CheckResult(name, occurred == (value == "yes"), 1.0 if occurred else 0.0)
            )
            continue
        predicate = FRAME_CHECKS[key][value]
        fraction = sum(1 for f in window if predicate(f)) / len(window)
        results.append(CheckResult(name, fraction >= PASS_FRACTION, fraction))
    return RowResult(row, tuple(results))


def _yawn_in(features: Sequence[FaceFeatures], row: ManifestRow, fps: float) -> bool:
    """Whether a yawn is detected (confirmed) within the row's frame range."""
    if row.first is None or fps <= 0:
        return False
    detector = YawnDetector()
    dt_s = 1.0 / fps
    for index, feature in enumerate(features):
        state = detector.update(
            feature.mouth_open if feature.face_present else None, feature.smile, dt_s
        )
        if state.confirmed and row.first <= index <= (row.last or index):
            return True
    return False


def results_json(results: Sequence[RowResult]) -> dict[str, Any]:
    cases = [
        {
            "path": str(result.row.path),
            "frames": result.row.frames_text,
            "checks": {
                c.name: {"pass": c.passed, "fraction": round(c.fraction, 4)} for c in result.checks
            },
        }
        for result in results
    ]
    passed = sum(c.passed for r in results for c in r.checks)
    failed = sum(not c.passed for r in results for c in r.checks)
    return {"cases": cases, "passed": passed, "failed": failed}
