"""The work behind ``perception_cmd``'s commands: imported when one runs."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from dms.evaluation import evaluate_row, read_manifest, results_json

__all__ = ["evaluate", "video"]


def evaluate(args: argparse.Namespace) -> int:
    from dms.sensor.analysis import analyse  # loads mediapipe: only when evaluating

    rows = read_manifest(args.manifest)
    cache: dict[Path, tuple[list, float]] = {}  # type: ignore[type-arg]
    results = []
    for row in rows:
        if row.path not in cache:
            cache[row.path] = analyse(row.path, args.model)
        features, fps = cache[row.path]
        result = evaluate_row(row, features, fps)
        results.append(result)
        label = f"{row.path.name} [{row.frames_text or 'still'}]"
        for check in result.checks:
            verdict = "pass" if check.passed else "FAIL"
            print(f"{label:<32} {check.name:<14} {check.fraction:6.2f}  {verdict}")
    summary = results_json(results)
    print(f"{summary['passed']} passed, {summary['failed']} failed")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


def video(args: argparse.Namespace) -> int:
    from dms.sensor.analysis import analyse  # loads mediapipe: only when analysing
    from dms.sensor.features import FaceFeatures

    features, _ = analyse(args.file, args.model)
    names = list(FaceFeatures._fields)
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as out:
            _write_csv(out, names, features)
    else:
        _write_csv(sys.stdout, names, features)
    if args.plot:
        from dms.plotting import plot_features

        plot_features(features, args.plot, title=args.file.name)
    return 0


def _write_csv(out: TextIO, names: list[str], features: Sequence[object]) -> None:
    writer = csv.writer(out)
    writer.writerow(names)
    for feature in features:
        writer.writerow(_cell(getattr(feature, name)) for name in names)


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, tuple):
        return " ".join(_cell(v) for v in value)
    return str(value)
