"""The ECU and the vehicle simulator as bus nodes: stream health, and the built-in car."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Iterator

import can
import pytest

from dms.bus import DmsStatus, EcuHmi, FrameCodec, Inbox, Publisher, Receiver, open_bus
from dms.bus.enums import DmsState, MrmState
from dms.bus.publisher import FrameSink, make_frame
from dms.vehicle.builtin import BuiltinSettings, BuiltinVehicle
from dms.vehicle.ecu import EcuNode
from dms.vehicle.model import DriverControls, MrmCommand
from tests.messages import ACTIVE, ALERT, ON_ROAD

KEY = bytes(range(40, 72))
STATUS, DISTRACTION, DROWSINESS = ACTIVE, ON_ROAD, ALERT


class Restamping:
    """A bus connection that stamps what it sends with the wall clock, as udp_multicast and
    socketcan stamp frames on receive: nodes must not take those stamps for their time."""

    def __init__(self, bus: can.BusABC) -> None:
        self._bus = bus

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        msg.timestamp = time.time()
        self._bus.send(msg, timeout)


@pytest.fixture(params=["loopback", "virtual", "virtual re-stamped"])
def buses(request: pytest.FixtureRequest) -> Iterator[tuple[FrameSink, can.BusABC]]:
    """(the DMS's sending side, the ECU's connection) on each kind of in-process bus."""
    interface = request.param.split()[0]
    name = f"{interface}:nodes-{uuid.uuid4().hex}"
    with open_bus(name) as dms_bus, open_bus(name) as ecu_bus:
        yield (Restamping(dms_bus) if "re-stamped" in request.param else dms_bus), ecu_bus


def run(
    ecu: EcuNode, dms: Publisher, start: float, seconds: float, *, send: bool = True
) -> list[tuple[float, bool]]:
    """DMS messages at their periods (or none) while the ECU steps every 10 ms."""
    trace = []
    for k in range(round(seconds * 100)):
        t = round(start + k * 0.01, 3)
        if send and k % 10 == 0:
            for message in (STATUS, DISTRACTION):
                dms.send(message, t)
            if k % 20 == 0:
                dms.send(DROWSINESS, t)
        ecu.step(t)
        trace.append((t, ecu.dms_ok(t)))
    return trace


def first_unavailable(trace: list[tuple[float, bool]]) -> float:
    return next(t for t, ok in trace if not ok)


def test_a_cut_stream_is_dms_unavailable_within_three_periods(
    buses: tuple[FrameSink, can.BusABC],
) -> None:
    dms_bus, ecu_bus = buses
    ecu = EcuNode(ecu_bus, Publisher(ecu_bus, key=KEY), key=KEY)
    dms = Publisher(dms_bus, key=KEY)
    assert all(ok for _, ok in run(ecu, dms, 0.0, 2.0))
    cut = run(ecu, dms, 2.0, 1.0, send=False)
    # The last 100 ms messages went out at 1.9 s: three periods later, at 2.2 s, it is gone.
    assert 2.2 <= first_unavailable(cut) <= 2.22
    back = run(ecu, dms, 3.0, 1.0)
    assert back[-1][1]


def test_corrupt_or_forged_frames_make_it_unavailable_at_once(
    buses: tuple[FrameSink, can.BusABC],
) -> None:
    dms_bus, ecu_bus = buses
    ecu = EcuNode(ecu_bus, Publisher(ecu_bus, key=KEY), key=KEY)
    run(ecu, Publisher(dms_bus, key=KEY), 0.0, 1.0)
    forger = Publisher(dms_bus, key=bytes(32))  # right layout, wrong key
    forger.send(STATUS, 1.0)
    ecu.step(1.0)
    assert not ecu.dms_ok(1.0)
    codec = FrameCodec(DmsStatus.SPEC, KEY)
    corrupt = bytearray(codec.encode(STATUS, 9, 1_500))
    corrupt[2] ^= 0x01
    dms_bus.send(make_frame(DmsStatus.SPEC.can_id, bytes(corrupt), 1.5))
    ecu.step(1.5)
    assert not ecu.dms_ok(1.5)
    # Three periods of intact frames after the last failure, and the DMS is trusted again.
    recovered = run(ecu, Publisher(dms_bus, key=KEY), 1.51, 1.0)
    back = next(t for t, ok in recovered if ok)
    assert 1.8 <= back <= 1.82
    assert all(ok for t, ok in recovered if t >= back)


@pytest.mark.parametrize("interface", ["loopback", "virtual"])
def test_the_ecu_publishes_its_messages_at_their_periods(interface: str) -> None:
    name = f"{interface}:periods-{uuid.uuid4().hex}"
    with open_bus(name) as dms_bus, open_bus(name) as ecu_bus, open_bus(name) as listener:
        ecu = EcuNode(ecu_bus, Publisher(ecu_bus, key=KEY), key=KEY)
        run(ecu, Publisher(dms_bus, key=KEY), 0.0, 2.0)
        names = [frame.arbitration_id for frame in Inbox(listener).drain()]
        names = [i for i in names if i >= 0x0A0 and i <= 0x0A2]
    assert names.count(0x0A0) == 40  # ECU_Mrm every 50 ms
    assert names.count(0x0A1) == names.count(0x0A2) == 20  # ECU_Hmi, ECU_Adas every 100 ms


def drive(
    vehicle: BuiltinVehicle, seconds: float, command: MrmCommand, controls: DriverControls
) -> list:  # type: ignore[type-arg]
    return [vehicle.step(0.05, controls, command) for _ in range(round(seconds / 0.05))]


def test_the_builtin_car_follows_the_drivers_speed_comfortably() -> None:
    car = BuiltinVehicle(speed_mps=20.0)
    states = drive(car, 10.0, MrmCommand(), DriverControls(target_speed_mps=30.0))
    assert states[-1].speed_mps == pytest.approx(30.0, abs=0.01)
    assert max(s.accel_mps2 for s in states) <= BuiltinSettings().driver_accel_mps2 + 1e-9
    assert all(s.lane_index == 1 and abs(s.lane_offset_m) < 0.2 for s in states)


def test_the_builtin_car_performs_the_mrm_to_a_stop_in_the_rightmost_lane() -> None:
    car = BuiltinVehicle(BuiltinSettings(lanes=3, start_lane=2), speed_mps=30.0)
    controls = DriverControls(target_speed_mps=30.0, steering=False)
    changing = drive(car, 8.0, MrmCommand(MrmState.LANE_CHANGE, 1.0, 0, True), controls)
    assert changing[-1].lane_index == 0
    assert {s.turn_signal.name for s in changing} >= {"RIGHT"}
    stopping = drive(car, 15.0, MrmCommand(MrmState.DECELERATING, 2.5, 0, True), controls)
    assert stopping[-1].standstill and stopping[-1].hazard_lights and stopping[-1].lane_index == 0
    assert min(s.accel_mps2 for s in changing + stopping) >= -2.5 - 1e-9


def test_the_builtin_car_is_deterministic() -> None:
    controls = DriverControls(target_speed_mps=25.0)
    a = drive(BuiltinVehicle(speed_mps=10.0), 5.0, MrmCommand(), controls)
    b = drive(BuiltinVehicle(speed_mps=10.0), 5.0, MrmCommand(), controls)
    assert a == b


@pytest.mark.parametrize("on_arrival", [False, True], ids=["cyclic", "on arrival"])
def test_an_ecu_woken_by_arrivals_warns_at_once_a_cyclic_one_at_its_cycle(
    on_arrival: bool,
) -> None:
    name = f"loopback:arrival-{uuid.uuid4().hex}"
    with open_bus(name) as dms_bus, open_bus(name) as ecu_bus, open_bus(name) as cluster:
        ecu = EcuNode(ecu_bus, Publisher(ecu_bus), on_arrival=on_arrival)
        run(ecu, Publisher(dms_bus), 0.0, 2.0)
        hmi = Receiver()
        ecu.step(2.0)  # a cycle, with its ECU_Hmi
        list(Inbox(cluster).drain(limit=100_000))  # what the cluster heard so far
        Publisher(dms_bus).send(dataclasses.replace(STATUS, state=DmsState.SENSOR_FAULT), 2.003)
        heard: list[tuple[float, EcuHmi]] = []
        for t in (2.003, 2.01, 2.02, 2.03, 2.04, 2.05, 2.06, 2.07, 2.08, 2.09, 2.1):
            ecu.step(t)
            for frame in Inbox(cluster).drain():
                message = hmi.receive_can(frame, t).message
                if isinstance(message, EcuHmi) and message.dms_unavailable:
                    heard.append((t, message))
    first = heard[0][0]
    if on_arrival:
        assert first == 2.003  # the cycle ran on the frame's arrival, and sent on change
    else:
        assert first == 2.1  # the next cycle with an ECU_Hmi slot
