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
        self._peers: list[LoopbackBus] = []
        #: CAN ID -> the peers that take frames with it from this bus (see _route)
        self._routes: dict[int, tuple[LoopbackBus, ...]] = {}
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
            self._reroute()

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        if not self._open:
            raise can.CanOperationError("cannot send on a closed loopback bus")
        peers = self._routes.get(msg.arbitration_id)
        if peers is None:
            peers = self._route(msg.arbitration_id)
        for peer in peers:
            peer._queue.append(msg)
            if peer._arrived._waiters:  # type: ignore[attr-defined]  # wake a blocked reader
                with peer._arrived:
                    peer._arrived.notify()

    def _route(self, can_id: int) -> tuple[LoopbackBus, ...]:
        """The peers whose filters take ``can_id``, decided once per ID: a bus carries a
        handful of IDs, and matching every peer's filters for every frame costs more."""
        peers = tuple(
            peer
            for peer in list(self._peers)
            if (peer is not self or self._receive_own) and peer._accepts_id(can_id)
        )
        self._routes[can_id] = peers
        return peers

    def _accepts_id(self, can_id: int) -> bool:
        accepts = self._accepts
        return not accepts or any(can_id & mask == wanted for wanted, mask in accepts)

    def _reroute(self) -> None:
        """Forget every sender's routes on this channel (a peer joined, left or refiltered)."""
        for peer in self._peers:
            peer._routes = {}

    def _apply_filters(self, filters: Any) -> None:
        """Filter at delivery: frames nobody here wants never enter the queue."""
        self._accepts = tuple((f["can_id"] & f["can_mask"], f["can_mask"]) for f in filters or ())
        with _channels_lock:
            self._reroute()

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
                self._reroute()
                if not self._peers:
                    _channels.pop(self.channel_name, None)
            with self._arrived:
                self._arrived.notify_all()
        super().shutdown()
