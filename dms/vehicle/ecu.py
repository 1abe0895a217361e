"""The ECU on the bus: a thin runner around :class:`EcuPolicy`.

It listens to the DMS messages and the vehicle state, supervises each of them (E2E state
machine and deadline, :mod:`dms.bus.health`), runs the policy and publishes ``ECU_Hmi``,
``ECU_Adas`` and ``ECU_Mrm`` at their periods.
"""

from __future__ import annotations

import math

import can

from dms.bus import (
    DmsDistraction,
    DmsDrowsiness,
    DmsStatus,
    EcuAssist,
    EcuMrm,
    Message,
    Publisher,
    Receiver,
    VehEnv,
    VehState,
)
from dms.bus.enums import TurnSignal
from dms.bus.freshness import FreshnessStore
from dms.bus.inbox import Inbox
from dms.bus.keys import KeyRing
from dms.bus.schedule import PeriodicSchedule
from dms.driver_state.cabin import Cabin
from dms.vehicle.assist import AssistInputs, AssistPolicy
from dms.vehicle.model import NO_ASSIST, AssistCommand
from dms.vehicle.policy import EcuInputs, EcuOutputs, EcuPolicy, EcuSettings

__all__ = ["DMS_WATCHED", "EcuNode"]

#: The DMS messages the ECU relies on; any of them missing or corrupt: DMS unavailable.
_DMS_MESSAGES = (DmsStatus, DmsDistraction, DmsDrowsiness)
DMS_WATCHED = tuple(m.SPEC.name for m in _DMS_MESSAGES)
_DMS_IDS = frozenset(m.SPEC.can_id for m in _DMS_MESSAGES)
_VEHICLE = VehState.SPEC.name
_ENV = VehEnv.SPEC.name


class EcuNode:
    """The vehicle ECU as a bus node."""

    def __init__(
        self,
        bus: can.BusABC,
        publisher: Publisher,
        *,
        keys: KeyRing | None = None,
        freshness: FreshnessStore | None = None,
        settings: EcuSettings | None = None,
        cabin: Cabin | None = None,
        start_s: float = 0.0,
        on_arrival: bool = False,
    ) -> None:
        self.inbox = Inbox(bus, DmsDistraction, DmsDrowsiness, DmsStatus, VehState, VehEnv)
        self._publisher = publisher
        self._receiver = Receiver(keys=keys, freshness=freshness, start_s=start_s)
        self._health = self._receiver.health
        self._dms = self._health.group(DMS_WATCHED)
        self._inputs = self._health.group((*DMS_WATCHED, _VEHICLE, _ENV))
        self._policy = EcuPolicy(settings, cabin)
        self._assist = AssistPolicy(self._policy.settings.assist)
        self._assist_messages: dict[AssistCommand, EcuAssist] = {}
        self._no_assist = NO_ASSIST.message()
        self._latest: dict[type[Message], Message] = {}
        self._schedule = PeriodicSchedule()
        #: run a cycle as soon as a DMS message arrives, not only at the cycle's period
        self.on_arrival = on_arrival
        self._sent: dict[type[Message], Message] = {}
        self._deadline_s = math.inf  # the next input deadline to run a cycle at

    def _listen(self, t_s: float) -> bool:
        """Take in what arrived; whether a DMS message (intact or not) was among it."""
        dms = False
        for frame in self.inbox.drain():
            reception = self._receiver.receive_can(frame, t_s)
            dms = dms or reception.can_id in _DMS_IDS
            if reception.message is not None:
                self._latest[type(reception.message)] = reception.message
        return dms

    def dms_ok(self, t_s: float) -> bool:
        """Every DMS message is E2E-valid (or still starting) and within its deadline."""
        return self._dms.all_available(t_s)

    def next_deadline_s(self, t_s: float) -> float:
        """When a watched input times out if nothing more arrives: a cycle is due then."""
        return self._inputs.next_deadline_s(t_s)

    def step(self, t_s: float) -> EcuOutputs | None:
        """Run a task cycle when one is due at ``t_s`` (else ``None``).

        The ECU cycles at the period of its fastest message, ``ECU_Mrm``; frames that
        arrive between cycles wait in the bus's queue for the next one. With
        ``on_arrival`` (a process of its own, woken by the bus) a DMS message also runs a
        cycle at once, and an output that changed goes out at once (AUTOSAR's mixed
        transmission mode: cyclic, and on change).
        """
        due = self._schedule.due(EcuMrm, t_s)
        if not due and not self.on_arrival:
            return None
        deadline = t_s > self._deadline_s
        if not self._listen(t_s) and not due and not deadline:
            return None
        latest = self._latest
        outputs = self._policy.update(
            EcuInputs(
                t_s=t_s,
                dms_ok=self.dms_ok(t_s),
                distraction=latest.get(DmsDistraction),  # type: ignore[arg-type]
                drowsiness=latest.get(DmsDrowsiness),  # type: ignore[arg-type]
                status=latest.get(DmsStatus),  # type: ignore[arg-type]
                vehicle=latest.get(VehState),  # type: ignore[arg-type]
                vehicle_ok=self._health.available(_VEHICLE, t_s),
            )
        )
        outputs = self._assisted(outputs, t_s)
        self._deadline_s = self.next_deadline_s(t_s)
        mrm = outputs.mrm.message()
        if due or self._changed(mrm):
            self._send(mrm, t_s)
        for message in (outputs.hmi, outputs.adas):
            if self._changed(message) or self._schedule.due(type(message), t_s):
                self._send(message, t_s)
        # Assistance goes out at once when it changes (AEB must not wait for a period).
        assist = self._assist_message(outputs.assist)
        if self._sent.get(EcuAssist) is not assist or self._schedule.due(EcuAssist, t_s):
            self._send(assist, t_s)
        return outputs

    def _assisted(self, outputs: EcuOutputs, t_s: float) -> EcuOutputs:
        """FCW, AEB and lane keeping at the sensitivity the driver's state set."""
        vehicle = self._latest.get(VehState)
        env = self._latest.get(VehEnv) if self._health.available(_ENV, t_s) else None
        assisted = self._assist.update(
            AssistInputs(
                t_s=t_s,
                speed_mps=vehicle.speed_mps if isinstance(vehicle, VehState) else 0.0,
                env=env if isinstance(env, VehEnv) else None,
                sensitivity=outputs.adas.fcw_sensitivity,
                indicating=isinstance(vehicle, VehState)
                and vehicle.turn_signal is not TurnSignal.OFF,
            )
        )
        if assisted.command is NO_ASSIST and not assisted.events:
            return outputs  # (the policy's outputs carry no assistance)
        events = outputs.events + assisted.events if assisted.events else outputs.events
        return EcuOutputs(outputs.hmi, outputs.adas, outputs.mrm, events, assisted.command)

    def _assist_message(self, command: AssistCommand) -> EcuAssist:
        """The same message object for the same command (commands change rarely)."""
        if command is NO_ASSIST:
            return self._no_assist  # (most cycles: no hashing)
        message = self._assist_messages.get(command)
        if message is None:
            message = self._assist_messages[command] = command.message()
        return message

    def _changed(self, message: Message) -> bool:
        return self.on_arrival and self._sent.get(type(message)) != message

    def _send(self, message: Message, t_s: float) -> None:
        self._publisher.send(message, t_s)
        self._sent[type(message)] = message
