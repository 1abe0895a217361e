"""The driver monitor: all estimators behind one pure ``update``.

Per frame it takes the face features, the vehicle speed and the frame's duration, and
returns the driver's state with the events noticed on this frame. It decides what can
be judged: no eye verdicts without a face or behind dark lenses; a laugh excuses a
closure for about a second; gaze from the head alone when the eyes cannot be seen.
Closures are judged on the eyes themselves, never on head pitch: a drooping head with
shut eyes is a microsleep, a glance down with lowered lids (the iris in view) is not
(the features tell the two apart).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from dms.bus.enums import DmsState, GazeZone, UnresponsiveReason
from dms.driver_state.attention import AttentionSettings, AttentionState, AttentionTracker
from dms.driver_state.cabin import Cabin
from dms.driver_state.calibration import CalibrationSettings, NeutralPose
from dms.driver_state.drowsiness import DrowsinessSettings, DrowsinessTracker
from dms.driver_state.eyes import EyeSettings, EyeState, EyeTracker
from dms.driver_state.head import HeadDrop, HeadDropSettings, HeadDropState
from dms.driver_state.types import Event, EventKind, FaceMeasurement
from dms.driver_state.yawn import YawnDetector, YawnSettings, YawnState

__all__ = ["DriverMonitor", "DriverState", "MonitorSettings"]

_NO_HEAD_DROP = HeadDropState()


@dataclass(frozen=True, slots=True)
class MonitorSettings:
    eyes: EyeSettings = field(default_factory=EyeSettings)
    attention: AttentionSettings = field(default_factory=AttentionSettings)
    yawn: YawnSettings = field(default_factory=YawnSettings)
    drowsiness: DrowsinessSettings = field(default_factory=DrowsinessSettings)
    calibration: CalibrationSettings = field(default_factory=CalibrationSettings)
    head: HeadDropSettings = field(default_factory=HeadDropSettings)
    cabin: Cabin = field(default_factory=Cabin)
    # Laughing squeezes the eyes (eyeBlink 0.56-0.70 for about a second, measured): a
    # closure with this much smile is excused for EyeSettings.excuse_max_s.
    laugh_gate_smile: float = 0.5
    # A face missing this long is "driver not visible" (a lost frame is not).
    face_lost_after_s: float = 0.5
    # Eyes hidden this long are "eyes not visible".
    eyes_occluded_after_s: float = 1.0
    # Frames further apart than this mean the camera stalled: the time beyond it is not
    # judged (the estimators need >= 10 frames/s; a stall is not the last state stretched).
    max_frame_gap_s: float = 0.25


class DriverState(NamedTuple):
    """Everything the DMS says about the driver at ``t_s``. A named tuple, like the
    estimators' states: one is built every frame, and tuples build fast."""

    t_s: float
    dms_state: DmsState
    face_present: bool
    eyes_visible: bool
    gaze_zone: GazeZone  # this frame's zone
    head_yaw_deg: float  # relative to the calibrated road-ahead direction
    head_pitch_deg: float
    gaze_yaw_deg: float
    gaze_pitch_deg: float
    eyes: EyeState
    head: HeadDropState  # the sleep cue behind dark lenses
    attention: AttentionState
    yawn: YawnState
    drowsiness_level: int
    unresponsive_reason: UnresponsiveReason
    calibration: float  # 0..1
    face_lost_s: float
    events: tuple[Event, ...] = ()

    @property
    def unresponsive(self) -> bool:
        return self.unresponsive_reason is not UnresponsiveReason.NONE

    @property
    def asleep(self) -> bool:
        """Eyes closed >= 3 s, or behind dark lenses the head sunk and still as long."""
        return self.eyes.sleep or self.head.sleep


