"""``dms model``: fetch, locate and verify the face model file."""

from __future__ import annotations

import argparse
from pathlib import Path

from dms.cli.lazy import deferred

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    model = commands.add_parser("model", help="the face model file (MediaPipe Face Landmarker)")
    sub = model.add_subparsers(dest="model_command", required=True, metavar="MODEL_COMMAND")
    fetch = sub.add_parser("fetch", help="resolve the model, downloading it into the cache")
    fetch.set_defaults(run=deferred("dms.cli.model_run", "fetch"))
    path = sub.add_parser("path", help="print the model's path (no download)")
    path.set_defaults(run=deferred("dms.cli.model_run", "show_path"))
    verify = sub.add_parser("verify", help="check a model file against the published sha256")
    verify.add_argument("file", nargs="?", type=Path, help="default: the resolved model")
    verify.set_defaults(run=deferred("dms.cli.model_run", "verify"))
