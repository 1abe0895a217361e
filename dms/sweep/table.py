"""The sweep's table: written as CSV (and Parquet), summarised per value of each variable.

Summaries read the table back from its CSV, so a fresh sweep and a resumed one are
summarised from the same text. A variable with many distinct numbers (a range sampled
at random, a driver trait) is summarised in bins of equal counts.
"""

from __future__ import annotations

import csv
import math
import os
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dms.errors import ConfigError
from dms.sweep.spec import SweepSpec, table_columns

__all__ = ["Group", "groups", "print_summary", "write_csv", "write_parquet"]

Row = Mapping[str, str]
#: A numeric variable with more distinct values than this is summarised in bins.
MAX_VALUES = 8
BINS = 5
_Z95 = 1.959964  # the normal quantile of a two-sided 95 % interval


def write_csv(path: Path, spec: SweepSpec, rows: Mapping[str, Mapping[str, Any]]) -> None:
    """The table, rows in run order; written aside and moved, so it is never half there."""
    columns = table_columns(spec)
    for row in rows.values():
        columns += [key for key in row if key not in columns]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as table:
        writer = csv.DictWriter(table, columns, restval="")
        writer.writeheader()
        for run_id in sorted(rows):
            writer.writerow(rows[run_id])
    os.replace(tmp, path)


def write_parquet(csv_path: Path) -> Path:
    """The CSV table as Parquet, with typed columns (numbers, booleans; empty cells null)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
        import pyarrow.parquet as pq
    except ImportError:
        raise ConfigError("the Parquet table needs pyarrow: pip install 'dms[parquet]'") from None
    options = pa_csv.ConvertOptions(column_types={"run": pa.string()}, strings_can_be_null=False)
    table = pa_csv.read_csv(csv_path, convert_options=options)
    path = csv_path.with_suffix(".parquet")
    pq.write_table(table, path.with_suffix(".tmp"))
    os.replace(path.with_suffix(".tmp"), path)
    return path


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Group:
    """The runs that share one value (or one bin) of a variable, and what they measured."""

    label: str
    x: float | None  # where it stands on a numeric axis; None for a category
    rows: tuple[Row, ...]

    @property
    def passed(self) -> int:
        return sum(row.get("passed") == "True" for row in self.rows)

    @property
    def situations(self) -> int:
        return sum(int(_number(row.get("situations")) or 0) for row in self.rows)

    @property
    def detected(self) -> int:
        return sum(int(_number(row.get("detected")) or 0) for row in self.rows)

    @property
    def detection_rate(self) -> float | None:
        """Detected situations over all scripted ones (pooled over the group's runs)."""
        return self.detected / self.situations if self.situations else None

    def detection_interval(self) -> tuple[float, float] | None:
        """Wilson's 95 % interval of the detection rate."""
        n = self.situations
        if not n:
            return None
        p, z2 = self.detected / n, _Z95**2
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = _Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
        return max(0.0, centre - half), min(1.0, centre + half)

    def latencies(self) -> list[float]:
        return [n for row in self.rows if (n := _number(row.get("latency_s"))) is not None]

    @property
    def false_alarms_per_hour(self) -> float | None:
        values = [_number(row.get("false_alarms_per_hour")) for row in self.rows]
        numbers = [v for v in values if v is not None]
        return statistics.fmean(numbers) if numbers else None


def groups(rows: Sequence[Row], column: str) -> list[Group]:
    """The rows by value of ``column``: numbers in order (in bins when many), else by text."""
    texts = {row.get(column, "") for row in rows}
    numbers = {text: _number(text) for text in texts}
    if not all(n is not None for n in numbers.values()):
        ordered = sorted(texts)
        return [
            Group(label=t, x=None, rows=tuple(r for r in rows if r.get(column, "") == t))
            for t in ordered
        ]
    if len(texts) <= MAX_VALUES:
        ordered = sorted(texts, key=lambda t: numbers[t] or 0.0)
        return [
            Group(label=t, x=numbers[t], rows=tuple(r for r in rows if r.get(column, "") == t))
            for t in ordered
        ]
    by_value = sorted(rows, key=lambda r: numbers[r.get(column, "")] or 0.0)
    found = []
    for k in range(BINS):
        chunk = by_value[k * len(by_value) // BINS : (k + 1) * len(by_value) // BINS]
        if not chunk:
            continue
        values = [numbers[r.get(column, "")] or 0.0 for r in chunk]
        label = f"{min(values):.3g} to {max(values):.3g}"
        found.append(Group(label=label, x=statistics.fmean(values), rows=tuple(chunk)))
    return found


def print_summary(spec: SweepSpec, rows: Sequence[Row]) -> None:
    """Per value of each variable: runs, passed, detection rate, latency, false alarms."""
    header = ("variable", "value", "runs", "passed", "detected", "latency s", "false alarms/h")
    lines = [header]
    for column in spec.variables:
        for group in groups(rows, column):
            rate = group.detection_rate
            latencies = group.latencies()
            alarms = group.false_alarms_per_hour
            lines.append(
                (
                    column,
                    group.label,
                    str(len(group.rows)),
                    str(group.passed),
                    "-" if rate is None else f"{rate:.0%} of {group.situations}",
                    f"{statistics.median(latencies):.2f}" if latencies else "-",
                    "-" if alarms is None else f"{alarms:.2f}",
                )
            )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))
    print("(latency: the median of the runs' mean detection latency)")
