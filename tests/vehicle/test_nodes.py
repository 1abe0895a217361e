"""The ECU and the vehicle simulator as bus nodes: stream health, and the built-in car."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import can
import pytest

from dms.bus import DmsStatus, FrameCodec, Publisher, open_bus
from dms.bus.enums import MrmState
from dms.vehicle.builtin import BuiltinSettings, BuiltinVehicle
from dms.vehicle.ecu import EcuNode
from dms.vehicle.model import DriverControls, MrmCommand
from tests.messages import ACTIVE, ALERT, ON_ROAD

KEY = bytes(range(40, 72))
STATUS, DISTRACTION, DROWSINESS = ACTIVE, ON_ROAD, ALERT


@pytest.fixture()
def buses() -> Iterator[tuple[can.BusABC, can.BusABC]]:
    name = f"loopback:nodes-{uuid.uuid4().hex}"
    with open_bus(name) as dms_bus, open_bus(name) as ecu_bus:
        yield dms_bus, ecu_bus


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
    buses: tuple[can.BusABC, can.BusABC],
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
    buses: tuple[can.BusABC, can.BusABC],
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
    dms_bus.send(can.Message(arbitration_id=0x103, data=bytes(corrupt), is_fd=True, timestamp=1.5))
    ecu.step(1.5)
    assert not ecu.dms_ok(1.5)


def test_the_ecu_publishes_its_messages_at_their_periods(
    buses: tuple[can.BusABC, can.BusABC],
) -> None:
    dms_bus, ecu_bus = buses
    ecu = EcuNode(ecu_bus, Publisher(ecu_bus, key=KEY), key=KEY)
    run(ecu, Publisher(dms_bus, key=KEY), 0.0, 2.0)
    names = []
    while (frame := dms_bus.recv(timeout=0.0)) is not None:
        names.append(frame.arbitration_id)
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
