"""Bus specs, python-can transports, and two processes over udp_multicast."""

from __future__ import annotations

import json
import sys
import textwrap
import uuid

import can
import pytest

from dms.bus import (
    BY_ID,
    BusSpec,
    DmsFaceState,
    Inbox,
    Publisher,
    Receiver,
    VehState,
    open_bus,
)
from dms.bus.examples import example_messages
from dms.bus.status import FrameStatus
from dms.errors import BusError, ConfigError
from tests.netns import run_in_namespace


def test_spec_strings_parse_into_interface_channel_and_options() -> None:
    assert BusSpec.parse("virtual:dms") == BusSpec("virtual", "dms")
    assert BusSpec.parse("udp_multicast") == BusSpec("udp_multicast", "239.74.163.2")
    assert BusSpec.parse("udp_multicast:239.1.2.3,port=43114,hop_limit=1") == BusSpec(
        "udp_multicast", "239.1.2.3", {"port": 43114, "hop_limit": 1}
    )
    ipv6 = "ff15:7079:7468:6f6e:6465:6d6f:6d73:6701"
    assert BusSpec.parse(f"udp_multicast:{ipv6}").channel == ipv6
    assert str(BusSpec.parse("socketcan:vcan0,fd=true")) == "socketcan:vcan0,fd=True"


@pytest.mark.parametrize("bad", ["", ":x", "socketcan", "virtual:dms,oops"])
def test_bad_spec_strings_are_config_errors(bad: str) -> None:
    with pytest.raises(ConfigError, match="bus spec"):
        BusSpec.parse(bad)


def test_an_unknown_interface_is_a_bus_error_naming_the_spec() -> None:
    with pytest.raises(BusError, match="cannot open bus 'no_such_interface:x'"):
        open_bus("no_such_interface:x")


def test_frames_cross_the_virtual_bus_with_their_timestamps() -> None:
    with open_bus("virtual:test-cross") as tx, open_bus("virtual:test-cross") as rx:
        publisher = Publisher(tx)
        receiver = Receiver()
        sent = [
            publisher.send(message, t_s=1000.0 + i) for i, message in enumerate(example_messages())
        ]
        for frame in sent:
            got = rx.recv(timeout=1.0)
            assert got is not None
            assert got.is_fd and not got.is_extended_id
            assert got.timestamp == frame.timestamp
            assert receiver.receive_can(got).status is FrameStatus.OK


def test_two_processes_exchange_frames_over_udp_multicast_on_loopback_only() -> None:
    sender = textwrap.dedent(
        """
        import time
        from dms.bus import Publisher, open_bus
        from dms.bus.examples import example_messages
        with open_bus("udp_multicast:239.74.163.2") as bus:
            publisher = Publisher(bus)
            for _ in range(100):
                for message in example_messages():
                    publisher.send(message, time.time())
                time.sleep(0.05)
        """
    )
    script = f"""
        {sys.executable} -m dms.cli bus dump --bus udp_multicast:239.74.163.2 \
            --json --count 16 --seconds 20 > out.jsonl &
        listener=$!
        sleep 1
        {sys.executable} -c '{sender}' &
        talker=$!
        wait $listener
        kill $talker 2>/dev/null || true
        cat out.jsonl
    """
    result = run_in_namespace(f"cd $(mktemp -d)\n{textwrap.dedent(script)}")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 16
    assert {r["status"] for r in records} == {"ok"}
    assert {r["name"] for r in records} == {m.SPEC.name for m in example_messages()}
    face = next(r for r in records if r["name"] == "DMS_FaceState")
    assert face["signals"]["gaze_zone"] == "INFOTAINMENT"
    assert face["signals"]["head_yaw_deg"] == -28.4


def test_loopback_filters_apply_at_delivery_and_follow_changes() -> None:
    name = f"loopback:filters-{uuid.uuid4().hex}"
    face, veh = (m for m in example_messages() if type(m) in (DmsFaceState, VehState))
    with open_bus(name) as tx, open_bus(name) as rx:
        publisher = Publisher(tx)

        def arrivals() -> list[str]:
            for message in (face, veh):
                publisher.send(message, 0.0)
            names = []
            while (frame := rx.recv(timeout=0.0)) is not None:
                names.append(BY_ID[frame.arbitration_id].name)
            return names

        Inbox(rx, VehState)
        assert arrivals() == ["VEH_State"]
        Inbox(rx, DmsFaceState)
        assert arrivals() == ["DMS_FaceState"]
        rx.set_filters(None)
        assert arrivals() == ["DMS_FaceState", "VEH_State"]


def test_loopback_takes_filters_given_when_opened() -> None:
    channel = f"filters-{uuid.uuid4().hex}"
    face, veh = (m for m in example_messages() if type(m) in (DmsFaceState, VehState))
    only_veh = [{"can_id": VehState.SPEC.can_id, "can_mask": 0x7FF, "extended": False}]
    with (
        open_bus(f"loopback:{channel}") as tx,
        can.Bus(interface="loopback", channel=channel, can_filters=only_veh) as rx,
    ):
        publisher = Publisher(tx)
        for message in (face, veh):
            publisher.send(message, 0.0)
        received = [frame.arbitration_id for frame in iter(lambda: rx.recv(timeout=0.0), None)]
    assert received == [VehState.SPEC.can_id]
