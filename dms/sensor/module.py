"""The camera module: face observations in, catalog messages out on the bus.

This is the same code in replay (observations from the synthetic driver) and live (from
the face model on camera frames). Per frame it extracts features, updates the driver
monitor and sends ``DMS_FaceState``; the other DMS messages go out at their catalog
periods on the frames' clock. It listens on the bus for ``VEH_State`` (the speed gates
the distraction rules). Only metadata leaves: the module never sees pixels here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import can

from dms.bus import (
    DmsDistraction,
    DmsDrowsiness,
    DmsFaceState,
    DmsStatus,
    Publisher,
    Receiver,
    VehState,
)
from dms.bus.enums import DmsFault, DmsState
from dms.bus.freshness import FreshnessStore
from dms.bus.inbox import Inbox
from dms.bus.keys import KeyRing
from dms.bus.schedule import PeriodicSchedule
from dms.driver_state.monitor import DriverMonitor, DriverState, MonitorSettings
from dms.driver_state.types import Event
from dms.sensor.features import FaceFeatures, FeatureExtractor, FeatureSettings
from dms.sensor.observation import FaceObservation

__all__ = ["CameraModule"]

#: Frame rate below which the module reports LOW_FPS: the blink and PERCLOS estimators
#: need at least 10 frames per second to see a 0.1 s blink.
MIN_FPS = 10.0


class CameraModule:
    """The DMS camera module as a bus node."""

    def __init__(
        self,
        publisher: Publisher,
        listen: can.BusABC | None = None,
        *,
        keys: KeyRing | None = None,
        freshness: FreshnessStore | None = None,
        monitor: MonitorSettings | None = None,
        features: FeatureSettings | None = None,
        on_state: Callable[[DriverState, FaceFeatures], None] | None = None,
    ) -> None:
        self._publisher = publisher
        self.inbox = Inbox(listen, VehState) if listen is not None else None
        self._receiver = Receiver(keys=keys, freshness=freshness)
        self._extractor = FeatureExtractor(features)
        self._monitor = DriverMonitor(monitor)
        self._on_state = on_state
        self.speed_mps = 0.0
        self._last_t: float | None = None
        self._schedule = PeriodicSchedule()
        self._fps = 0.0
        # Fault conditions as booleans, combined into DmsFault bits only when DMS_Status
        # goes out (flag arithmetic runs in Python, and these are set every frame).
        self._camera_lost = False
        self._low_fps = False
        self.state: DriverState | None = None

    def _poll_bus(self, t_s: float) -> None:
        if self.inbox is None:
            return
        for frame in self.inbox.drain():
            reception = self._receiver.receive_can(frame, t_s)
            if isinstance(reception.message, VehState):
                self.speed_mps = reception.message.speed_mps

    def process(self, observation: FaceObservation | None, t_s: float) -> DriverState:
        """One camera frame's worth of work; returns the driver state it published."""
        return self.report(self._extractor.update(observation, t_s))

    def measure(
        self, observations: Sequence[FaceObservation | None], times_s: Sequence[float]
    ) -> list[FaceFeatures]:
        """The features of consecutive frames, measured together; :meth:`report` each in
        turn. Replay measures its synthetic frames in batches: features depend on earlier
        frames only, never on the bus."""
        return self._extractor.update_many(observations, times_s)

    def report(self, features: FaceFeatures) -> DriverState:
        """A frame's features through the estimators and onto the bus."""
        t_s = features.t_s
        self._poll_bus(t_s)
        dt_s = 0.0 if self._last_t is None else max(0.0, t_s - self._last_t)
        self._last_t = t_s
        if dt_s > 0:
            self._fps += (1.0 / dt_s - self._fps) * min(1.0, dt_s / 1.0)
        self._camera_lost = False
        self._low_fps = bool(self._fps) and self._fps < MIN_FPS
        state = self._monitor.update(features, self.speed_mps, dt_s)
        self.state = state
        self._publish(features, state, t_s)
        if self._on_state is not None:
            self._on_state(state, features)
        return state

    def fault(self, t_s: float) -> None:
        """No frame arrived (camera lost): say so on the bus instead of going silent."""
        self._poll_bus(t_s)
        self._camera_lost = True
        if self._schedule.due(DmsStatus, t_s):
            self._publisher.send(
                DmsStatus(DmsState.SENSOR_FAULT, self._faults(), 0.0, self._calibration_pct(), 0.0),
                t_s,
            )

    def _faults(self) -> DmsFault:
        faults = DmsFault.NONE
        if self._camera_lost:
            faults |= DmsFault.CAMERA
        if self._low_fps:
            faults |= DmsFault.LOW_FPS
        return faults

    def _calibration_pct(self) -> float:
        return 100.0 * self.state.calibration if self.state is not None else 0.0

    def _publish(self, f: FaceFeatures, s: DriverState, t_s: float) -> None:
        send = self._publisher.send
        present = f.face_present
        send(
            DmsFaceState.saturated(
                face_present=present,
                confidence_prob=f.quality,
                eyes_visible=s.eyes_visible,
                eyes_closed=present and s.eyes_visible and f.eyes_closed,
                eye_open_left_ratio=f.eye_open_left if s.eyes_visible else 0.0,
                eye_open_right_ratio=f.eye_open_right if s.eyes_visible else 0.0,
                mouth_open_ratio=f.mouth_open,
                smile_ratio=f.smile,
                head_yaw_deg=s.head_yaw_deg if present else 0.0,
                head_pitch_deg=s.head_pitch_deg if present else 0.0,
                head_roll_deg=f.head_roll_deg,
                gaze_yaw_deg=s.gaze_yaw_deg if present else 0.0,
                gaze_pitch_deg=s.gaze_pitch_deg if present else 0.0,
                gaze_zone=s.gaze_zone,
            ),
            t_s,
        )
        attention = s.attention
        if self._schedule.due(DmsDistraction, t_s):
            send(
                DmsDistraction.saturated(
                    distraction_level=attention.level,
                    eyes_on_road=attention.eyes_on_road,
                    glance_zone=attention.zone,
                    glance_s=attention.glance_s,
                    eyes_off_road_s=attention.eyes_off_road_s,
                    vats_s=attention.vats_s,
                    attend_buffer_s=attention.attend_buffer_s,
                    long_distraction=attention.long_distraction,
                    vats=attention.vats,
                    phone_use=attention.phone_use,
                ),
                t_s,
            )
        eyes = s.eyes
        if self._schedule.due(DmsDrowsiness, t_s):
            send(
                DmsDrowsiness.saturated(
                    drowsiness_level=s.drowsiness_level,
                    perclos_pct=eyes.perclos_pct,
                    perclos_valid=eyes.perclos_valid,
                    blink_rate_per_min=eyes.blink_rate_per_min,
                    blink_duration_ms=eyes.blink_duration_ms,
                    long_blinks_per_min=eyes.long_blinks_per_min,
                    eyes_closed_s=eyes.closed_s,
                    microsleep=eyes.microsleep,
                    sleep=s.asleep,
                    unresponsive=s.unresponsive,
                    unresponsive_reason=s.unresponsive_reason,
                    yawning=s.yawn.yawning,
                    microsleep_count=eyes.microsleep_count,
                    yawn_count=s.yawn.yawn_count,
                ),
                t_s,
            )
        if self._schedule.due(DmsStatus, t_s):
            send(
                DmsStatus.saturated(
                    state=s.dms_state,
                    faults=self._faults(),
                    fps_hz=self._fps,
                    calibration_pct=100.0 * s.calibration,
                    face_lost_s=s.face_lost_s,
                ),
                t_s,
            )

    def finish(self, t_s: float) -> list[Event]:
        """Events still open at the end of a run."""
        return self._monitor.finish(t_s)
