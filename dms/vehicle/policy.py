"""The ECU's response policy: the driver's state in, warnings, ADAS settings and a
minimal-risk manoeuvre out. Pure: ``update(inputs) -> outputs``, no bus, no clock.

Escalation follows Euro NCAP's driver-state protocol and openpilot's monitoring policy:
level 1 visual -> level 2 visual and chime -> level 3 urgent (haptic, ADAS at maximum
sensitivity) -> a minimal-risk manoeuvre (MRM) within a second of an unresponsive driver,
whatever the reason: hazard lights, the lane by the hard shoulder where there is one, a
controlled stop in lane, then an eCall.
A DMS that stops talking (or talks nonsense) is "DMS unavailable": a telltale, no driver
warnings from stale data. That, and a module that says it cannot see the driver or the
eyes, brings in the fallback cars without a driver camera use: hands-on-wheel monitoring
(see :mod:`dms.vehicle.fallback`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dms.bus import DmsDistraction, DmsDrowsiness, DmsStatus, EcuAdas, EcuHmi, VehState
from dms.bus.enums import (
    AlertKind,
    AlertLevel,
    Chime,
    DmsState,
    DriverInput,
    Fallback,
    MrmState,
    Sensitivity,
    UnresponsiveReason,
)
from dms.driver_state.cabin import Cabin
from dms.errors import ConfigError
from dms.events import Event, EventKind
from dms.units import KPH
from dms.vehicle.assist import AssistSettings
from dms.vehicle.fallback import FALLBACK_CAUSES, FallbackSettings
from dms.vehicle.fallback import Fallback as HandsOnWheel
from dms.vehicle.model import NO_ASSIST, STANDSTILL_MPS, AssistCommand, MrmCommand

__all__ = ["EcuInputs", "EcuOutputs", "EcuPolicy", "EcuSettings"]


@dataclass(frozen=True, slots=True)
class EcuSettings:
    # Distraction and drowsiness warnings only above 20 km/h (Reg. (EU) 2023/2590 ADDW
    # operates from 20 km/h); nothing at standstill.
    min_warning_speed_mps: float = 20.0 * KPH
    # A distraction warning escalates while the driver keeps looking away (Euro NCAP
    # expects escalation; openpilot steps from "pre-alert" to "alert" within seconds).
    escalate_level2_after_s: float = 1.5
    escalate_level3_after_s: float = 2.5
    # A distraction or phone-use warning chimes once from its first level: EU ADDW
    # (Reg. (EU) 2023/2590) asks for a visual plus acoustic warning, by 4 s of a
    # distraction at >= 50 km/h, sooner than level 2 comes.
    distraction_chime_at_level1: bool = True
    # Warnings clear only after sustained attention: >= 2 s eyes on the road (Euro NCAP).
    clear_on_road_s: float = 2.0
    # The ADAS is made more sensitive, without a warning, once the eyes have been off the
    # road this long wherever they are, a mirror or the cluster included (a driving task:
    # no warning is due, but Euro NCAP 2026 scores forward and lane support for it). 2 s
    # is the AttenD buffer's span: beyond it the driver has lost the road ahead (Kircher
    # & Ahlström 2009). An empty AttenD buffer (glances that add up) raises it too.
    raise_off_road_s: float = 2.0
    # Drowsiness: DDAW (Reg. (EU) 2021/1341) may warn at KSS 7 and must at KSS >= 8.
    drowsy_advisory_level: int = 7
    drowsy_warning_level: int = 8
    drowsy_alert_min_s: float = 5.0  # a drowsiness alert stays up at least this long
    # MRM: starts within 1 s of the DMS's unresponsive classification, whatever its reason
    # (Euro NCAP); the classification must hold this long first, so one bad message cannot
    # stop a car. The same for every reason.
    unresponsive_confirm_s: float = 0.5
    # The car's own classification, when the camera cannot see the driver: an urgent
    # hands-off warning unanswered this long is an unresponsive driver (Euro NCAP: no
    # response within 3 s of a warning). Where the camera sees, the DMS classifies (a
    # driver glued to a phone despite an urgent warning is distracted, not unresponsive,
    # until the gaze has been away 6 s).
    ignored_urgent_warning_s: float = 3.0
    # Deceleration to a stop in lane: 2-3 m/s², within UN R79's risk-mitigation limits;
    # gentler while moving to the rightmost lane.
    mrm_decel_mps2: float = 2.5
    mrm_lane_change_decel_mps2: float = 1.0
    mrm_decel_limit_mps2: float = 3.0
    ecall_after_standstill_s: float = 2.0
    # A clear takeover: steering plus a pedal or the button, held this long, before standstill.
    takeover_confirm_s: float = 0.5
    cancelled_shown_s: float = 2.0
    # Repeated level-3 alerts lock out assisted driving until the next ignition cycle
    # (Euro NCAP driver engagement; openpilot locks out after repeated terminal alerts).
    lockout_after_level3: int = 3
    # When the camera cannot watch the driver: hands-on-wheel monitoring.
    fallback: FallbackSettings = field(default_factory=FallbackSettings)
    # Forward collision warning, AEB and lane keeping, their sensitivity set by the above.
    assist: AssistSettings = field(default_factory=AssistSettings)


@dataclass(frozen=True, slots=True)
class EcuInputs:
    """The latest of each message the ECU listens to, and whether the DMS stream is sound."""

    t_s: float
    dms_ok: bool  # every DMS message E2E-valid and within its deadline
    distraction: DmsDistraction | None = None
    drowsiness: DmsDrowsiness | None = None
    status: DmsStatus | None = None
    #: the last valid vehicle state; when ``vehicle_ok`` is false it is held as a
    #: substitute (the car is assumed to keep its last speed, so warnings go on)
    vehicle: VehState | None = None
    vehicle_ok: bool = True


@dataclass(frozen=True, slots=True)
class EcuOutputs:
    hmi: EcuHmi
    adas: EcuAdas
    mrm: MrmCommand
    events: tuple[Event, ...] = ()
    assist: AssistCommand = NO_ASSIST  # set by the ECU node's assistance (dms.vehicle.assist)


_TAKEOVER_PEDALS = DriverInput.ACCELERATOR | DriverInput.BRAKE | DriverInput.BUTTON
#: At equal level, which alert the cluster shows: the driver's state before a notice that
#: the camera cannot see (a head-based distraction warning behind dark lenses still shows).
_PRIORITY = {
    AlertKind.NONE: 0,
    AlertKind.DMS_UNAVAILABLE: 1,
    AlertKind.EYES_NOT_VISIBLE: 1,
    AlertKind.DRIVER_NOT_VISIBLE: 1,
    AlertKind.DROWSINESS_ADVISORY: 2,
    AlertKind.DISTRACTION: 3,
    AlertKind.PHONE_USE: 4,
    AlertKind.HANDS_OFF: 5,
    AlertKind.DROWSINESS: 6,
    AlertKind.UNRESPONSIVE: 7,
}
if set(_PRIORITY) != set(AlertKind):
    raise ConfigError("every alert kind needs its priority in dms.vehicle.policy._PRIORITY")
#: What the module's state says the camera cannot see.
_UNSEEN = {
    DmsState.DRIVER_NOT_VISIBLE: AlertKind.DRIVER_NOT_VISIBLE,
    DmsState.EYES_NOT_VISIBLE: AlertKind.EYES_NOT_VISIBLE,
}


#: Every (level, kind) an alert can be, and how it ranks: highest level first, then
#: _PRIORITY. A table rather than a key function: the ECU compares alerts every cycle.
_RANK = {
    (level, kind): (int(level), priority)
    for level in AlertLevel
    for kind, priority in _PRIORITY.items()
}
_rank = _RANK.__getitem__


_CHIMES = {
    AlertLevel.NONE: Chime.NONE,
    AlertLevel.VISUAL: Chime.NONE,
    AlertLevel.CHIME: Chime.REPEATED,
    AlertLevel.URGENT: Chime.CONTINUOUS,
}


_DISTRACTION_ALERTS = frozenset({AlertKind.DISTRACTION, AlertKind.PHONE_USE})


class EcuPolicy:
    """Pure policy: ``update(inputs) -> EcuOutputs``; time comes from ``inputs.t_s``."""

    def __init__(self, settings: EcuSettings | None = None, cabin: Cabin | None = None) -> None:
        self.settings = s = settings or EcuSettings()
        self.cabin = cabin or Cabin()
        self._distracted_since: float | None = None
        self._unanswered_since: float | None = None  # an urgent warning stands unanswered
        self._no_response = False  # the car's own unresponsive classification
        self._fallback = HandsOnWheel(s.fallback)
        self._on_road_since: float | None = None
        self._drowsy_since: float | None = None
        self._drowsy_alert = (AlertLevel.NONE, AlertKind.NONE)
        self._unresponsive_since: float | None = None
        self._mrm = MrmState.INACTIVE
        self._mrm_changed_at = 0.0
        self._standstill_since: float | None = None
        self._takeover_since: float | None = None
        self._ecall = False
        self._level3_count = 0
        self._lockout = False
        self._ignition = True
        self._last_alert = (AlertLevel.NONE, AlertKind.NONE)
        self._last_sensitivity = Sensitivity.NORMAL
        self._dms_ok = True
        self._vehicle_ok = True
        self._hazards = False
        self._eyes_off = False  # off the road for raise_off_road_s, moving
        self._display_cache: dict[tuple[object, ...], tuple[EcuHmi, EcuAdas]] = {}

    # -- the policy --------------------------------------------------------------------

    def update(self, inputs: EcuInputs) -> EcuOutputs:
        t = inputs.t_s
        events: list[Event] = []
        vehicle = inputs.vehicle
        speed = vehicle.speed_mps if vehicle is not None else 0.0
        events += self._ignition_step(vehicle)
        dms_ok = inputs.dms_ok and not (
            inputs.status is not None and inputs.status.state is DmsState.SENSOR_FAULT
        )
        if dms_ok != self._dms_ok:
            self._dms_ok = dms_ok
            events.append(
                Event(t, EventKind.DMS_AVAILABLE if dms_ok else EventKind.DMS_UNAVAILABLE)
            )

        if inputs.vehicle_ok != self._vehicle_ok:
            self._vehicle_ok = inputs.vehicle_ok
            kinds = (EventKind.VEHICLE_UNAVAILABLE, EventKind.VEHICLE_AVAILABLE)
            events.append(Event(t, kinds[inputs.vehicle_ok]))

        distraction = inputs.distraction
        self._eyes_off = (
            dms_ok
            and distraction is not None
            and (
                (
                    not distraction.eyes_on_road
                    and distraction.eyes_off_road_s >= self.settings.raise_off_road_s
                )
                or distraction.attend_buffer_s <= 0.0  # glances add up: AttenD is empty
            )
            and speed >= self.settings.min_warning_speed_mps
        )
        if dms_ok:
            alert = self._driver_alert(inputs, speed, t)
            status = inputs.status
            cause = _UNSEEN.get(status.state, AlertKind.NONE) if status else AlertKind.NONE
        else:
            self._forget_driver_state()
            alert, cause = (AlertLevel.NONE, AlertKind.NONE), AlertKind.DMS_UNAVAILABLE
        hands_on = True
        if cause is not AlertKind.NONE or self._fallback.active:
            fallback = self._fallback.update(cause, vehicle, t)
            alert = max(alert, (fallback.level, fallback.kind), key=_rank)
            hands_on = fallback.hands_on
        events += self._mrm_step(inputs, vehicle, t)
        if self._mrm in (MrmState.LANE_CHANGE, MrmState.DECELERATING, MrmState.STANDSTILL):
            alert = (AlertLevel.URGENT, AlertKind.UNRESPONSIVE)
        if alert[0] is AlertLevel.URGENT or self._unanswered_since is not None:
            events += self._answered_step(alert, hands_on, t)
        events += self._alert_events(alert, t)
        hmi, adas = self._displays(alert, dms_ok)
        if adas.fcw_sensitivity is not self._last_sensitivity:
            self._last_sensitivity = adas.fcw_sensitivity
            events.append(Event(t, EventKind.ADAS_SENSITIVITY, level=int(adas.fcw_sensitivity)))
        if vehicle is not None and vehicle.hazard_lights and not self._hazards:
            events.append(Event(t, EventKind.HAZARDS_ON))
        self._hazards = vehicle is not None and vehicle.hazard_lights
        return EcuOutputs(hmi, adas, self._command(vehicle), tuple(events))

    def _driver_alert(
        self, inputs: EcuInputs, speed: float, t: float
    ) -> tuple[AlertLevel, AlertKind]:
        s = self.settings
        moving = speed >= s.min_warning_speed_mps
        candidates = [(AlertLevel.NONE, AlertKind.NONE)]
        distraction, drowsiness = inputs.distraction, inputs.drowsiness
        if distraction is not None:
            candidates.append(self._distraction_alert(distraction, moving, t))
        if drowsiness is not None:
            candidates.append(self._drowsiness_alert(drowsiness, moving, t))
        if self._unresponsive_now(inputs) and speed >= STANDSTILL_MPS:
            candidates.append((AlertLevel.URGENT, AlertKind.UNRESPONSIVE))
        return max(candidates, key=_rank)

    def _distraction_alert(
        self, d: DmsDistraction, moving: bool, t: float
    ) -> tuple[AlertLevel, AlertKind]:
        s = self.settings
        if d.eyes_on_road:
            self._on_road_since = self._on_road_since if self._on_road_since is not None else t
        else:
            self._on_road_since = None
        flagged = d.long_distraction or d.vats or d.phone_use or d.distraction_level >= 3
        if flagged and moving and self._distracted_since is None:
            self._distracted_since = t
        if self._distracted_since is not None:
            recovered = (
                self._on_road_since is not None and t - self._on_road_since >= s.clear_on_road_s
            )
            if recovered or not moving:
                self._distracted_since = None
        if self._distracted_since is None:
            return AlertLevel.NONE, AlertKind.NONE
        kind = AlertKind.PHONE_USE if d.phone_use else AlertKind.DISTRACTION
        if d.eyes_on_road:  # looking back: hold the level reached, do not escalate further
            return self._last_alert if self._last_alert[1] is kind else (AlertLevel.VISUAL, kind)
        held = t - self._distracted_since
        if held >= s.escalate_level3_after_s:
            return AlertLevel.URGENT, kind
        if held >= s.escalate_level2_after_s:
            return AlertLevel.CHIME, kind
        return AlertLevel.VISUAL, kind

    def _drowsiness_alert(
        self, d: DmsDrowsiness, moving: bool, t: float
    ) -> tuple[AlertLevel, AlertKind]:
        s = self.settings
        if d.sleep:
            now = (AlertLevel.URGENT, AlertKind.DROWSINESS)
        elif d.microsleep or d.drowsiness_level >= s.drowsy_warning_level:
            now = (AlertLevel.CHIME, AlertKind.DROWSINESS)
        elif d.drowsiness_level >= s.drowsy_advisory_level:
            now = (AlertLevel.VISUAL, AlertKind.DROWSINESS_ADVISORY)
        else:
            now = (AlertLevel.NONE, AlertKind.NONE)
        if not moving:
            now = (AlertLevel.NONE, AlertKind.NONE)
        if now[0] >= self._drowsy_alert[0]:
            self._drowsy_alert = now
            self._drowsy_since = t
        elif self._drowsy_since is None or t - self._drowsy_since >= s.drowsy_alert_min_s:
            self._drowsy_alert = now  # lower only after the alert has stood its minimum
            self._drowsy_since = t
        return self._drowsy_alert

    def _unresponsive_now(self, inputs: EcuInputs) -> bool:
        """The DMS classifies the driver unresponsive (eyes closed, gaze away, head down:
        whatever the reason), or the car does (an urgent warning unanswered)."""
        drowsiness = inputs.drowsiness
        dms_says = self._dms_ok and drowsiness is not None and drowsiness.unresponsive
        return dms_says or self._no_response

    def _answered_step(
        self,
        alert: tuple[AlertLevel, AlertKind],
        hands_on: bool,
        t: float,
    ) -> list[Event]:
        """Follow whether an urgent hands-off warning is answered by the hands."""
        level, kind = alert
        if level is not AlertLevel.URGENT:
            unanswered = False
        elif kind is AlertKind.HANDS_OFF:
            unanswered = not hands_on
        else:  # the car's own urgent alert of an unresponsive driver: until taken over
            unanswered = self._no_response
        if not unanswered:
            self._unanswered_since = None
            self._no_response = False
            return []
        if self._unanswered_since is None:
            self._unanswered_since = t
        held = t - self._unanswered_since
        if held >= self.settings.ignored_urgent_warning_s - 1e-6 and not self._no_response:
            self._no_response = True
            reason = UnresponsiveReason.NO_RESPONSE.name.lower()
            return [Event(t, EventKind.UNRESPONSIVE, duration_s=held, reason=reason)]
        return []

    def _forget_driver_state(self) -> None:
        """Stale DMS data must not raise or hold driver warnings."""
        self._distracted_since = None
        self._on_road_since = None
        self._drowsy_alert = (AlertLevel.NONE, AlertKind.NONE)
        self._drowsy_since = None
        self._unresponsive_since = None

    # -- the minimal-risk manoeuvre ------------------------------------------------------

    def _mrm_step(self, inputs: EcuInputs, vehicle: VehState | None, t: float) -> list[Event]:
        s = self.settings
        events: list[Event] = []
        unresponsive = self._unresponsive_now(inputs)
        moving = vehicle is not None and vehicle.speed_mps >= STANDSTILL_MPS
        if unresponsive and moving:
            self._unresponsive_since = (
                self._unresponsive_since if self._unresponsive_since is not None else t
            )
        else:
            self._unresponsive_since = None

        state = self._mrm
        if state in (MrmState.INACTIVE, MrmState.CANCELLED):
            if state is MrmState.CANCELLED and t - self._mrm_changed_at >= s.cancelled_shown_s:
                self._set_mrm(MrmState.INACTIVE, t)
            if (
                self._unresponsive_since is not None
                and t - self._unresponsive_since >= s.unresponsive_confirm_s
            ):
                first = (
                    MrmState.LANE_CHANGE
                    if vehicle is not None and vehicle.lane_index != self._slow_lane(vehicle)
                    else MrmState.DECELERATING
                )
                self._set_mrm(first, t)
                self._ecall = False
                self._standstill_since = None
                events.append(Event(t, EventKind.MRM_STARTED, reason=first.name.lower()))
            return events

        if state is not MrmState.STANDSTILL and self._takeover(vehicle, t):
            self._set_mrm(MrmState.CANCELLED, t)
            return [Event(t, EventKind.MRM_CANCELLED)]
        if (
            state is MrmState.LANE_CHANGE
            and vehicle is not None
            and vehicle.lane_index == self._slow_lane(vehicle)
        ):
            self._set_mrm(MrmState.DECELERATING, t)
        if (
            vehicle is not None
            and vehicle.speed_mps < STANDSTILL_MPS
            and state is not MrmState.STANDSTILL
        ):
            self._set_mrm(MrmState.STANDSTILL, t)
            self._standstill_since = t
            events.append(Event(t, EventKind.STANDSTILL))
        if (
            self._mrm is MrmState.STANDSTILL
            and not self._ecall
            and self._standstill_since is not None
            and t - self._standstill_since >= s.ecall_after_standstill_s
        ):
            self._ecall = True
            events.append(Event(t, EventKind.ECALL))
        return events

    def _slow_lane(self, vehicle: VehState | None) -> int:
        """Where an MRM stops: the lane by the hard shoulder, on the side traffic keeps to
        (the right for a left-hand-drive car, the left for a right-hand-drive one)."""
        if self.cabin.drive_side == "left" or vehicle is None:
            return 0
        return max(0, vehicle.lane_count - 1)

    def _takeover(self, vehicle: VehState | None, t: float) -> bool:
        s = self.settings
        inputs = vehicle.driver_input if vehicle is not None else DriverInput.NONE
        clear = DriverInput.STEERING in inputs and bool(inputs & _TAKEOVER_PEDALS)
        if not clear:
            self._takeover_since = None
            return False
        self._takeover_since = self._takeover_since if self._takeover_since is not None else t
        return t - self._takeover_since >= s.takeover_confirm_s

    def _set_mrm(self, state: MrmState, t: float) -> None:
        self._mrm = state
        self._mrm_changed_at = t

    def _command(self, vehicle: VehState | None) -> MrmCommand:
        s = self.settings
        state = self._mrm
        if state is MrmState.LANE_CHANGE:
            decel = s.mrm_lane_change_decel_mps2
        elif state in (MrmState.DECELERATING, MrmState.STANDSTILL):
            decel = s.mrm_decel_mps2
        else:
            decel = 0.0
        active = state in (MrmState.LANE_CHANGE, MrmState.DECELERATING, MrmState.STANDSTILL)
        return MrmCommand(
            state=state,
            target_decel_mps2=min(decel, s.mrm_decel_limit_mps2),
            target_lane=self._slow_lane(vehicle) if active else 0,
            hazard_request=active,
            ecall=self._ecall,
        )

    # -- displays, counts and events -----------------------------------------------------

    def _ignition_step(self, vehicle: VehState | None) -> list[Event]:
        if vehicle is None:
            return []
        if vehicle.ignition_on and not self._ignition:  # a new ignition cycle
            self._level3_count = 0
            self._lockout = False
        self._ignition = vehicle.ignition_on
        return []

    def _alert_events(self, alert: tuple[AlertLevel, AlertKind], t: float) -> list[Event]:
        if alert == self._last_alert:
            return []
        events: list[Event] = []
        level, kind = alert
        if level is AlertLevel.NONE:
            events.append(Event(t, EventKind.WARNING_CLEARED))
        else:
            chime = self._chime(level, kind)
            events.append(Event(t, EventKind.WARNING, level=int(level), alert=kind, chime=chime))
            if level is AlertLevel.URGENT and self._last_alert[0] is not AlertLevel.URGENT:
                self._level3_count += 1
                if self._level3_count >= self.settings.lockout_after_level3 and not self._lockout:
                    self._lockout = True
                    events.append(Event(t, EventKind.LOCKOUT, level=self._level3_count))
        self._last_alert = alert
        return events

    def _chime(self, level: AlertLevel, kind: AlertKind) -> Chime:
        if (
            level is AlertLevel.VISUAL
            and kind in _DISTRACTION_ALERTS
            and self.settings.distraction_chime_at_level1
        ):
            return Chime.SINGLE
        return _CHIMES[level]

    def _displays(
        self, alert: tuple[AlertLevel, AlertKind], dms_ok: bool
    ) -> tuple[EcuHmi, EcuAdas]:
        """What the cluster and the ADAS are told. They change rarely, and the same inputs
        give the same (frozen) messages, so each combination is built once."""
        key = (
            alert,
            dms_ok,
            self._vehicle_ok,
            self._fallback.active,
            self._mrm,
            self._lockout,
            self._level3_count,
            self._eyes_off,
        )
        displays = self._display_cache.get(key)
        if displays is None:
            displays = self._display_cache[key] = self._build_displays(alert, dms_ok)
        return displays

    def _build_displays(
        self, alert: tuple[AlertLevel, AlertKind], dms_ok: bool
    ) -> tuple[EcuHmi, EcuAdas]:
        level, kind = alert
        mrm = self._mrm in (MrmState.LANE_CHANGE, MrmState.DECELERATING, MrmState.STANDSTILL)
        watched = not self._fallback.active  # the camera sees the driver
        driver_alert = level if kind not in FALLBACK_CAUSES else AlertLevel.NONE
        if driver_alert is AlertLevel.URGENT or mrm:
            sensitivity = Sensitivity.MAXIMUM
        elif driver_alert is not AlertLevel.NONE or not watched or self._eyes_off:
            sensitivity = Sensitivity.HIGH
        else:
            sensitivity = Sensitivity.NORMAL
        hmi = EcuHmi(
            alert_level=level,
            alert_kind=kind,
            chime=self._chime(level, kind),
            haptic=level is AlertLevel.URGENT,
            dms_unavailable=not dms_ok,
            lockout=self._lockout,
            level3_count=min(self._level3_count, 255),
        )
        adas = EcuAdas(
            fcw_sensitivity=sensitivity,
            ldw_sensitivity=sensitivity,
            brake_prefill=driver_alert >= AlertLevel.CHIME or mrm,
            # assisted driving needs the vehicle's own state
            assist_available=not self._lockout and not mrm and self._vehicle_ok,
            fallback=Fallback.NONE if watched else Fallback.HANDS_ON_WHEEL,
        )
        return hmi, adas
