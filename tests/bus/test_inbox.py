"""Taking frames off a bus: every pending frame on every backend, receive errors counted."""

from __future__ import annotations

import uuid
from typing import Any

import can
import pytest

from dms.bus import DmsFaceState, Inbox, Publisher, VehState, open_bus
from tests.messages import CAR, FACE


@pytest.mark.parametrize("interface", ["loopback", "virtual"])
def test_a_drain_takes_every_frame_of_ours_among_frames_it_does_not_want(interface: str) -> None:
    name = f"{interface}:inbox-{uuid.uuid4().hex}"
    with open_bus(name) as tx, open_bus(name) as rx:
        inbox = Inbox(rx, VehState)
        publisher = Publisher(tx)
        for k in range(50):  # each vehicle frame behind two the inbox does not want
            publisher.send(FACE, k * 0.02)
            publisher.send(FACE, k * 0.02)
            publisher.send(CAR, k * 0.02)
        taken = list(inbox.drain())
        assert [frame.arbitration_id for frame in taken] == [VehState.SPEC.can_id] * 50
        assert list(inbox.drain()) == []


def test_a_drain_takes_at_most_its_limit_and_the_rest_next_time() -> None:
    name = f"virtual:inbox-{uuid.uuid4().hex}"
    with open_bus(name) as tx, open_bus(name) as rx:
        inbox = Inbox(rx)
        publisher = Publisher(tx)
        for k in range(10):
            publisher.send(FACE, k * 0.033)
        assert len(list(inbox.drain(limit=4))) == 4
        assert len(list(inbox.drain())) == 6


class _FlakyBus(can.BusABC):
    """A backend that fails to receive some frames, as python-can's multicast does with a
    datagram it cannot unpack."""

    def __init__(self, items: list[can.Message | Exception], **kwargs: Any) -> None:
        self._items = list(items)
        super().__init__(channel="flaky", **kwargs)

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        raise NotImplementedError

    def _recv_internal(self, timeout: float | None) -> tuple[can.Message | None, bool]:
        if not self._items:
            return None, False
        item = self._items.pop(0)
        if isinstance(item, Exception):
            raise item
        return item, False


def test_receive_errors_are_counted_drops_and_the_frames_after_them_arrive() -> None:
    frames = [Publisher(None).encode(FACE, k * 0.033) for k in range(3)]
    error = can.CanOperationError("could not unpack received message")
    bus = _FlakyBus([frames[0], error, frames[1], OSError("gone"), frames[2]])
    inbox = Inbox(bus, DmsFaceState)
    assert list(inbox.drain()) == frames
    bus.shutdown()
    assert inbox.errors == 2
    assert "OSError: gone" in inbox.last_error


def test_a_broken_backend_does_not_hang_a_drain_or_a_wait() -> None:
    bus = _FlakyBus([OSError("socket closed")] * 1000)
    inbox = Inbox(bus)
    assert list(inbox.drain()) == []
    assert 1 <= inbox.errors < 100  # gave up until the next cycle
    assert inbox.wait(0.05) is None
    bus.shutdown()