class DriverMonitor:
    """``update(face, speed_mps, dt_s) -> DriverState``; time comes from ``face.t_s``."""

    def __init__(self, settings: MonitorSettings | None = None) -> None:
        self.settings = s = settings or MonitorSettings()
        self._eyes = EyeTracker(s.eyes)
        self._attention = AttentionTracker(s.attention)
        self._yawn = YawnDetector(s.yawn)
        self._drowsiness = DrowsinessTracker(s.drowsiness)
        self._neutral = NeutralPose(s.calibration, prior=s.cabin.straight_ahead())
        self._head = HeadDrop(s.head)
        self._classify = s.cabin.classifier()
        self._missing_s = 0.0
        self._face_lost = False
        self._hidden_s = 0.0
        self._eyes_hidden = False
        self._eye_data_s = 0.0
        self._was_calibrated = False
        self._frame_s = 1.0 / 30.0  # the camera's frame interval, as last seen

    def update(self, face: FaceMeasurement, speed_mps: float, dt_s: float) -> DriverState:
        s = self.settings
        t_s = face.t_s
        events = []
        if dt_s > s.max_frame_gap_s:  # a camera stall: the frame counts as one, the rest is
            frame_s = self._frame_s  # not judged
            events += self._not_judged(t_s - frame_s, dt_s - frame_s, speed_mps)
            dt_s = frame_s
        elif dt_s > 0.0:
            self._frame_s = dt_s
        events += self._presence(face, t_s, dt_s)

        present = face.face_present
        eyes_visible = present and face.eyes_visible
        gaze_yaw, gaze_pitch = (
            (face.gaze_yaw_deg, face.gaze_pitch_deg)
            if eyes_visible
            else (face.head_yaw_deg, face.head_pitch_deg)
        )
        usable = present and speed_mps >= s.calibration.min_speed_mps
        neutral_yaw, neutral_pitch = self._neutral.update(gaze_yaw, gaze_pitch, usable, dt_s)
        if not self._was_calibrated and self._neutral.calibrated:
            self._was_calibrated = True
            events.append(Event(t_s, EventKind.CALIBRATED))
        head_yaw, head_pitch = face.head_yaw_deg - neutral_yaw, face.head_pitch_deg - neutral_pitch
        gaze_yaw, gaze_pitch = gaze_yaw - neutral_yaw, gaze_pitch - neutral_pitch
        # Shut eyes look nowhere: a closure is drowsiness, never a glance (a drooping head
        # with shut eyes points at the lap, and is no phone use).
        seeing = present and not (eyes_visible and face.eyes_closed)
        zone = self._classify(gaze_yaw, gaze_pitch) if seeing else GazeZone.UNKNOWN

        closed = face.eyes_closed if eyes_visible else None
        if eyes_visible:
            self._eye_data_s += dt_s
        openness = (face.eye_open_left + face.eye_open_right) / 2.0
        laughing = face.smile >= s.laugh_gate_smile
        eyes, eye_events = self._eyes.update(closed, openness, t_s, dt_s, excused=laughing)
        hidden = present and not eyes_visible
        head = _NO_HEAD_DROP
        if hidden or self._head.active:  # the cue only behind dark lenses and the like
            head, head_events = self._head.update(head_yaw, head_pitch, hidden, t_s, dt_s)
            events += head_events
        attention, attention_events = self._attention.update(zone, speed_mps, t_s, dt_s)
        yawn = self._yawn.update(face.mouth_open if present else None, face.smile, dt_s)
        events += eye_events
        events += attention_events
        if yawn.confirmed:
            events.append(Event(t_s - yawn.open_s, EventKind.YAWN, duration_s=yawn.open_s))
        level, level_events = self._drowsiness.update(
            eyes, events, self._eye_data_s, t_s, asleep=head.sleep
        )
        events += level_events

        if eyes.unresponsive:
            reason = UnresponsiveReason.EYES_CLOSED
        elif head.unresponsive:
            reason = UnresponsiveReason.HEAD_DOWN
        elif attention.gaze_away:
            reason = UnresponsiveReason.GAZE_AWAY
        else:
            reason = UnresponsiveReason.NONE
        return DriverState(  # positional, in field order: one is built every frame
            t_s,
            self._dms_state(),
            present,
            eyes_visible,
            zone,
            head_yaw,
            head_pitch,
            gaze_yaw,
            gaze_pitch,
            eyes,
            head,
            attention,
            yawn,
            level,
            reason,
            self._neutral.progress,
            self._missing_s,
            tuple(events),
        )

    def _not_judged(self, t_s: float, gap_s: float, speed_mps: float) -> list[Event]:
        """Time without frames, ending at ``t_s``: the estimators see it as unknown."""
        _, eye_events = self._eyes.update(None, 0.0, t_s, gap_s)
        _, attention_events = self._attention.update(GazeZone.UNKNOWN, speed_mps, t_s, gap_s)
        return eye_events + attention_events

    def _presence(self, face: FaceMeasurement, t_s: float, dt_s: float) -> list[Event]:
        s = self.settings
        events = []
        if face.face_present:
            if self._face_lost:
                events.append(Event(t_s, EventKind.FACE_FOUND, duration_s=self._missing_s))
            self._missing_s = 0.0
            self._face_lost = False
        else:
            self._missing_s += dt_s
            if not self._face_lost and self._missing_s >= s.face_lost_after_s:
                self._face_lost = True
                events.append(Event(t_s, EventKind.FACE_LOST))
        hidden = face.face_present and not face.eyes_visible
        if hidden:
            self._hidden_s += dt_s
            if not self._eyes_hidden and self._hidden_s >= s.eyes_occluded_after_s:
                self._eyes_hidden = True
                events.append(Event(t_s, EventKind.EYES_OCCLUDED))
        elif face.face_present:
            if self._eyes_hidden:
                events.append(Event(t_s, EventKind.EYES_VISIBLE, duration_s=self._hidden_s))
            self._hidden_s = 0.0
            self._eyes_hidden = False
        return events

    def _dms_state(self) -> DmsState:
        if self._face_lost:
            return DmsState.DRIVER_NOT_VISIBLE
        if self._eyes_hidden:
            return DmsState.EYES_NOT_VISIBLE
        if not self._neutral.calibrated:
            return DmsState.CALIBRATING
        return DmsState.ACTIVE

    def finish(self, t_s: float) -> list[Event]:
        """Events still open at the end of a run (the last glance)."""
        return self._attention.flush(t_s)
