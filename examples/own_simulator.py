"""A driving simulator of your own on the dms bus, with nothing but python-can and cantools.

It stands for the simulator a researcher already has (in any language: the steps are the
same). It reads the DBC that ``dms bus catalog --dbc dms.dbc`` writes, sends ``VEH_State``
every 50 ms (its speed, lane, hazard lights) and obeys ``ECU_Mrm``: when the ECU starts a
minimal-risk manoeuvre it brakes at the commanded deceleration with the hazards on, until
the car stands. Each frame carries the AUTOSAR E2E Profile 5 counter and CRC that cantools
computes. Without a key on the bus (dms's default) no MAC is needed.

    dms bus catalog --dbc dms.dbc
    python examples/own_simulator.py --dbc dms.dbc --bus udp_multicast --speed-kph 100

It prints one line per ECU_Mrm state change, with the time on this machine's monotonic
clock (the clock every dms process prints, so the lines line up with theirs).
"""

from __future__ import annotations

import argparse
import time

import can
import cantools
from cantools.autosar.end_to_end import apply_profile5_crc, check_profile5_crc

PERIOD_S = 0.05  # VEH_State's cycle time in the DBC
MULTICAST = "239.74.163.2"  # python-can's default group


class Car:
    """Cruises at its speed; an MRM brakes it to a standstill."""

    def __init__(self, speed_mps: float) -> None:
        self.speed_mps = speed_mps
        self.accel_mps2 = 0.0
        self.position_m = 0.0
        self.hazards = False
        self.decel_mps2 = 0.0  # commanded by ECU_Mrm, 0 when none is active

    def step(self, dt_s: float) -> None:
        self.accel_mps2 = -self.decel_mps2 if self.speed_mps > 0 else 0.0
        self.speed_mps = max(0.0, self.speed_mps + self.accel_mps2 * dt_s)
        self.position_m += self.speed_mps * dt_s


def veh_state(database: cantools.database.can.Database, car: Car, counter: int) -> can.Message:
    message = database.get_message_by_name("VEH_State")
    framing = {s.name: s.raw_initial or 0 for s in message.signals if s.name.startswith("MP_")}
    values: dict[str, float] = {
        **framing,  # the msgpack bytes the DBC fixes (their start values)
        "E2E_CRC": 0,
        "E2E_Counter": counter,
        "speed_mps": round(car.speed_mps, 2),
        "accel_mps2": round(car.accel_mps2, 2),
        "position_m": round(car.position_m, 1) % 1_000_000,
        "lane_index": 0,
        "lane_count": 2,
        "lane_offset_m": 0.0,
        "hazard_lights": int(car.hazards),
        "turn_signal": 0,
        "driver_input": 1,  # hands on the wheel
        "ignition_on": 1,
        "assist_engaged": 0,
    }
    data = apply_profile5_crc(message.encode(values), message.frame_id)
    return can.Message(arbitration_id=message.frame_id, data=data, is_extended_id=False, is_fd=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbc", required=True, help="the DBC from `dms bus catalog --dbc`")
    parser.add_argument("--bus", default="udp_multicast", help="python-can interface")
    parser.add_argument("--channel", default=MULTICAST)
    parser.add_argument("--speed-kph", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()

    database = cantools.database.load_file(args.dbc)
    assert isinstance(database, cantools.database.can.Database), "not a CAN database"
    mrm = database.get_message_by_name("ECU_Mrm")
    car = Car(args.speed_kph / 3.6)
    state = "INACTIVE"
    with can.Bus(interface=args.bus, channel=args.channel, fd=True) as bus:
        start = time.monotonic()
        ticks = counter = 0
        while (now := time.monotonic()) - start < args.seconds:
            while True:  # every frame that waits, whatever else the bus carries
                try:
                    frame = bus.recv(timeout=0.0)
                except can.CanError:
                    continue  # a datagram the backend cannot read: skip it
                if frame is None:
                    break
                if frame.arbitration_id != mrm.frame_id or len(frame.data) != mrm.length:
                    continue
                if not check_profile5_crc(bytes(frame.data), mrm.frame_id):
                    continue
                command = mrm.decode(bytes(frame.data))
                if str(command["state"]) != state:
                    state = str(command["state"])
                    print(f"{now:.3f} ECU_Mrm {state}", flush=True)
                active = state in ("LANE_CHANGE", "DECELERATING", "STANDSTILL")
                car.decel_mps2 = float(command["target_decel_mps2"]) if active else 0.0
                car.hazards = active and bool(command["hazard_request"])
            car.step(PERIOD_S)
            bus.send(veh_state(database, car, counter))
            counter = (counter + 1) % 256
            ticks += 1
            time.sleep(max(0.0, start + ticks * PERIOD_S - time.monotonic()))
    print(f"stopped at {car.speed_mps * 3.6:.1f} km/h after {car.position_m:.0f} m", flush=True)


if __name__ == "__main__":
    main()
