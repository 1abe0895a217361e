"""``dms model``: fetch, locate and verify the face model file."""

from __future__ import annotations

import argparse
from pathlib import Path

from dms.errors import ModelError
from dms.sensor.model_file import MODEL_SHA256, resolve_model, verify_model

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    model = commands.add_parser("model", help="the face model file (MediaPipe Face Landmarker)")
    sub = model.add_subparsers(dest="model_command", required=True, metavar="MODEL_COMMAND")
    fetch = sub.add_parser("fetch", help="resolve the model, downloading it into the cache")
    fetch.set_defaults(run=_fetch)
    path = sub.add_parser("path", help="print the model's path (no download)")
    path.set_defaults(run=_path)
    verify = sub.add_parser("verify", help="check a model file against the published sha256")
    verify.add_argument("file", nargs="?", type=Path, help="default: the resolved model")
    verify.set_defaults(run=_verify)


def _fetch(args: argparse.Namespace) -> int:
    print(resolve_model())
    return 0


def _path(args: argparse.Namespace) -> int:
    print(resolve_model(download=False))
    return 0


def _verify(args: argparse.Namespace) -> int:
    path = args.file or resolve_model(download=False)
    problem = verify_model(path)
    if problem:
        raise ModelError(f"{path} is not the face model: {problem}")
    print(f"{path}: sha256 {MODEL_SHA256} ok")
    return 0
