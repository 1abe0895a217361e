"""``loopback``: an in-process python-can bus that shares frames instead of copying them.

python-can's ``virtual`` interface deep-copies every frame for every listener (about 10 µs
each here), which dominates a replay that runs hundreds of times faster than real time.
This thin :class:`can.BusABC` backend hands the same frame object to every listener on the
channel; listeners must treat frames as read-only (dms never modifies a received frame).
Timestamps are the sender's, so simulated time survives. Use ``virtual`` where a listener
might modify frames, and ``udp_multicast`` across processes.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

import can
from can import BusABC, CanProtocol

__all__ = ["LoopbackBus"]

_channels: dict[str, list[LoopbackBus]] = {}
_channels_lock = threading.Lock()


class LoopbackBus(BusABC):
    """Frames sent by one bus on a channel arrive, unchanged, at every other bus on it."""

    def __init__(
        self, channel: str = "dms", receive_own_messages: bool = False, **kwargs: Any
    ) -> None:
        kwargs.pop("fd", None)  # always CAN FD
        kwargs.pop("preserve_timestamps", None)  # always preserved
        # Set before BusABC.__init__, which applies any can_filters given here.
        self._accepts: tuple[tuple[int, int], ...] = ()  # (id, mask) pairs; empty: all
        self._verdicts: dict[int, bool] = {}  # CAN ID -> accepted
        super().__init__(channel=channel, **kwargs)
        self._can_protocol = CanProtocol.CAN_FD
        self.channel_info = f"loopback channel {channel!r}"
        self.channel_name = str(channel)
        self._receive_own = receive_own_messages
        self._queue: deque[can.Message] = deque()
        self._arrived = threading.Condition()
        self._open = True
        with _channels_lock:
            self._peers = _channels.setdefault(self.channel_name, [])
            self._peers.append(self)

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        if not self._open:
            raise can.CanOperationError("cannot send on a closed loopback bus")
        for peer in self._peers:
            if peer is not self or self._receive_own:
                peer._deliver(msg)

    def _apply_filters(self, filters: Any) -> None:
        """Filter at delivery: frames nobody here wants never enter the queue."""
        self._accepts = tuple((f["can_id"] & f["can_mask"], f["can_mask"]) for f in filters or ())
        self._verdicts = {}  # after the filters: a sender still on the old ones fills the old

    def _accepted(self, can_id: int) -> bool:
        """Whether the filters let ``can_id`` through; decided once per ID (a bus carries
        a handful of IDs, and matching every filter for every frame costs more)."""
        verdicts = self._verdicts
        verdict = verdicts.get(can_id)
        if verdict is None:
            accepts = self._accepts
            verdict = not accepts or any(can_id & mask == wanted for wanted, mask in accepts)
            verdicts[can_id] = verdict
        return verdict

    def _deliver(self, msg: can.Message) -> None:
        if not self._accepted(msg.arbitration_id):
            return
        self._queue.append(msg)
        if self._arrived._waiters:  # type: ignore[attr-defined]  # wake a blocked reader only
            with self._arrived:
                self._arrived.notify()

    def recv(self, timeout: float | None = None) -> can.Message | None:
        """A frame, or ``None`` after ``timeout``. A queued frame (filtered at delivery
        already) or an empty poll (``timeout=0``, as replay's nodes poll every frame)
        returns at once: :meth:`can.BusABC.recv`'s generic loop (clock reads, a debug log
        call) costs more than handing over a frame here."""
        queue = self._queue
        if queue:
            return queue.popleft()
        if timeout == 0:
            return None
        return super().recv(timeout)

    def _recv_internal(self, timeout: float | None) -> tuple[can.Message | None, bool]:
        queue = self._queue
        if queue:
            return queue.popleft(), True  # filtered at delivery already
        if timeout == 0:
            return None, True
        with self._arrived:
            self._arrived.wait_for(lambda: bool(queue) or not self._open, timeout)
        return (queue.popleft() if queue else None), True

    def shutdown(self) -> None:
        if self._open:
            self._open = False
            with _channels_lock:
                self._peers.remove(self)
                if not self._peers:
                    _channels.pop(self.channel_name, None)
            with self._arrived:
                self._arrived.notify_all()
        super().shutdown()
