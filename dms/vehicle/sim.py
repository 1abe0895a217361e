"""A vehicle simulator on the bus: ``ECU_Mrm`` in, ``VEH_State`` out at its period."""

from __future__ import annotations

from collections.abc import Callable

import can

from dms.bus import EcuMrm, Publisher, Receiver, VehState
from dms.bus.inbox import Inbox
from dms.bus.schedule import PeriodicSchedule
from dms.vehicle.model import DriverControls, MrmCommand, Vehicle, VehicleStatus

__all__ = ["SimNode"]


class SimNode:
    """Steps a :class:`Vehicle` every ``VEH_State`` period and publishes its state.

    The last MRM command holds until the ECU sends another: a vehicle in a minimal-risk
    manoeuvre keeps stopping if the ECU goes quiet.
    """

    def __init__(
        self, vehicle: Vehicle, bus: can.BusABC, publisher: Publisher, *, key: bytes | None = None
    ) -> None:
        self.vehicle = vehicle
        self.inbox = Inbox(bus, EcuMrm)
        self._publisher = publisher
        self._receiver = Receiver(key=key)
        self._schedule = PeriodicSchedule()
        self._command = MrmCommand()
        self._last_t: float | None = None
        self.status: VehicleStatus | None = None

    def step(
        self, t_s: float, controls: DriverControls | Callable[[float], DriverControls]
    ) -> VehicleStatus | None:
        """Advance to ``t_s`` when a ``VEH_State`` is due; returns the new state then.
        Commands that arrived since the last step wait in the bus's queue until then;
        ``controls`` may be the driver's as a function of time, asked only then."""
        if not self._schedule.due(VehState, t_s):
            return None
        if callable(controls):
            controls = controls(t_s)
        for frame in self.inbox.drain():
            message = self._receiver.receive_can(frame, t_s).message
            if isinstance(message, EcuMrm):
                self._command = MrmCommand.from_message(message)
        dt_s = t_s - self._last_t if self._last_t is not None else 0.0
        self._last_t = t_s
        self.status = self.vehicle.step(dt_s, controls, self._command)
        self._publisher.send(self.status.message(), t_s)
        return self.status
