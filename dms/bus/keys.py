"""Keys for authenticated frames: one master secret, a key ring per node role.

Every authenticated frame carries two MACs (see :mod:`dms.bus.layout`):

* the **control MAC**, keyed with the sender's control key, which only the sender and
  the nodes that *act* on its messages hold (the ECU on the DMS and vehicle messages, the
  vehicle on the ECU's, the camera module on the vehicle's speed);
* the **display MAC**, keyed with the sender's display key, which observers hold (the
  instrument cluster, ``dms bus dump``): they verify everything and can sign nothing a
  node acts on. The cluster's ring cannot make an ``ECU_Mrm`` the vehicle obeys.

Keys are derived from a master secret: ``HMAC-SHA256(master, "dms bus key|KIND|ROLE")``.
A node given the master derives its own ring; ``dms bus keys --role R`` writes a ring
file that holds only role R's keys, to hand to a node that should hold no more.
Secrets never go on the command line (other users see it in ``ps``): they come from a
file (``--key-file``) or from the ``DMS_BUS_KEY`` environment variable, as hex. A node
configured for authentication fails closed: an empty, short or unreadable key, or a
ring without the keys the node needs, stops it before it sends or trusts anything.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple, get_args

from dms.bus.signals import Sender
from dms.errors import ConfigError

__all__ = [
    "KEY_ENV",
    "MIN_KEY_BYTES",
    "ROLES",
    "SENDERS",
    "KeyKind",
    "KeyRing",
    "MacKeys",
    "NodeRole",
    "Sender",
    "load_keys",
    "load_master",
    "parse_key",
    "ring_keys",
]

KEY_ENV = "DMS_BUS_KEY"
#: Master secrets shorter than 128 bits are too weak to be worth authenticating with.
MIN_KEY_BYTES = 16

#: Who holds keys: the senders, and the cluster (every observer: HUD, bus tools).
NodeRole = Literal["dms", "ecu", "vehicle", "cluster"]
ROLES: tuple[NodeRole, ...] = get_args(NodeRole)
SENDERS: tuple[Sender, ...] = get_args(Sender)

#: Whose messages each node acts on (and so must verify by their control MAC).
ACTS_ON: dict[NodeRole, tuple[Sender, ...]] = {
    "dms": ("vehicle",),  # the speed sets speed-dependent thresholds
    "ecu": ("dms", "vehicle"),
    "vehicle": ("ecu",),
    "cluster": (),
}


class KeyKind(str, enum.Enum):
    CONTROL = "control"
    DISPLAY = "display"


class MacKeys(NamedTuple):
    """The MAC keys a node holds for one sender's messages (``None``: not held)."""

    control: bytes | None
    display: bytes | None


def ring_keys(role: NodeRole) -> list[tuple[KeyKind, Sender]]:
    """The keys a node of ``role`` holds, in a stable order."""
    return sorted(_holds(role))


def _holds(role: NodeRole) -> frozenset[tuple[KeyKind, Sender]]:
    """The keys a node of ``role`` holds."""
    if role == "cluster":
        return frozenset((KeyKind.DISPLAY, sender) for sender in SENDERS)
    own: set[tuple[KeyKind, Sender]] = {(KeyKind.CONTROL, role), (KeyKind.DISPLAY, role)}
    return frozenset(own | {(KeyKind.CONTROL, sender) for sender in ACTS_ON[role]})


def _derive(master: bytes, kind: KeyKind, sender: str) -> bytes:
    return hmac.digest(master, f"dms bus key|{kind.value}|{sender}".encode(), hashlib.sha256)


