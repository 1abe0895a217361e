"""Commands that import their work only when they run, so ``dms --help`` and every
``dms COMMAND --help`` start without python-can, numpy, MediaPipe or matplotlib."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

__all__ = ["deferred"]


def deferred(module: str, function: str) -> Callable[[argparse.Namespace], int]:
    """A command's ``run``: ``module.function(args)``, imported on first call."""

    def run(args: argparse.Namespace) -> int:
        work: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(module), function
        )
        return work(args)

    run.__qualname__ = f"{module}.{function}"
    return run
