"""What the HUD knows: decoded bus messages, nothing else.

:class:`BusView` listens on a bus, decodes every frame with the project's receiver, keeps
the latest of each message, per-message rates, integrity failures and timeouts, and a
60 s history for the timeline strip. :meth:`BusView.snapshot` freezes it into a
:class:`HudState` that the widgets draw. No simulator or sensor object ever reaches here.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from typing import TypeVar

import can

from dms.bus import (
    CATALOG,
    DmsDistraction,
    DmsDrowsiness,
    DmsFaceState,
    DmsStatus,
    EcuAdas,
    EcuAssist,
    EcuHmi,
    EcuMrm,
    FrameStatus,
    Message,
    Receiver,
    VehEnv,
    VehState,
)
from dms.bus.enums import AlertKind, AlertLevel, MrmState
from dms.bus.freshness import FreshnessStore
from dms.bus.inbox import Inbox
from dms.bus.keys import KeyRing

__all__ = ["BusStats", "BusView", "EmergencyTiming", "HistoryPoint", "HudState"]

M = TypeVar("M", bound=Message)

HISTORY_S = 60.0
HISTORY_STEP_S = 0.1
RATE_WINDOW_S = 2.0
_FAILURES = (
    FrameStatus.CRC_ERROR,
    FrameStatus.MAC_FAILURE,
    FrameStatus.REPLAYED,
    FrameStatus.MALFORMED,
    FrameStatus.OUT_OF_RANGE,
    FrameStatus.UNKNOWN_ID,
    FrameStatus.REPEATED,
    FrameStatus.WRONG_SEQUENCE,
    FrameStatus.OVER_BUDGET,
)


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    t_s: float
    eyes_on_road: bool
    eye_open: float  # -1 when the eyes cannot be seen
    alert_level: int


@dataclass(frozen=True, slots=True)
class BusStats:
    rates_hz: tuple[tuple[str, float], ...] = ()  # per message, catalog order
    timed_out: frozenset[str] = frozenset()
    #: messages not to be trusted now: timed out, or E2E-invalid (a superset of timed_out)
    unavailable: frozenset[str] = frozenset()
    failures: tuple[tuple[str, int], ...] = ()  # (status, count) of rejected frames
    keyed: bool = False  # frames are verified (MACs, freshness); else a plain bus
    lost_frames: int = 0  # frames delivered after a gap in the counter


@dataclass(frozen=True, slots=True, kw_only=True)
class EmergencyTiming:
    """The emergency function as the bus tells it: when the urgent "unresponsive" warning
    came on, when the minimal-risk manoeuvre started and when the car stood still."""

    warned_s: float
    mrm_s: float | None = None
    standstill_s: float | None = None

    @property
    def mrm_delay_s(self) -> float | None:
        return self.mrm_s - self.warned_s if self.mrm_s is not None else None


_MRM_ON = (MrmState.LANE_CHANGE, MrmState.DECELERATING, MrmState.STANDSTILL)


class _EmergencyWatch:
    """Follows ``ECU_Hmi`` and ``ECU_Mrm`` into :class:`EmergencyTiming`. A warning that
    ends without a manoeuvre is forgotten; a manoeuvre's timing stays up until the next
    warning starts another."""

    def __init__(self) -> None:
        self.timing: EmergencyTiming | None = None
        self._warning = False
        self._in_mrm = False

    def hmi(self, message: EcuHmi, t_s: float) -> None:
        urgent = (
            message.alert_level is AlertLevel.URGENT
            and message.alert_kind is AlertKind.UNRESPONSIVE
        )
        if urgent and not self._warning and not self._in_mrm:
            self.timing = EmergencyTiming(warned_s=t_s)
        elif not urgent and self.timing is not None and self.timing.mrm_s is None:
            self.timing = None
        self._warning = urgent

    def mrm(self, message: EcuMrm, t_s: float) -> None:
        self._in_mrm = message.state in _MRM_ON
        timing = self.timing
        if timing is None or not self._in_mrm:
            return
        if timing.mrm_s is None:
            self.timing = timing = replace(timing, mrm_s=t_s)
        if message.state is MrmState.STANDSTILL and timing.standstill_s is None:
            self.timing = replace(timing, standstill_s=t_s)


@dataclass(frozen=True, slots=True)
class HudState:
    """Everything one HUD frame shows. ``t_s`` is the HUD's time (the replay's, or the
    process clock on a live bus); ``elapsed_s`` the time since the HUD started listening,
    which it displays."""

    t_s: float
    face: DmsFaceState | None = None
    distraction: DmsDistraction | None = None
    drowsiness: DmsDrowsiness | None = None
    status: DmsStatus | None = None
    vehicle: VehState | None = None
    hmi: EcuHmi | None = None
    adas: EcuAdas | None = None
    mrm: EcuMrm | None = None
    env: VehEnv | None = None  # what the car's radar and lane camera see
    assist: EcuAssist | None = None  # FCW, AEB, LDW and LKA
    emergency: EmergencyTiming | None = None
    bus: BusStats = field(default_factory=BusStats)
    history: tuple[HistoryPoint, ...] = ()
    paused: bool = False
    show_help: bool = False
    source: str = ""  # "replay: showcase.yaml", "live: camera 0", "bus: udp_multicast"
    elapsed_s: float = 0.0

    @property
    def dms_silent(self) -> bool:
        """No DMS message is arriving (whatever the ECU says)."""
        return {"DMS_Status", "DMS_Distraction", "DMS_Drowsiness"} <= self.bus.timed_out

    @property
    def warnings_lost(self) -> bool:
        """The ECU's display commands stopped or cannot be trusted: the cluster must not
        go on showing the last ones (or "No warnings")."""
        return EcuHmi.SPEC.name in self.bus.unavailable


class BusView:
    """A bus listener that keeps what the HUD draws."""

    def __init__(
        self,
        bus: can.BusABC | None,
        *,
        keys: KeyRing | None = None,
        freshness: FreshnessStore | None = None,
        start_s: float = 0.0,
    ) -> None:
        self._inbox = Inbox(bus) if bus is not None else None
        self._keys = keys
        self._freshness = freshness
        self.reset(start_s)

    def reset(self, start_s: float) -> None:
        """Forget everything heard (a replay seeking backwards restarts the drive)."""
        self._receiver = Receiver(keys=self._keys, freshness=self._freshness, start_s=start_s)
        self._start_s = start_s
        self._health = self._receiver.health
        self._latest: dict[type, object] = {}
        self._emergency = _EmergencyWatch()
        self._arrivals: dict[str, deque[float]] = {spec.name: deque() for spec in CATALOG}
        self._history: deque[HistoryPoint] = deque()
        self._next_sample = start_s
        self.face_states = 0  # decoded DMS_FaceState frames, for latency measurements
        self.frames = 0  # frames taken off the bus

    def feed(self, frame: can.Message, t_s: float) -> None:
        """Take one frame, received at ``t_s`` on the HUD's clock."""
        self.frames += 1
        reception = self._receiver.receive_can(frame, t_s)
        message = reception.message
        if message is None:
            return
        self._latest[type(message)] = message
        arrivals = self._arrivals[reception.name]
        arrivals.append(reception.t_s)
        while arrivals and arrivals[0] < reception.t_s - RATE_WINDOW_S:
            arrivals.popleft()
        if isinstance(message, DmsFaceState):
            self.face_states += 1
        elif isinstance(message, EcuHmi):
            self._emergency.hmi(message, reception.t_s)
        elif isinstance(message, EcuMrm):
            self._emergency.mrm(message, reception.t_s)

    def poll(self, now_s: float) -> None:
        """Take in every frame waiting on the bus, then sample the history."""
        if self._inbox is not None:
            for frame in self._inbox.drain():
                self.feed(frame, now_s)
        while now_s + 1e-9 >= self._next_sample:
            self._history.append(self._history_point(self._next_sample))
            self._next_sample += HISTORY_STEP_S
        while self._history and self._history[0].t_s < now_s - HISTORY_S:
            self._history.popleft()

    def _history_point(self, t_s: float) -> HistoryPoint:
        face = self._latest.get(DmsFaceState)
        distraction = self._latest.get(DmsDistraction)
        hmi = self._latest.get(EcuHmi)
        eye_open = -1.0
        if isinstance(face, DmsFaceState) and face.face_present and face.eyes_visible:
            eye_open = (face.eye_open_left_ratio + face.eye_open_right_ratio) / 2
        return HistoryPoint(
            t_s=t_s,
            eyes_on_road=isinstance(distraction, DmsDistraction) and distraction.eyes_on_road,
            eye_open=eye_open,
            alert_level=int(hmi.alert_level) if isinstance(hmi, EcuHmi) else 0,
        )

    def snapshot(
        self, now_s: float, *, paused: bool = False, show_help: bool = False, source: str = ""
    ) -> HudState:
        latest = self._latest
        unavailable = self._health.unavailable(now_s)
        rates = tuple((name, _rate_hz(times)) for name, times in self._arrivals.items())
        failures = tuple(
            (status.value, self._receiver.count(status))
            for status in _FAILURES
            if self._receiver.count(status)
        )
        return HudState(
            t_s=now_s,
            face=_of(latest, DmsFaceState),
            distraction=_of(latest, DmsDistraction),
            drowsiness=_of(latest, DmsDrowsiness),
            status=_of(latest, DmsStatus),
            vehicle=_of(latest, VehState),
            hmi=None if EcuHmi.SPEC.name in unavailable else _of(latest, EcuHmi),
            adas=_of(latest, EcuAdas),
            mrm=_of(latest, EcuMrm),
            env=_of(latest, VehEnv),
            assist=None if EcuAssist.SPEC.name in unavailable else _of(latest, EcuAssist),
            emergency=self._emergency.timing,
            bus=BusStats(
                rates_hz=rates,
                timed_out=self._health.timed_out(now_s),
                unavailable=unavailable,
                failures=failures,
                keyed=self._keys is not None,
                lost_frames=self._receiver.count(FrameStatus.OK_SOME_LOST),
            ),
            history=tuple(self._history),
            paused=paused,
            show_help=show_help,
            source=source,
            elapsed_s=now_s - self._start_s,
        )


def _rate_hz(times: deque[float]) -> float:
    """Frames per second over the arrivals kept (intervals, not frames, over the span)."""
    if len(times) < 2 or times[-1] <= times[0]:
        return 0.0
    return (len(times) - 1) / (times[-1] - times[0])


def _of(latest: dict[type, object], kind: type[M]) -> M | None:
    value = latest.get(kind)
    return value if isinstance(value, kind) else None
