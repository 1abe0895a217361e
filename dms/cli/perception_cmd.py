"""``dms eval`` and ``dms video``: the on-module perception on real media."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from dms.evaluation import evaluate_row, read_manifest, results_json

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = commands.add_parser("eval", help="check the perception against a labelled manifest")
    ev.add_argument("manifest", type=Path, help="CSV: path, frames, expect")
    ev.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON")
    ev.add_argument("--model", type=Path, help="face model file (default: resolved)")
    ev.set_defaults(run=_eval)

    video = commands.add_parser("video", help="per-frame features of a clip, as CSV and a plot")
    video.add_argument("file", type=Path, help="a video, an image or a folder of images")
    video.add_argument("--csv", type=Path, metavar="OUT", help="write CSV here (default: stdout)")
    video.add_argument("--plot", type=Path, metavar="OUT.png", help="plot the features over time")
    video.add_argument("--model", type=Path, help="face model file (default: resolved)")
    video.set_defaults(run=_video)


def _eval(args: argparse.Namespace) -> int:
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


def _video(args: argparse.Namespace) -> int:
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
