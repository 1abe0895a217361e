"""The scenario's car side: the driver's hands and feet, and faults on the bus."""

from __future__ import annotations

import can

from dms.scenario.model import BehaviourKind, Scenario
from dms.vehicle.model import DriverControls

__all__ = ["DriverTimeline", "FaultyLink"]


class DriverTimeline:
    """What the driver does with the controls at any time of the scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self._speed = scenario.speed
        self._hands_off = scenario.behaviours(BehaviourKind.HANDS_OFF)
        self._takeovers = scenario.behaviours(BehaviourKind.TAKEOVER)
        self._ignition_off = scenario.behaviours(BehaviourKind.IGNITION_CYCLE)

    def controls(self, t_s: float) -> DriverControls:
        takeover = any(b.covers(t_s) for b in self._takeovers)
        return DriverControls(
            target_speed_mps=self._speed.mps(t_s),
            steering=takeover or not any(b.covers(t_s) for b in self._hands_off),
            accelerator=takeover,
            brake=False,
            button=False,
            ignition_on=not any(b.covers(t_s) for b in self._ignition_off),
        )


class FaultyLink:
    """Stands between the camera module and the bus: during a ``bus_fault`` its frames are
    lost (``cut``) or arrive with one bit flipped (``corrupt``)."""

    @staticmethod
    def needed(scenario: Scenario) -> bool:
        """Whether ``scenario`` has any bus fault for a link to inject."""
        return bool(scenario.behaviours(BehaviourKind.BUS_FAULT))

    def __init__(self, bus: can.BusABC, scenario: Scenario) -> None:
        self._bus = bus
        self._faults = scenario.behaviours(BehaviourKind.BUS_FAULT)
        self.dropped = 0
        self.corrupted = 0

    def send(self, frame: can.Message, timeout: float | None = None) -> None:
        fault = next((b for b in self._faults if b.covers(frame.timestamp)), None)
        if fault is None:
            self._bus.send(frame, timeout)
        elif fault.mode == "cut":
            self.dropped += 1
        else:
            data = bytearray(frame.data)
            data[len(data) // 2] ^= 0x10
            self.corrupted += 1
            self._bus.send(
                can.Message(
                    timestamp=frame.timestamp,
                    arbitration_id=frame.arbitration_id,
                    data=bytes(data),
                    is_extended_id=False,
                    is_fd=True,
                    bitrate_switch=True,
                ),
                timeout,
            )
