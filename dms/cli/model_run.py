"""The work behind ``model_cmd``'s commands: imported when one runs."""

from __future__ import annotations

import argparse

from dms.errors import ModelError
from dms.sensor.model_file import MODEL_SHA256, resolve_model, verify_model

__all__ = ["fetch", "show_path", "verify"]


def fetch(args: argparse.Namespace) -> int:
    print(resolve_model())
    return 0


def show_path(args: argparse.Namespace) -> int:
    print(resolve_model(download=False))
    return 0


def verify(args: argparse.Namespace) -> int:
    path = args.file or resolve_model(download=False)
    problem = verify_model(path)
    if problem:
        raise ModelError(f"{path} is not the face model: {problem}")
    print(f"{path}: sha256 {MODEL_SHA256} ok")
    return 0
