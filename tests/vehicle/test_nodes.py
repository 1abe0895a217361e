"""The ECU and the vehicle simulator as bus nodes: stream health, and the built-in car."""

from __future__ import annotations

import dataclasses
import itertools
import time
import uuid
from collections.abc import Iterator

import can
import pytest

from dms.bus import DmsStatus, EcuHmi, EcuMrm, FrameCodec, Inbox, Publisher, Receiver, open_bus
from dms.bus.enums import DmsState, MrmState
from dms.bus.publisher import FrameSink, make_frame
from dms.vehicle.builtin import BuiltinSettings, BuiltinVehicle
from dms.vehicle.ecu import EcuNode
from dms.vehicle.model import DriverControls, MrmCommand
from dms.vehicle.sim import LOST_COMMAND_DECEL_MPS2, SimNode
from tests.keys import ring, signing
from tests.messages import ACTIVE, ALERT, CAR, ON_ROAD

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
    ecu = EcuNode(ecu_bus, Publisher(ecu_bus, ring("ecu")), keys=ring("ecu"))
    dms = Publisher(dms_bus, ring("dms"))
    assert all(ok for _, ok in run(ecu, dms, 0.0, 2.0))
    cut = run(ecu, dms, 2.0, 1.0, send=False)
    # The last 100 ms messages went out at 1.9 s: three periods later, at 2.2 s, it is gone.
    assert 2.2 <= first_unavailable(cut) <= 2.22
    back = run(ecu, dms, 3.0, 1.0)
    assert back[-1][1]


def test_forged_and_corrupt_frames_among_genuine_ones_change_nothing(
    buses: tuple[FrameSink, can.BusABC],
) -> None:
    dms_bus, ecu_bus = buses
    ecu = EcuNode(ecu_bus, Publisher(ecu_bus, ring("ecu")), keys=ring("ecu"))
    dms = Publisher(dms_bus, ring("dms"))
    forger = Publisher(dms_bus, ring("dms", master=bytes(32)))  # right layout, wrong key
    codec = FrameCodec(DmsStatus.SPEC, signing("dms"))
    trace = run(ecu, dms, 0.0, 1.0)
    for k in range(40):  # 4 s, junk at 4 frames/s between the genuine ones
        t = round(1.0 + k * 0.1, 3)
        if k % 5 in (1, 3):
            forger.send(STATUS, t + 0.05)
        elif k % 5 == 2:
            corrupt = bytearray(codec.encode(STATUS, k, 1_500 + k))
            corrupt[2] ^= 0x01
            dms_bus.send(make_frame(DmsStatus.SPEC.can_id, bytes(corrupt), t + 0.05))
        trace += run(ecu, dms, t, 0.1)
    assert all(ok for _, ok in trace)
    assert ecu.dms_ok(5.0)


