"""``dms verify``: a protocol's driver-monitoring test matrix, run and scored."""

from __future__ import annotations

import argparse
from pathlib import Path

from dms.cli.engine_args import add_engine_arguments
from dms.cli.lazy import deferred
from dms.cli.settings_args import add_settings_arguments

__all__ = ["PROTOCOLS", "register"]

PROTOCOLS = ("euroncap-2026", "eu-addw", "eu-ddaw")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    verify = commands.add_parser(
        "verify",
        help="run a protocol's driver-monitoring test matrix over a driver population; score it",
        description="Every cell of the Euro NCAP 2026 Driver Monitoring matrix (the official "
        "calculator's Safe Driving template) as generated drives, judged cell by cell: "
        "GREEN, RED with the reason, or N/A where the module cannot sense it. Exit status: "
        "0 when the matrix ran (whatever its cells say), 2 for invalid input.",
    )
    verify.add_argument(
        "--protocol",
        choices=PROTOCOLS,
        default=PROTOCOLS[0],
        help="euroncap-2026: the Driver Monitoring matrix, scored; eu-addw (Reg. (EU) "
        "2023/2590) and eu-ddaw (Reg. (EU) 2021/1341): the regulation's pass table",
    )
    verify.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where scorecard.json goes (default: out/verify/PROTOCOL)",
    )
    verify.add_argument(
        "--drivers", type=int, default=3, metavar="N", help="drivers of the population (3)"
    )
    verify.add_argument("--seeds", type=int, default=1, metavar="K", help="seeds per driver (1)")
    verify.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="run only the cells whose name or reference contains TEXT (repeatable), "
        "e.g. --only 'Long distraction' --only D70",
    )
    verify.add_argument(
        "--no-plots",
        action="store_true",
        help="no timeline plot per drive in DIR/runs (report.html then lists the drives only)",
    )
    official = verify.add_argument_group(
        "the official calculator (pip install 'dms[ncap]'): prediction, the lab's sample, score"
    )
    official.add_argument(
        "--no-official", action="store_true", help="our scorecard only, even when installed"
    )
    official.add_argument(
        "--noise",
        action="append",
        default=[],
        metavar="ELEMENT=PERFORMANCE",
        help="declare a noise variable dms does not test, e.g. 'Face-mask=Functional' "
        "(recorded as declared)",
    )
    official.add_argument(
        "--general",
        action="append",
        default=[],
        metavar="TEXT=PASS",
        help="declare a general requirement's result ('all=PASS' for every one; recorded)",
    )
    official.add_argument(
        "--sample-seed",
        type=int,
        default=2026,
        metavar="N",
        help="the seed of the calculator's random verification sample (2026)",
    )
    verify.add_argument(
        "--reproduce",
        type=Path,
        metavar="SCORECARD.json",
        help="run again what a scorecard records (protocol, drivers, seeds, settings, cells, "
        "declarations, sample seed) and say whether every cell and the points come out the same",
    )
    add_engine_arguments(verify)
    add_settings_arguments(verify)
    verify.set_defaults(run=deferred("dms.cli.verify_run", "verify"))
