"""The scenario's car side: the driver's hands and feet, and faults on the bus."""

from __future__ import annotations

import random

import can

from dms.bus.publisher import make_frame
from dms.scenario.model import Behaviour, BehaviourKind, BusFaultMode, Scenario, any_covers
from dms.vehicle.model import DriverControls

__all__ = ["DriverTimeline", "FaultyLink"]


class DriverTimeline:
    """What the driver does with the controls at any time of the scenario."""

    def __init__(self, scenario: Scenario) -> None:
        self._speed = scenario.speed
        self._hands_off = scenario.behaviours(BehaviourKind.HANDS_OFF)
        self._takeovers = scenario.behaviours(BehaviourKind.TAKEOVER)
        self._ignition_off = scenario.behaviours(BehaviourKind.IGNITION_CYCLE)

    def speed_mps(self, t_s: float) -> float:
        """The speed the driver means to drive at, by the scenario's profile."""
        return self._speed.mps(t_s)

    def controls(
        self,
        t_s: float,
        *,
        target_speed_mps: float | None = None,
        brake_decel_mps2: float = 0.0,
        drift_mps: float = 0.0,
    ) -> DriverControls:
        """The scripted controls at ``t_s``; the driver model's speed, braking and drift
        where it gives them."""
        takeover = any_covers(self._takeovers, t_s)
        return DriverControls(
            target_speed_mps=self._speed.mps(t_s) if target_speed_mps is None else target_speed_mps,
            steering=takeover or not any_covers(self._hands_off, t_s),
            accelerator=takeover,
            brake=brake_decel_mps2 > 0.0,
            button=False,
            ignition_on=not any_covers(self._ignition_off, t_s),
            brake_decel_mps2=brake_decel_mps2,
            drift_mps=drift_mps,
        )


class FaultyLink:
    """Stands between the camera module and the bus and breaks it where the scenario's
    ``bus_fault`` entries say (see :class:`BusFaultMode`). Junk and stale frames are what
    an attacker on the bus would send; they are seeded, so a replay is repeatable."""

    @staticmethod
    def needed(scenario: Scenario) -> bool:
        """Whether ``scenario`` has any bus fault for a link to inject."""
        return bool(scenario.behaviours(BehaviourKind.BUS_FAULT))

    def __init__(self, bus: can.BusABC, scenario: Scenario) -> None:
        self._bus = bus
        self._faults = scenario.behaviours(BehaviourKind.BUS_FAULT)
        self._rng = random.Random(scenario.seed)
        self._next_junk_s: dict[Behaviour, float] = {}
        self._stale: dict[tuple[Behaviour, int], can.Message] = {}
        self.dropped = 0
        self.corrupted = 0
        self.injected = 0

    def send(self, frame: can.Message, timeout: float | None = None) -> None:
        t_s = frame.timestamp
        fault = next((b for b in self._faults if b.covers(t_s)), None)
        mode = fault.mode if fault is not None else None
        if mode is BusFaultMode.CUT:
            self.dropped += 1
            return
        if mode is BusFaultMode.CORRUPT:
            data = bytearray(frame.data)
            data[len(data) // 2] ^= 0x10
            self.corrupted += 1
            frame = make_frame(frame.arbitration_id, bytes(data), t_s)
        self._bus.send(frame, timeout)
        if fault is None:
            return
        if mode is BusFaultMode.JUNK:
            self._junk(fault, frame, timeout)
        elif mode is BusFaultMode.STALE:
            stale = self._stale.setdefault((fault, frame.arbitration_id), frame)
            if stale is not frame:
                self._inject(stale.arbitration_id, bytes(stale.data), t_s, timeout)

    def _junk(self, fault: Behaviour, frame: can.Message, timeout: float | None) -> None:
        """Random frames of the DMS's own IDs and lengths, at the fault's rate."""
        t_s = frame.timestamp
        first_s = fault.at_s + self._rng.random() / fault.rate_hz
        next_s = self._next_junk_s.setdefault(fault, first_s)
        while next_s <= t_s:
            junk = self._rng.randbytes(len(frame.data))
            self._inject(frame.arbitration_id, junk, t_s, timeout)
            next_s += self._rng.expovariate(fault.rate_hz)
        self._next_junk_s[fault] = next_s

    def _inject(self, can_id: int, data: bytes, t_s: float, timeout: float | None) -> None:
        self.injected += 1
        self._bus.send(make_frame(can_id, data, t_s), timeout)
