"""The synthetic driver at the wheel: what the scripted face means for the car.

While the eyes are off the road (a glance to a distracting zone, the phone, eyes shut in
a microsleep or asleep) the driver's steering lets the car drift at the driver's
``drift_mps``. Once the eyes are back, the driver steers back to the lane centre after a
reaction time. A hazard ahead (the test target, within :data:`NOTICE_TTC_S`) is braked
for a reaction time after the driver sees it. A driver whose eyes are away hears the
forward collision or lane departure warning instead, looks up (:data:`LOOK_UP_S`) and
then reacts; once braked for a moving car, the driver keeps to its speed. An asleep
driver does neither. The look-up is the driver's hands and feet only: the face the camera
sees keeps to the script. What the driver does with the pedals for the scripted speed,
hands off and takeovers is :class:`~dms.scenario.controls.DriverTimeline`'s.
"""

from __future__ import annotations

import math

import numpy as np

from dms.bus.enums import GazeZone, TargetKind
from dms.driver_state.cabin import DISTRACTING
from dms.scenario.behaviour import GroundTruth
from dms.scenario.controls import DriverTimeline
from dms.scenario.model import BehaviourKind, Scenario, any_covers
from dms.vehicle.model import DriverControls, VehicleStatus
from dms.vehicle.road import ttc_s

__all__ = ["BRAKE_DECEL_MPS2", "LOOK_UP_S", "NOTICE_TTC_S", "DriverModel"]

#: A driver watching the road brakes for a car ahead once the time to collision is this
#: short (drivers' last comfortable braking onset, about 3-4 s in test-track studies).
NOTICE_TTC_S = 3.5
#: A distracted driver's eyes return this long after a forward collision warning sounds.
LOOK_UP_S = 0.5
#: A driver's emergency braking: about 0.6 g (hard braking by ordinary drivers).
BRAKE_DECEL_MPS2 = 6.0
#: The driver steers a drifted car back over about this long (proportional steering).
RECENTRE_S = 1.5
MAX_CORRECTION_MPS = 0.5
#: A driver leaves offsets this small alone (the car's natural weave in the lane).
WEAVE_M = 0.2

_AWAY_ZONES = np.array(sorted(int(zone) for zone in DISTRACTING | {GazeZone.OFF_CAMERA}))


class DriverModel:
    """The driver's controls by time, from the scripted face, the car and its warnings.

    The runner tells it what the car did (:meth:`saw`) and whether the forward collision
    warning sounds (:meth:`heard`); :meth:`controls` is asked at every vehicle step."""

    def __init__(self, scenario: Scenario, truth: GroundTruth) -> None:
        self._timeline = DriverTimeline(scenario)
        self._profile = scenario.driver
        self._fps = scenario.fps
        away = np.isin(truth.zone, _AWAY_ZONES)
        for b in scenario.behaviours(BehaviourKind.MICROSLEEP, BehaviourKind.SLEEP):
            first, last = int(b.at_s * self._fps), math.ceil(b.end_s * self._fps)
            away[first : last + 1] = True
        self._away = away
        self._asleep = scenario.behaviours(BehaviourKind.SLEEP)
        self._rig = scenario.behaviours(BehaviourKind.DRIFT)
        self._status: VehicleStatus | None = None
        self._fcw = False
        self._warned_at: float | None = None  # a warning sounding since then
        self._watching_since = -math.inf  # watching the road from the start
        self._noticed_at: float | None = None  # when the driver knew of the hazard
        self._braking = False
        self._following = False  # has braked for a moving target: keeps to its speed

    def saw(self, status: VehicleStatus) -> None:
        self._status = status

    def heard(self, t_s: float, *, fcw: bool, ldw: bool) -> None:
        """The car's warnings sounding now (a driver who is not asleep looks up)."""
        self._fcw = fcw
        if not (fcw or ldw):
            self._warned_at = None
        elif self._warned_at is None:
            self._warned_at = t_s

    def watching(self, t_s: float) -> bool:
        i = min(int(t_s * self._fps + 1e-6), len(self._away) - 1)
        return not bool(self._away[i])

    def controls(self, t_s: float) -> DriverControls:
        status = self._status
        if status is None:
            return self._timeline.controls(t_s)
        asleep = any_covers(self._asleep, t_s)
        warned = self._warned_at is not None and t_s >= self._warned_at + LOOK_UP_S
        watching = self.watching(t_s) or (warned and not asleep)
        if not watching:
            self._watching_since = math.inf
        elif self._watching_since == math.inf:
            self._watching_since = t_s
        brake = self._brake(t_s, status, watching, asleep)
        wanted = self._timeline.speed_mps(t_s)
        if self._following and status.target is not TargetKind.NONE:
            wanted = min(wanted, max(status.speed_mps - status.target_closing_mps, 0.0))
        return self._timeline.controls(
            t_s,
            target_speed_mps=wanted,
            brake_decel_mps2=brake,
            drift_mps=self._steering(t_s, status, watching),
        )

    def _steering(self, t_s: float, status: VehicleStatus, watching: bool) -> float:
        """Drift while away and for a reaction time after; then steer back to the centre
        (the lane's natural weave is left alone). A test rig's drift overrides both."""
        for rig in self._rig:
            if rig.covers(t_s):
                return rig.lateral_mps
        if not watching or t_s - self._watching_since < self._profile.reaction_s:
            return self._profile.drift_mps
        offset = status.lane_offset_m
        if abs(offset) <= WEAVE_M:
            return 0.0
        wanted = -offset / RECENTRE_S
        return max(-MAX_CORRECTION_MPS, min(MAX_CORRECTION_MPS, wanted))

    def _brake(self, t_s: float, status: VehicleStatus, watching: bool, asleep: bool) -> float:
        ahead = status.target is not TargetKind.NONE and status.collision is None
        closing = ahead and status.target_closing_mps > 0.0
        if self._braking:
            self._braking = closing and status.speed_mps > 0.0
            return BRAKE_DECEL_MPS2 if self._braking else 0.0
        if not closing or asleep:
            self._noticed_at = None
            return 0.0
        if self._noticed_at is None:
            seen = watching and ttc_s(status.target_range_m, status.target_closing_mps) <= (
                NOTICE_TTC_S
            )
            if seen:
                self._noticed_at = t_s
            elif self._fcw:
                self._noticed_at = t_s + (0.0 if watching else LOOK_UP_S)
        if self._noticed_at is not None and t_s >= self._noticed_at + self._profile.reaction_s:
            self._braking = self._following = True
            return BRAKE_DECEL_MPS2
        return 0.0
