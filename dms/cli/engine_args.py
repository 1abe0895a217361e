"""``--jobs``, ``--engine`` and ``--address``: where a command's many runs execute."""

from __future__ import annotations

import argparse

from dms.sweep.engine import ENGINES

__all__ = ["add_engine_arguments"]


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default 0: one per core)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="process",
        help="a local process pool (default), or Ray (pip install 'dms[ray]')",
    )
    parser.add_argument(
        "--address", metavar="HOST:PORT", help="with --engine ray: a Ray cluster (default: local)"
    )
