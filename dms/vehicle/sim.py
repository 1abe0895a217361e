"""A vehicle simulator on the bus: ``ECU_Mrm`` in, ``VEH_State`` out at its period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import can

from dms.bus import EcuAssist, EcuMrm, Publisher, Receiver, VehEnv, VehState
from dms.bus.enums import MrmState
from dms.bus.freshness import FreshnessStore
from dms.bus.inbox import Inbox
from dms.bus.keys import KeyRing
from dms.bus.schedule import PeriodicSchedule
from dms.vehicle.model import (
    NO_ASSIST,
    AssistCommand,
    DriverControls,
    MrmCommand,
    Vehicle,
    VehicleStatus,
)

__all__ = ["LOST_COMMAND_DECEL_MPS2", "SimNode"]

_MRM = EcuMrm.SPEC.name
_ASSIST = EcuAssist.SPEC.name
#: How hard the vehicle stops on its own when the ECU's commands stop mid-manoeuvre: the
#: ECU's own MRM deceleration (EcuSettings.mrm_decel_mps2), so the stop goes on unchanged.
LOST_COMMAND_DECEL_MPS2 = 2.5


class SimNode:
    """Steps a :class:`Vehicle` every ``VEH_State`` period and publishes its state.

    ``ECU_Mrm`` is supervised like every safety input (E2E state machine and deadline):
    commands from an invalid stream are not acted on, and when the commands stop during
    a minimal-risk manoeuvre the vehicle finishes the stop in its lane on its own, hazard
    lights on. Only the driver ends that stop (a pedal or the button): an ECU that comes
    back saying INACTIVE (say, after a restart) does not, as it no longer knows why the
    car was stopping.
    """

    def __init__(
        self,
        vehicle: Vehicle,
        bus: can.BusABC,
        publisher: Publisher,
        *,
        keys: KeyRing | None = None,
        freshness: FreshnessStore | None = None,
        start_s: float = 0.0,
    ) -> None:
        self.vehicle = vehicle
        self.inbox = Inbox(bus, EcuMrm, EcuAssist)
        self._publisher = publisher
        self._receiver = Receiver(keys=keys, freshness=freshness, start_s=start_s)
        health = self._receiver.health
        self._mrm, self._assist_stream = health.supervisor(_MRM), health.supervisor(_ASSIST)
        self._schedule = PeriodicSchedule()
        self._command = MrmCommand()
        self._assist = NO_ASSIST
        self._last_t: float | None = None
        self.status: VehicleStatus | None = None
        #: whether the ECU's commands are missing or invalid right now
        self.commands_lost = False
        #: whether the vehicle is finishing a minimal-risk manoeuvre on its own
        self.stopping_alone = False

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
        self._take_commands(t_s, controls)
        dt_s = t_s - self._last_t if self._last_t is not None else 0.0
        self._last_t = t_s
        self.status = self.vehicle.step(dt_s, controls, self._command, self._assist)
        self._publisher.send(self.status.message(), t_s)
        if self._schedule.due(VehEnv, t_s):
            self._publisher.send(self.status.env_message(), t_s)
        return self.status

    def _take_commands(self, t_s: float, controls: DriverControls) -> None:
        for frame in self.inbox.drain():
            reception = self._receiver.receive_can(frame, t_s)
            message = reception.message
            if isinstance(message, EcuMrm) and self._mrm.valid(t_s):
                command = MrmCommand.from_message(message)
                if command.active or not self.stopping_alone:
                    self._command = command
                    self.stopping_alone = False
            elif isinstance(message, EcuAssist) and self._assist_stream.valid(t_s):
                self._assist = AssistCommand.from_message(message)
        if not self._assist_stream.available(t_s):
            self._assist = NO_ASSIST  # no trusted commands: no autonomous braking or steering
        self.commands_lost = not self._mrm.available(t_s)
        if self.commands_lost and self._command.active:
            self.stopping_alone = True
        if self.stopping_alone:
            if controls.accelerator or controls.brake or controls.button:
                self.stopping_alone = False  # the driver has taken over
                self._command = MrmCommand()
            else:
                self._command = _stop_alone(self._command)


def _stop_alone(command: MrmCommand) -> MrmCommand:
    """The manoeuvre the vehicle finishes without the ECU: stop in the current lane."""
    if command.state is MrmState.STANDSTILL:
        return replace(command, hazard_request=True)
    return replace(
        command,
        state=MrmState.DECELERATING,
        target_decel_mps2=max(command.target_decel_mps2, LOST_COMMAND_DECEL_MPS2),
        hazard_request=True,
    )
