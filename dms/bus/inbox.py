"""Taking frames off a bus connection: every pending frame, whatever the backend.

python-can filters in the kernel on ``socketcan`` and dms's ``loopback`` filters at
delivery, but ``virtual`` and ``udp_multicast`` filter in software inside
:meth:`can.BusABC.recv`, where ``recv(timeout=0)`` returns ``None`` at the first frame the
filter rejects: a node that drains "until None" stops early and falls behind. So an
:class:`Inbox` sets python-can filters only on backends that filter before ``recv`` and
otherwise takes every frame and keeps its own.

Whatever a backend raises on receive (python-can's multicast raises on a datagram it
cannot unpack) is one dropped frame, counted: a node never dies of what arrives.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import can

from dms.bus.loopback import LoopbackBus
from dms.bus.signals import Message

__all__ = ["MAX_FRAMES_PER_DRAIN", "Inbox"]

#: Frames one drain takes at most: a node's task cycle handles a bounded receive buffer,
#: so a flood delays it by a cycle instead of starving it.
MAX_FRAMES_PER_DRAIN = 2000
#: Receive errors in a row after which a drain gives up until the next cycle (a closed or
#: broken socket raises on every call).
_MAX_ERRORS_IN_A_ROW = 16


def _filters_before_recv(bus: can.BusABC) -> bool:
    """Whether the backend applies filters before :meth:`can.BusABC.recv` sees a frame."""
    return isinstance(bus, LoopbackBus) or type(bus).__module__.startswith(
        "can.interfaces.socketcan"
    )


class Inbox:
    """The frames of some messages (all, when none are named) from one bus connection."""

    __slots__ = ("_bus", "_held", "_wanted", "errors", "last_error")

    def __init__(self, bus: can.BusABC, *messages: type[Message]) -> None:
        self._bus = bus
        wanted = frozenset(m.SPEC.can_id for m in messages)
        self._wanted: frozenset[int] | None = wanted or None
        if wanted and _filters_before_recv(bus):
            bus.set_filters([{"can_id": i, "can_mask": 0x7FF, "extended": False} for i in wanted])
            self._wanted = None  # the backend keeps the others away
        self._held: list[can.Message] = []  # taken by hold(), handed out by the next drain
        #: receive errors so far (each one dropped frame) and the last one's message
        self.errors = 0
        self.last_error = ""

    def drain(self, limit: int = MAX_FRAMES_PER_DRAIN) -> Iterator[can.Message]:
        """The frames waiting now (at most ``limit``), without blocking."""
        recv, wanted = self._bus.recv, self._wanted
        taken = errors_in_a_row = 0
        if self._held:
            held, self._held = self._held, []
            yield from held
            taken = len(held)
        while taken < limit:
            try:
                frame = recv(0.0)
            except Exception as exc:  # any backend error: one dropped frame
                self._count_error(exc)
                errors_in_a_row += 1
                if errors_in_a_row >= _MAX_ERRORS_IN_A_ROW:
                    return
                continue
            if frame is None:
                return
            errors_in_a_row = 0
            taken += 1
            if wanted is None or frame.arbitration_id in wanted:
                yield frame

    def wait(self, timeout_s: float) -> can.Message | None:
        """The next frame of ours within ``timeout_s``, or ``None``. Receive errors count
        as dropped frames and the wait goes on."""
        deadline = time.monotonic() + timeout_s
        wanted = self._wanted
        while (left := deadline - time.monotonic()) > 0:
            try:
                frame = self._bus.recv(left)
            except Exception as exc:  # as in drain()
                self._count_error(exc)
                continue
            if frame is not None and (wanted is None or frame.arbitration_id in wanted):
                return frame
        return None

    def hold(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for a frame of ours and keep it for the next drain:
        a node that reacts to arrivals sleeps here instead of in ``time.sleep``."""
        frame = self.wait(timeout_s)
        if frame is None:
            return False
        self._held.append(frame)
        return True

    def _count_error(self, exc: Exception) -> None:
        self.errors += 1
        self.last_error = f"{type(exc).__name__}: {exc}"
