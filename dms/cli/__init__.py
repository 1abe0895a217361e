"""The ``dms`` command: thin subcommands that parse, wire and run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, cast

from dms import __version__
from dms.cli import (
    bus_cmd,
    live_cmd,
    model_cmd,
    perception_cmd,
    replay_cmd,
    settings_cmd,
    sweep_cmd,
    vehicle_cmd,
    verify_cmd,
)
from dms.errors import DmsError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """Every ``dms`` parser: no abbreviations (``--key`` is not ``--key-file``), and an
    error about unknown arguments names the options but never echoes their values (one
    of them may be a secret typed where it does not belong)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        head, sep, rest = message.partition("unrecognized arguments: ")
        if sep:
            options = [word for word in rest.split() if word.startswith("-")]
            shown = " ".join(options) if options else "values"
            message = f"{head}unrecognized arguments: {shown} (their values are not shown)"
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="dms",
        description="Open driver-monitoring system simulator: an on-module face model that "
        "speaks metadata over a CAN-like msgpack bus.",
    )
    parser.add_argument("--version", action="version", version=f"dms {__version__}")
    commands = cast(  # the commands see plain ArgumentParsers; they are _Parsers
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(
            dest="command", required=True, metavar="COMMAND", parser_class=_Parser
        ),
    )
    bus_cmd.register(commands)
    model_cmd.register(commands)
    perception_cmd.register(commands)
    replay_cmd.register(commands)
    vehicle_cmd.register(commands)
    live_cmd.register(commands)
    settings_cmd.register(commands)
    sweep_cmd.register(commands)
    verify_cmd.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except DmsError as exc:
        for line in str(exc).splitlines() or [""]:  # several problems: one line each
            print(f"dms: error: {line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0
    return code
