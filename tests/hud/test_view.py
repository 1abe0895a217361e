"""The HUD's view of the bus: decoded messages, rates, timeouts, history."""

from __future__ import annotations

import uuid

from dms.bus import DmsFaceState, EcuHmi, Publisher, open_bus
from dms.bus.enums import AlertKind, AlertLevel, Chime
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
