"""Key rings for tests: every role's, derived from one test master secret."""

from __future__ import annotations

import can

from dms.bus import Message, Publisher
from dms.bus.keys import SENDERS, KeyRing, MacKeys, NodeRole
from dms.bus.publisher import FrameSink

MASTER = bytes(range(40, 72))


def ring(role: NodeRole, master: bytes = MASTER) -> KeyRing:
    return KeyRing.from_master(master, role)


def signing(sender: NodeRole, master: bytes = MASTER) -> MacKeys:
    """Both MAC keys of ``sender``: what its own codec signs with."""
    return ring(sender, master).mac_keys(sender)


class EverySender:
    """A publisher per sender role, so a test can send any catalog message keyed (each
    from its own sender's ring), or plain with ``master=None``."""

    def __init__(self, bus: FrameSink | None = None, master: bytes | None = MASTER) -> None:
        self._by_sender = {
            sender: Publisher(bus, ring(sender, master) if master else None) for sender in SENDERS
        }

    def encode(self, message: Message, t_s: float) -> can.Message:
        return self._by_sender[message.SPEC.sender].encode(message, t_s)

    def send(self, message: Message, t_s: float) -> can.Message:
        return self._by_sender[message.SPEC.sender].send(message, t_s)
