"""The HUD's view of the bus: decoded messages, rates, timeouts, history."""

from __future__ import annotations

import uuid

from dms.bus import DmsFaceState, EcuHmi, EcuMrm, Publisher, open_bus
from dms.bus.enums import AlertKind, AlertLevel, Chime, MrmState
from dms.bus.examples import example_messages
from hud.view import BusView


def test_the_view_keeps_the_latest_messages_rates_timeouts_and_history() -> None:
    spec = f"loopback:view-{uuid.uuid4().hex}"
    with open_bus(spec) as tx, open_bus(spec) as rx:
        publisher = Publisher(tx)
        view = BusView(rx)
        messages = example_messages()
        for k in range(100):  # 10 s: everything at 10 Hz, then the DMS goes silent
            t = k * 0.1
            for message in messages:
                if t < 5.0 or not message.SPEC.name.startswith("DMS_"):
                    publisher.send(message, t)
            view.poll(t)
        state = view.snapshot(9.9)
    assert isinstance(state.face, DmsFaceState) and state.face.gaze_zone.name == "INFOTAINMENT"
    assert state.vehicle is not None and state.vehicle.speed_mps == 27.8
    rates = dict(state.bus.rates_hz)
    assert rates["VEH_State"] == 10.0
    assert {
        "DMS_Status",
        "DMS_Distraction",
        "DMS_Drowsiness",
        "DMS_FaceState",
    } <= state.bus.timed_out
    assert "VEH_State" not in state.bus.timed_out
    assert state.dms_silent
    assert 90 <= len(state.history) <= 101
    assert state.history[0].eye_open > 0.8 and not state.history[0].eyes_on_road
    assert view.face_states == 50


def test_the_cluster_drops_ecu_display_commands_once_they_time_out() -> None:
    spec = f"loopback:view-{uuid.uuid4().hex}"
    alert = EcuHmi(AlertLevel.URGENT, AlertKind.DROWSINESS, Chime.CONTINUOUS, True, False, False, 1)
    with open_bus(spec) as tx, open_bus(spec) as rx:
        publisher = Publisher(tx)
        view = BusView(rx)
        for k in range(30):  # the ECU's urgent warning until 2.9 s, then nothing
            t = round(k * 0.1, 3)
            publisher.send(alert, t)
            view.poll(t)
        shown = [(t, view.snapshot(t)) for t in (3.0, 3.1, 3.19, 3.21, 4.0)]
    for t, state in shown:
        lost = t > 2.9 + 3 * EcuHmi.SPEC.period_s
        assert state.warnings_lost is lost, t
        assert (state.hmi is None) is lost, t


def test_the_view_times_the_emergency_function_from_the_urgent_warning() -> None:
    spec = f"loopback:view-{uuid.uuid4().hex}"
    quiet = EcuHmi(AlertLevel.NONE, AlertKind.NONE, Chime.NONE, False, False, False, 0)
    urgent = EcuHmi(
        AlertLevel.URGENT, AlertKind.UNRESPONSIVE, Chime.CONTINUOUS, True, False, False, 1
    )
    idle = EcuMrm(MrmState.INACTIVE, 0.0, 0, False, False)
    braking = EcuMrm(MrmState.DECELERATING, 2.5, 0, True, False)
    stopped = EcuMrm(MrmState.STANDSTILL, 0.0, 0, True, True)
    with open_bus(spec) as tx, open_bus(spec) as rx:
        publisher = Publisher(tx)
        view = BusView(rx)
        timings = {}
        for k in range(300):  # a false start (2-3 s), then the warning at 10 s, MRM at 12.3 s
            t = round(k * 0.1, 3)
            warned = 2.0 <= t < 3.0 or t >= 10.0
            publisher.send(urgent if warned else quiet, t)
            publisher.send(stopped if t >= 25.0 else braking if t >= 12.3 else idle, t)
            view.poll(t)
            timings[t] = view.snapshot(t).emergency
    assert timings[2.5] is not None and timings[2.5].mrm_s is None
    assert timings[5.0] is None  # the warning ended without a manoeuvre: forgotten
    during = timings[15.0]
    assert during is not None and during.warned_s == 10.0
    assert during.mrm_delay_s is not None and abs(during.mrm_delay_s - 2.3) < 1e-6
    assert during.standstill_s is None
    end = timings[29.9]
    assert end is not None and end.standstill_s == 25.0 and end.warned_s == 10.0
