"""Watching the driver by the steering wheel when the camera cannot: a pure escalation.

A DMS that cannot see the driver (its stream is broken, the face is out of view, dark
lenses hide the eyes) must say so (Euro NCAP 2026: "inform of non-functional system within
10 s") and the car falls back to what cars without a driver camera do: hands-on-wheel
monitoring (UN R79). With the hands off as well, the warnings escalate; an urgent one left
unanswered makes the driver unresponsive (the policy's job, see :mod:`dms.vehicle.policy`).

How fast it escalates depends on what is still known. Behind dark lenses the head is still
tracked and with a broken stream nothing is known about the driver: UN R79's hands-off
timing. A driver out of view with the hands off shows no sign of driving at all: the
timing of a driver whose eyes are off the road (Euro NCAP: 3 s a long distraction, 6 s an
unresponsive driver).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from dms.bus import VehState
from dms.bus.enums import AlertKind, AlertLevel, DriverInput
from dms.units import KPH

__all__ = ["FALLBACK_CAUSES", "Fallback", "FallbackAlert", "FallbackSettings"]


#: Why the camera cannot watch the driver; each is also the notice the cluster shows.
FALLBACK_CAUSES = frozenset(
    {AlertKind.DMS_UNAVAILABLE, AlertKind.DRIVER_NOT_VISIBLE, AlertKind.EYES_NOT_VISIBLE}
)


@dataclass(frozen=True, slots=True)
class FallbackSettings:
    # Euro NCAP 2026: the driver is told within 10 s that the DMS cannot see them. The
    # module already waits 0.5 s (face) or 1 s (eyes) before it says so; a few seconds
    # more spare the driver a notice for every look over the shoulder.
    notice_after_s: float = 5.0
    # UN R79 hands-off warnings: optical from the start (the notice), acoustic by 15 s,
    # and we escalate to urgent (haptic) by 30 s.
    hands_off_chime_s: float = 15.0
    hands_off_urgent_s: float = 30.0
    # Out of view with the hands off: as a driver looking away (Euro NCAP: 3 s, 6 s).
    unseen_chime_s: float = 3.0
    unseen_urgent_s: float = 6.0
    # Hands-off warnings only while driving (R79 applies above 10 km/h; we use the ADDW
    # gate of the driver warnings).
    min_speed_mps: float = 20.0 * KPH


class FallbackAlert(NamedTuple):
    level: AlertLevel
    kind: AlertKind
    hands_on: bool  # the wheel shows the driver (an urgent warning is answered)


_NONE = FallbackAlert(AlertLevel.NONE, AlertKind.NONE, True)


class Fallback:
    """``update(cause, vehicle, t_s) -> FallbackAlert``; ``cause`` is one of
    :data:`FALLBACK_CAUSES`, or ``AlertKind.NONE`` while the camera watches the driver."""

    def __init__(self, settings: FallbackSettings | None = None) -> None:
        self.settings = settings or FallbackSettings()
        self._cause = AlertKind.NONE
        self._since = 0.0
        self._hands_off_since: float | None = None
        self.active = False  # a cause stands: the wheel stands in for the camera

    def update(self, cause: AlertKind, vehicle: VehState | None, t_s: float) -> FallbackAlert:
        s = self.settings
        self.active = cause is not AlertKind.NONE
        if not self.active:
            self._cause = AlertKind.NONE
            self._hands_off_since = None
            return _NONE
        if cause is not self._cause:
            self._cause, self._since = cause, t_s
        hands_on = vehicle is not None and DriverInput.STEERING in vehicle.driver_input
        moving = vehicle is not None and vehicle.speed_mps >= s.min_speed_mps
        # A broken stream is told at once (the car's own fault to report); the module's
        # "cannot see you" after the notice delay. The wheel is watched from the notice on.
        told = cause is AlertKind.DMS_UNAVAILABLE or t_s - self._since >= s.notice_after_s - 1e-6
        if hands_on or not moving or not told:
            self._hands_off_since = None
        elif self._hands_off_since is None:
            self._hands_off_since = t_s
        off_s = t_s - self._hands_off_since if self._hands_off_since is not None else 0.0
        unseen = cause is AlertKind.DRIVER_NOT_VISIBLE
        chime_s = s.unseen_chime_s if unseen else s.hands_off_chime_s
        urgent_s = s.unseen_urgent_s if unseen else s.hands_off_urgent_s
        if self._hands_off_since is not None and off_s >= urgent_s:
            return FallbackAlert(AlertLevel.URGENT, AlertKind.HANDS_OFF, hands_on)
        if self._hands_off_since is not None and off_s >= chime_s:
            return FallbackAlert(AlertLevel.CHIME, AlertKind.HANDS_OFF, hands_on)
        if told:
            return FallbackAlert(AlertLevel.VISUAL, cause, hands_on)
        return FallbackAlert(AlertLevel.NONE, AlertKind.NONE, hands_on)
