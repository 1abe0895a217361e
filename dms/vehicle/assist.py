"""The ECU's driver assistance: forward collision warning, AEB and lane keeping, whose
sensitivity the driver's state sets. Pure: ``update(inputs) -> outputs``, no bus, no clock.

The car's radar and lane camera (``VEH_Env``) give the time to collision (TTC) with the
target ahead and the time to line crossing (TLC). Each function acts when its time falls
under the threshold of the sensitivity the ECU derived from the DMS (``ECU_Adas``): an
attentive driver gets late, unobtrusive help; a distracted or drowsy one earlier help.
This is what Euro NCAP 2026 scores as Forward support and Lane support.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dms.bus import VehEnv
from dms.bus.enums import Sensitivity, TargetKind
from dms.events import Event, EventKind
from dms.units import KPH
from dms.vehicle.model import NO_ASSIST, AssistCommand
from dms.vehicle.road import time_to_line_crossing_s, ttc_s

__all__ = ["AssistInputs", "AssistOutputs", "AssistPolicy", "AssistSettings"]


@dataclass(frozen=True, slots=True)
class AssistSettings:
    # Whether the driver's state raises the sensitivity (false: always normal, the
    # baseline a Euro NCAP forward- or lane-support verdict is judged against).
    follow_driver_state: bool = True
    # Forward collision warning by TTC. Normal: NHTSA's NCAP FCW test wants a warning by
    # TTC 2.1 s for a stopped car; earlier for a driver who is not watching.
    fcw_ttc_normal_s: float = 2.1
    fcw_ttc_high_s: float = 2.6
    fcw_ttc_maximum_s: float = 3.0
    # AEB full braking by TTC. Normal: a last-moment intervention that mitigates (braking
    # from 50 km/h at 8 m/s² needs TTC 0.87 s to stop in time), as production systems avoid
    # braking where the driver would still act; high and maximum: in time to avoid.
    aeb_ttc_normal_s: float = 0.6
    aeb_ttc_high_s: float = 1.4
    aeb_ttc_maximum_s: float = 1.8
    aeb_decel_mps2: float = 8.0  # full braking on a dry road
    # Lane departure warning by TLC, at every sensitivity: the driver is told in time to
    # steer (UN R130 LDWS: a warning no later than the line's crossing).
    ldw_tlc_s: float = 0.5
    # Lane keeping by TLC. At normal sensitivity it only warns (an attentive driver
    # steers); whether it also steers there, at lka_tlc_normal_s, is a choice.
    lka_steers_at_normal: bool = False
    lka_tlc_normal_s: float = 0.0
    lka_tlc_high_s: float = 1.0
    lka_tlc_maximum_s: float = 1.5
    lka_return_mps: float = 0.3  # the lateral speed it steers back to the centre at
    lka_release_m: float = 0.3  # it lets go this far inside the line, heading back
    # Lane keeping works from this speed (Euro NCAP's lane-support tests run at 72 km/h).
    lka_min_speed_mps: float = 60.0 * KPH
    # Forward functions work from this speed (Euro NCAP's AEB tests start at 10 km/h).
    forward_min_speed_mps: float = 10.0 * KPH

    def fcw_ttc_s(self, sensitivity: Sensitivity) -> float:
        return _by_sensitivity(
            sensitivity, self.fcw_ttc_normal_s, self.fcw_ttc_high_s, self.fcw_ttc_maximum_s
        )

    def aeb_ttc_s(self, sensitivity: Sensitivity) -> float:
        return _by_sensitivity(
            sensitivity, self.aeb_ttc_normal_s, self.aeb_ttc_high_s, self.aeb_ttc_maximum_s
        )

    def lka_tlc_s(self, sensitivity: Sensitivity) -> float | None:
        """When lane keeping steers (None: at this sensitivity it does not)."""
        if sensitivity is Sensitivity.NORMAL and not self.lka_steers_at_normal:
            return None
        return _by_sensitivity(
            sensitivity, self.lka_tlc_normal_s, self.lka_tlc_high_s, self.lka_tlc_maximum_s
        )


def _by_sensitivity(sensitivity: Sensitivity, normal: float, high: float, top: float) -> float:
    if sensitivity is Sensitivity.MAXIMUM:
        return top
    return high if sensitivity is Sensitivity.HIGH else normal


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistInputs:
    t_s: float
    speed_mps: float
    env: VehEnv | None  # None: the radar and lane camera are silent (no assistance)
    sensitivity: Sensitivity
    indicating: bool = False  # a turn signal on: a lane change is meant (no LDW or LKA)


@dataclass(frozen=True, slots=True, kw_only=True)
class AssistOutputs:
    command: AssistCommand = NO_ASSIST
    events: tuple[Event, ...] = ()


_QUIET = AssistOutputs()  # nothing to do: the same object every time


class AssistPolicy:
    """FCW, AEB and LKA: each starts when its time falls under its threshold and holds
    until the danger is over (AEB until the car stops closing in)."""

    def __init__(self, settings: AssistSettings | None = None) -> None:
        self.settings = settings or AssistSettings()
        self._fcw = False
        self._aeb = False
        self._lka_side = 0  # +1 steering back from the left line, -1 from the right
        self._ldw = False

    def update(self, inputs: AssistInputs) -> AssistOutputs:
        s, env = self.settings, inputs.env
        sensitivity = inputs.sensitivity if s.follow_driver_state else Sensitivity.NORMAL
        events: list[Event] = []
        if env is None or env.collision:
            self._fcw = self._aeb = self._ldw = False
            self._lka_side = 0
            return _QUIET
        t = inputs.t_s
        ahead = env.target is not TargetKind.NONE and env.target_overlap_pct > 0
        ttc = ttc_s(env.target_range_m, env.target_closing_mps) if ahead else math.inf
        forward = inputs.speed_mps >= s.forward_min_speed_mps or self._aeb
        fcw = forward and ttc <= s.fcw_ttc_s(sensitivity)
        if fcw and not self._fcw:
            events.append(Event(t, EventKind.FCW, ttc_s=ttc, level=int(sensitivity)))
        self._fcw = fcw
        if self._aeb:
            self._aeb = ahead and env.target_closing_mps > 0.0 and inputs.speed_mps > 0.0
        elif forward and ttc <= s.aeb_ttc_s(sensitivity):
            self._aeb = True
            events.append(Event(t, EventKind.AEB, ttc_s=ttc, level=int(sensitivity)))
        lane = inputs.speed_mps >= s.lka_min_speed_mps and not inputs.indicating
        if not lane:
            self._lka_side = 0
        lateral = self._lane_keeping(env, sensitivity, t, events) if lane else 0.0
        ldw = lane and _tlc(env) <= s.ldw_tlc_s
        if ldw and not self._ldw:
            events.append(Event(t, EventKind.LDW, ttc_s=_tlc(env), level=int(sensitivity)))
        self._ldw = ldw
        if not (fcw or ldw or self._aeb or self._lka_side or lateral):
            return AssistOutputs(events=tuple(events)) if events else _QUIET  # most steps
        command = AssistCommand(
            fcw=fcw,
            ldw=ldw,
            aeb_decel_mps2=s.aeb_decel_mps2 if self._aeb else 0.0,
            lka=self._lka_side != 0,
            lka_lateral_mps=lateral,
        )
        return AssistOutputs(command=command, events=tuple(events))

    def _lane_keeping(
        self, env: VehEnv, sensitivity: Sensitivity, t: float, events: list[Event]
    ) -> float:
        s = self.settings
        if self._lka_side:
            distance = env.line_left_m if self._lka_side > 0 else env.line_right_m
            heading_back = env.lateral_speed_mps * self._lka_side < 0.0
            if heading_back and distance >= s.lka_release_m:
                self._lka_side = 0
            else:
                return -self._lka_side * s.lka_return_mps
        threshold = s.lka_tlc_s(sensitivity)
        if threshold is None:
            return 0.0
        side, tlc = _nearest_crossing(env)
        if side and tlc <= threshold:
            self._lka_side = side
            events.append(Event(t, EventKind.LKA, ttc_s=tlc, level=int(sensitivity)))
            return -side * s.lka_return_mps
        return 0.0


def _nearest_crossing(env: VehEnv) -> tuple[int, float]:
    """The line the car drifts toward (+1 left, -1 right, 0 neither) and the TLC to it."""
    lateral = env.lateral_speed_mps
    if lateral > 0.0:
        return 1, time_to_line_crossing_s(env.line_left_m, lateral)
    if lateral < 0.0:
        return -1, time_to_line_crossing_s(env.line_right_m, -lateral)
    return 0, float("inf")


def _tlc(env: VehEnv) -> float:
    return _nearest_crossing(env)[1]