@dataclass(frozen=True, slots=True)
class KeyRing:
    """The keys one node holds, by (kind, sender)."""

    keys: Mapping[tuple[KeyKind, str], bytes]
    role: NodeRole

    @classmethod
    def from_master(cls, master: bytes, role: NodeRole) -> KeyRing:
        return cls({key: _derive(master, *key) for key in sorted(_holds(role))}, role)

    def key(self, kind: KeyKind, sender: str) -> bytes | None:
        return self.keys.get((kind, sender))

    def mac_keys(self, sender: str) -> MacKeys:
        return MacKeys(self.key(KeyKind.CONTROL, sender), self.key(KeyKind.DISPLAY, sender))

    def can_sign(self, sender: str) -> bool:
        return (KeyKind.CONTROL, sender) in self.keys and (KeyKind.DISPLAY, sender) in self.keys

    def restricted_to(self, role: NodeRole) -> KeyRing:
        """The part of this ring that a node of ``role`` needs (its own, from a master's)."""
        missing = sorted(f"{k.value}.{s}" for k, s in _holds(role) if (k, s) not in self.keys)
        if missing:
            raise ConfigError(
                f"the key ring ({self.role}) lacks what a {role} node needs: {', '.join(missing)}"
            )
        return KeyRing({key: self.keys[key] for key in sorted(_holds(role))}, role)

    def to_text(self) -> str:
        lines = [f"# dms bus key ring for the {self.role} role (dms bus keys); keep it secret"]
        lines += [
            f"{kind.value}.{sender} = {key.hex()}" for (kind, sender), key in self.keys.items()
        ]
        return "\n".join(lines) + "\n"


def parse_key(text: str, source: str) -> bytes:
    """A master secret: hex digits, at least :data:`MIN_KEY_BYTES` bytes."""
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise ConfigError(f"{source}: the bus key must be hex digits") from None
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(
            f"{source}: the bus key needs at least {MIN_KEY_BYTES} bytes, got {len(key)}"
        )
    return key


def _parse_ring(text: str, source: str) -> KeyRing:
    keys: dict[tuple[KeyKind, str], bytes] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, value = (part.strip() for part in line.partition("="))
        kind_name, _, sender = name.partition(".")
        if not sep or kind_name not in {k.value for k in KeyKind} or sender not in SENDERS:
            raise ConfigError(
                f"{source}:{number}: expected 'control.SENDER = HEX' or 'display.SENDER = HEX'"
                f" with SENDER one of {', '.join(SENDERS)}"
            )
        keys[(KeyKind(kind_name), sender)] = parse_key(value, f"{source}:{number}")
    if not keys:
        raise ConfigError(f"{source}: the key ring holds no keys")
    roles = [role for role in ROLES if _holds(role) <= keys.keys()]
    return KeyRing(keys, roles[0] if roles else "cluster")


def _key_text(key_file: str | Path | None) -> tuple[str, str] | None:
    """(text, where it came from) of the configured key, or ``None``: no authentication."""
    if key_file is not None:
        try:
            return Path(key_file).read_text(encoding="ascii"), str(key_file)
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read bus key file {key_file}: {exc}") from exc
    if KEY_ENV in os.environ:
        text = os.environ[KEY_ENV]
        if not text.strip():
            raise ConfigError(f"${KEY_ENV} is set but empty: unset it for a plain bus")
        return text, f"${KEY_ENV}"
    return None


def load_keys(role: NodeRole, key_file: str | Path | None = None) -> KeyRing | None:
    """``role``'s key ring from ``key_file``, else from ``$DMS_BUS_KEY``, else ``None``
    (no authentication). A file holds a master secret (one hex line) or a key ring."""
    found = _key_text(key_file)
    if found is None:
        return None
    text, source = found
    if "=" in text:
        return _parse_ring(text, source).restricted_to(role)
    return KeyRing.from_master(parse_key(text, source), role)


def load_master(key_file: str | Path | None = None) -> bytes | None:
    """The master secret, for commands that run several nodes (replay, live) or derive
    rings; ``None`` without a configured key."""
    found = _key_text(key_file)
    if found is None:
        return None
    text, source = found
    if "=" in text:
        raise ConfigError(
            f"{source} is a key ring for one node; this command runs several and needs the "
            "master secret"
        )
    return parse_key(text, source)