class Corrupting:
    """The camera module's own frames, each with one bit flipped: a broken transceiver."""

    def __init__(self, bus: FrameSink) -> None:
        self._bus = bus

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        data = bytearray(msg.data)
        data[len(data) // 2] ^= 0x10
        self._bus.send(make_frame(msg.arbitration_id, bytes(data), msg.timestamp), timeout)


def test_a_stream_whose_own_frames_fail_is_unavailable_within_three_periods(
    buses: tuple[FrameSink, can.BusABC],
) -> None:
    dms_bus, ecu_bus = buses
    ecu = EcuNode(ecu_bus, Publisher(ecu_bus, ring("ecu")), keys=ring("ecu"))
    dms = Publisher(dms_bus, ring("dms"))
    run(ecu, dms, 0.0, 1.0)
    broken = run(ecu, Publisher(Corrupting(dms_bus), ring("dms")), 1.0, 1.0)
    # The last good 100 ms messages went out at 0.9 s; two bad cycles and it is INVALID.
    assert 1.0 < first_unavailable(broken) <= 1.2
    assert not any(ok for t, ok in broken if t >= 1.2)
    # Two good cycles in a row and it is trusted again.
    recovered = run(ecu, dms, 2.0, 1.0)
    back = next(t for t, ok in recovered if ok)
    assert 2.0 < back <= 2.3
    assert all(ok for t, ok in recovered if t >= back)


@pytest.mark.parametrize("interface", ["loopback", "virtual"])
def test_the_ecu_publishes_its_messages_at_their_periods(interface: str) -> None:
    name = f"{interface}:periods-{uuid.uuid4().hex}"
    with open_bus(name) as dms_bus, open_bus(name) as ecu_bus, open_bus(name) as listener:
        ecu = EcuNode(ecu_bus, Publisher(ecu_bus, ring("ecu")), keys=ring("ecu"))
        run(ecu, Publisher(dms_bus, ring("dms")), 0.0, 2.0)
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
        dms = Publisher(dms_bus)
        run(ecu, dms, 0.0, 2.0)
        hmi = Receiver()
        ecu.step(2.0)  # a cycle, with its ECU_Hmi
        list(Inbox(cluster).drain(limit=100_000))  # what the cluster heard so far
        dms.send(dataclasses.replace(STATUS, state=DmsState.SENSOR_FAULT), 2.003)
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


def test_the_ecu_declares_the_vehicle_state_lost_within_three_periods() -> None:
    name = f"loopback:veh-{uuid.uuid4().hex}"
    with open_bus(name) as car_bus, open_bus(name) as ecu_bus:
        ecu = EcuNode(ecu_bus, Publisher(ecu_bus), on_arrival=True)
        car, dms = Publisher(car_bus), Publisher(car_bus)
        events = []
        for k in range(400):  # 4 s; the car falls silent after its frame at 1.95 s
            t = round(k * 0.01, 3)
            if k % 10 == 0:
                for message in (STATUS, DISTRACTION, DROWSINESS):
                    dms.send(message, t)
            if k % 5 == 0 and (t < 2.0 or t >= 3.0):
                car.send(CAR, t)
            outputs = ecu.step(t)
            events += [] if outputs is None else [(e.t_s, e.kind.value) for e in outputs.events]
    lost = [t for t, kind in events if kind == "vehicle_unavailable"]
    back = [t for t, kind in events if kind == "vehicle_available"]
    assert len(lost) == 1 and 1.95 + 3 * 0.05 - 1e-9 <= lost[0] <= 1.95 + 3 * 0.05 + 0.011
    assert len(back) == 1 and 3.0 < back[0] <= 3.0 + 0.05 + 0.011  # two good cycles


def sim_with_commands(
    commands: list[tuple[float, MrmCommand | None]], seconds: float, pedal_at: float = 99.0
) -> tuple[list[tuple[float, float, bool]], SimNode]:
    """The vehicle node for ``seconds``; from each (time, command) on, the ECU sends that
    command every 50 ms, or nothing (``None``). Returns (time, speed, hazards) samples."""
    name = f"loopback:sim-{uuid.uuid4().hex}"
    with open_bus(name) as ecu_bus, open_bus(name) as car_bus:
        node = SimNode(BuiltinVehicle(speed_mps=30.0), car_bus, Publisher(car_bus))
        ecu = Publisher(ecu_bus)
        trace = []
        for k in range(round(seconds * 100)):
            t = round(k * 0.01, 3)
            command = next((c for at, c in reversed(commands) if t >= at), None)
            if k % 5 == 0 and command is not None:
                ecu.send(command.message(), t)
            controls = DriverControls(target_speed_mps=30.0, accelerator=t >= pedal_at)
            status = node.step(t, controls)
            if status is not None:
                trace.append((t, status.speed_mps, status.hazard_lights))
    return trace, node


STOP = MrmCommand(MrmState.DECELERATING, 1.0, 0, False)
IDLE = MrmCommand().message()


def test_the_vehicle_finishes_the_stop_alone_when_mrm_commands_stop() -> None:
    trace, node = sim_with_commands([(0.0, MrmCommand()), (1.0, STOP), (3.0, None)], 30.0)
    assert node.stopping_alone and node.commands_lost
    assert trace[-1][1] == 0.0 and trace[-1][2]  # stopped, hazard lights on
    # Before the loss it follows the ECU's 1 m/s²; within three periods of the last command
    # (2.95 s) it brakes at the ECU's own MRM rate and never speeds up again.
    assert all(b[1] <= a[1] for a, b in itertools.pairwise(trace) if a[0] >= 1.1)
    braking = [(t, v) for t, v, _ in trace if 3.2 <= t <= 6.0]
    decel = (braking[0][1] - braking[-1][1]) / (braking[-1][0] - braking[0][0])
    assert decel == pytest.approx(LOST_COMMAND_DECEL_MPS2, abs=0.05)
    assert next(t for t, _, hazards in trace if hazards) <= 2.95 + 0.15 + 0.05


def test_an_ecu_back_with_inactive_does_not_end_the_vehicles_own_stop_but_the_driver_does() -> None:
    commands = [(0.0, MrmCommand()), (1.0, STOP), (3.0, None), (5.0, MrmCommand())]
    trace, node = sim_with_commands(commands, 12.0)
    assert node.stopping_alone and not node.commands_lost
    assert all(b[1] <= a[1] for a, b in itertools.pairwise(trace) if a[0] >= 1.1)
    trace, node = sim_with_commands(commands, 12.0, pedal_at=8.0)
    assert not node.stopping_alone
    assert trace[-1][1] > max(v for t, v, _ in trace if 7.9 <= t <= 8.0)  # driving again


def test_commands_from_an_invalid_stream_are_not_acted_on() -> None:
    name = f"loopback:sim-{uuid.uuid4().hex}"
    with open_bus(name) as ecu_bus, open_bus(name) as car_bus:
        node = SimNode(BuiltinVehicle(speed_mps=30.0), car_bus, Publisher(car_bus))
        codec = FrameCodec(EcuMrm.SPEC)
        for k in range(200):  # good, then three bad in a row, then one in two bad
            t = round(k * 0.05, 3)
            data = bytearray(codec.encode(STOP.message() if k >= 10 else IDLE, k))
            if 10 <= k < 13 or (k >= 13 and k % 2):
                data[3] ^= 0x01
            ecu_bus.send(make_frame(EcuMrm.SPEC.can_id, bytes(data), t))
            status = node.step(t, DriverControls(target_speed_mps=30.0))
            assert status is not None and status.speed_mps == pytest.approx(30.0)
