"""The ``--key-file`` option, and a node's keys and freshness state from it."""

from __future__ import annotations

import argparse
from typing import NamedTuple

from dms.bus.freshness import STATE_ENV, FreshnessStore
from dms.bus.keys import KEY_ENV, KeyRing, NodeRole, load_keys

__all__ = ["NodeKeys", "add_key_argument", "node_keys"]


def add_key_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key-file",
        metavar="FILE",
        help=f"authenticate frames with the key in FILE: the bus's master secret (hex) or "
        f"this node's key ring from 'dms bus keys' (default: ${KEY_ENV}; neither: a plain "
        f"bus). Freshness state is kept under ${STATE_ENV} (default ~/.local/state/dms)",
    )


class NodeKeys(NamedTuple):
    """What one node process authenticates with; both ``None`` on a plain bus."""

    keys: KeyRing | None
    freshness: FreshnessStore | None

    def close(self) -> None:
        """Keep the freshness state (as a node does when it stops)."""
        if self.freshness is not None:
            self.freshness.save()


def node_keys(args: argparse.Namespace, role: NodeRole, *, persist: bool = True) -> NodeKeys:
    """``role``'s key ring and (``persist``: on disk) freshness state; fails closed on a
    bad key before the node sends or trusts anything."""
    keys = load_keys(role, args.key_file)
    if keys is None:
        return NodeKeys(None, None)
    return NodeKeys(keys, FreshnessStore.for_role(role) if persist else FreshnessStore())
