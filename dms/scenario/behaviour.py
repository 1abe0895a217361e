"""The synthetic driver's behaviour: a scenario's timeline as per-frame ground truth.

Everything is computed up front as arrays over the run's frames (vectorised, seeded), so
the replay loop only looks values up. Random streams are split by purpose (blinks, sway,
talking, sensor …) so that editing one behaviour does not reshuffle the others.

Shapes, with the measured facts they follow (../shared/DESIGN.md):

* blinks: a 60 ms close, a hold, a 90 ms reopen; the hold is sized so the time below
  20 % open equals the blink's duration. Alert: 0.1-0.15 s, 15-20 per minute.
* glances: a smooth 0.2 s move out and back, centred on the glance's start and end;
  "owl" glances turn the head, "lizard" ones move the eyes (at most 30° in the head) and
  the head makes up the rest.
* yawns hold the mouth wide (0.9) for seconds with narrowed eyes; talking opens it to
  0.5-0.74 for <= 0.2 s per syllable; laughing smiles broadly and squeezes the eyes shut
  for about a second at a time.
* drowsiness: blinks grow longer and more frequent, eyes droop, slow closures and
  yawns appear (Anund, Fors & Ahlström 2017; Wierwille 1994).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dms.bus.enums import GazeZone
from dms.scenario.model import Behaviour, BehaviourKind, Scenario
from dms.sensor.synthetic import FacePose, FacePoses

__all__ = ["GroundTruth", "build_ground_truth", "sensor_rng"]

_CLOSE_S = 0.06
_REOPEN_S = 0.09
_GLANCE_MOVE_S = 0.2
_EYE_LIMIT_YAW_DEG = 30.0
_EYE_LIMIT_PITCH_DEG = 25.0
_OWL_HEAD_SHARE = 0.85
_LIZARD_HEAD_SHARE = 0.2
_STREAMS = ("blinks", "sway", "talk", "laugh", "phone", "drowsy", "dropout", "sensor", "jitter")


@dataclass(frozen=True, slots=True, eq=False)
class GroundTruth:
    """Per-frame truth of the synthetic driver: the face and where the driver means to look."""

    poses: FacePoses
    zone: np.ndarray  # intended gaze zone per frame (GazeZone values)

    def __len__(self) -> int:
        return len(self.poses)

    def pose(self, i: int) -> FacePose:
        return self.poses.pose(i)


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    smooth: np.ndarray = x * x * (3.0 - 2.0 * x)
    return smooth


def _plateau(t: np.ndarray, start: float, end: float, rise_s: float, fall_s: float) -> np.ndarray:
    """0 -> 1 over ``rise_s`` from ``start``, back to 0 by ``end`` (smooth)."""
    up = _smoothstep((t - start) / max(rise_s, 1e-6))
    down = _smoothstep((end - t) / max(fall_s, 1e-6))
    plateau: np.ndarray = np.minimum(up, down)
    return plateau


def _streams(seed: int) -> dict[str, np.random.Generator]:
    seeds = np.random.SeedSequence(seed).spawn(len(_STREAMS))
    return {name: np.random.default_rng(child) for name, child in zip(_STREAMS, seeds, strict=True)}


def sensor_rng(scenario: Scenario) -> np.random.Generator:
    """The random stream for sensor noise, independent of the behaviour streams."""
    return _streams(scenario.seed)["sensor"]


class _Builder:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        n = scenario.frames
        self.t = np.arange(n, dtype=np.float64) / scenario.fps
        self.rng = _streams(scenario.seed)
        driver = scenario.driver
        self.present = np.ones(n, dtype=bool)
        self.occluded = np.zeros(n, dtype=bool)
        self.aperture = np.ones(n)
        self.head = np.zeros((3, n))  # yaw, pitch, roll (relative to neutral until the end)
        self.eyes = np.zeros((2, n))  # yaw, pitch in the head
        self.mouth = np.zeros(n)
        self.smile = np.full(n, 0.05)
        self.zone = np.full(n, int(GazeZone.ROAD), dtype=np.int8)
        # The camera reads the driver's own resting pose plus the mounting's offset.
        mount_yaw, mount_pitch = scenario.cabin.straight_ahead()
        self.neutral = np.array(
            [
                driver.neutral_yaw_deg + mount_yaw,
                driver.neutral_pitch_deg + mount_pitch,
                driver.neutral_roll_deg,
            ]
        )
        self.drowsy = np.zeros(n)

    def window(self, start: float, end: float) -> slice:
        fps = self.scenario.fps
        return slice(
            max(0, int(np.floor(start * fps))), min(len(self.t), int(np.ceil(end * fps)) + 1)
        )

    # -- the alert baseline ---------------------------------------------------------------

    def sway(self) -> None:
        """Slow, small head and eye movements of a driver watching the road."""
        rng = self.rng["sway"]
        for axis, amplitude in ((0, 1.5), (1, 1.0), (2, 0.6)):
            for period in (7.0, 13.0, 23.0):
                phase = rng.uniform(0, 2 * np.pi)
                self.head[axis] += amplitude / 2 * np.sin(2 * np.pi * self.t / period + phase)
        for axis, amplitude in ((0, 2.0), (1, 1.0)):
            phase = rng.uniform(0, 2 * np.pi)
            self.eyes[axis] += amplitude * np.sin(2 * np.pi * self.t / 3.7 + phase)

    def blinks(self) -> None:
        driver = self.scenario.driver
        rng = self.rng["blinks"]
        end = self.t[-1] if len(self.t) else 0.0
        at = float(rng.uniform(0.5, 3.0))
        while at < end:
            d = float(np.interp(at, self.t, self.drowsy)) if len(self.t) else 0.0
            duration = driver.blink_duration_s * (1.0 + 2.0 * d) * float(rng.lognormal(0.0, 0.2))
            if rng.random() < 0.25 * d * d:
                duration = float(rng.uniform(0.5, 0.9))  # a slow closure of a drowsy driver
            self.close_eyes(at, duration)
            rate = max(driver.blink_rate_per_min * (1.0 + 0.6 * d), 1e-3)
            at += duration + max(0.6, float(rng.exponential(60.0 / rate)))

    def close_eyes(
        self,
        start: float,
        closed_s: float,
        *,
        close_s: float = _CLOSE_S,
        reopen_s: float = _REOPEN_S,
    ) -> None:
        """Eyes shut so that they are below 20 % open for ``closed_s``."""
        hold = max(0.0, closed_s - 0.2 * (close_s + reopen_s))
        shut_at, open_at = start + close_s, start + close_s + hold
        span = self.window(start, open_at + reopen_s)
        t = self.t[span]
        closing = np.clip((t - start) / close_s, 0.0, 1.0)
        opening = np.clip((t - open_at) / reopen_s, 0.0, 1.0)
        lid = np.where(t < shut_at, 1.0 - closing, np.where(t < open_at, 0.0, opening))
        self.aperture[span] = np.minimum(self.aperture[span], lid)

    # -- timeline entries -------------------------------------------------------------------

    def glance(
        self,
        zone: GazeZone,
        start: float,
        end: float,
        movement: str,
        lid_aperture: float | None = None,
    ) -> None:
        """Gaze away from ``start`` to ``end``: each move is centred on its moment, so the
        gaze crosses out of the road area about then (ISO 15007 counts the transition)."""
        yaw, pitch = self.scenario.cabin.centre(zone)
        half = _GLANCE_MOVE_S / 2
        span = self.window(start - half, end + half)
        w = _plateau(self.t[span], start - half, end + half, _GLANCE_MOVE_S, _GLANCE_MOVE_S)
        share = _OWL_HEAD_SHARE if movement == "owl" else _LIZARD_HEAD_SHARE
        eye_yaw = float(np.clip(yaw * (1 - share), -_EYE_LIMIT_YAW_DEG, _EYE_LIMIT_YAW_DEG))
        eye_pitch = float(np.clip(pitch * (1 - share), -_EYE_LIMIT_PITCH_DEG, _EYE_LIMIT_PITCH_DEG))
        self.head[0, span] += w * (yaw - eye_yaw)
        self.head[1, span] += w * (pitch - eye_pitch)
        self.eyes[0, span] += w * eye_yaw
        self.eyes[1, span] += w * eye_pitch
        inside = self.window(start + _GLANCE_MOVE_S, end - _GLANCE_MOVE_S)
        self.zone[inside] = int(zone)
        if lid_aperture is None and zone is GazeZone.LAP:  # looking down lowers the lids
            lid_aperture = 0.55
        if lid_aperture is not None:
            lids = 1.0 - (1.0 - lid_aperture) * w
            self.aperture[span] = np.minimum(self.aperture[span], lids)

    def apply(self, behaviour: Behaviour) -> None:
        b = behaviour
        simple = {
            BehaviourKind.YAWN: self.yawn,
            BehaviourKind.TALK: self.talk,
            BehaviourKind.LAUGH: self.laugh,
            BehaviourKind.GRIMACE: self.grimace,
        }
        if b.kind in simple:
            simple[b.kind](b.at_s, b.end_s)
        elif b.kind is BehaviourKind.PHONE:
            self.phone(b.at_s, b.end_s, b.zone or GazeZone.LAP, b.movement)
        elif b.kind in (BehaviourKind.GLANCE, BehaviourKind.GLANCES):
            assert b.zone is not None
            for k in range(b.count):
                start = b.at_s + k * (b.duration_s + b.gap_s)
                self.glance(b.zone, start, start + b.duration_s, b.movement, b.lid_aperture)
        elif b.kind is BehaviourKind.DROWSINESS_RAMP:
            ramp = np.clip((self.t - b.at_s) / b.duration_s, 0.0, 1.0) * b.intensity
            self.drowsy = np.maximum(self.drowsy, ramp)
        elif b.kind in (BehaviourKind.MICROSLEEP, BehaviourKind.SLEEP):
            self.nod_off(b)
        elif b.kind is BehaviourKind.FACE_LOST:
            self.present[self.window(b.at_s, b.end_s)] = False
        elif b.kind is BehaviourKind.SUNGLASSES:
            self.occluded[self.window(b.at_s, b.end_s)] = True
        elif b.kind is BehaviourKind.CAMERA_MOVED:  # the view turns: readings the other way
            span = self.window(b.at_s, b.end_s)
            self.head[0, span] -= b.yaw_deg
            self.head[1, span] -= b.pitch_deg

    def nod_off(self, b: Behaviour) -> None:
        """Eyes shut for the behaviour's duration while the head sinks: a little in a
        microsleep, slowly and further in sleep (short of a look into the lap, by default),
        tilting as it goes."""
        span = self.window(b.at_s, b.end_s)
        if b.kind is BehaviourKind.MICROSLEEP:
            self.close_eyes(b.at_s, b.duration_s, close_s=0.1, reopen_s=0.15)
            drop = 4.0 if b.head_drop_deg is None else b.head_drop_deg
            self.head[1, span] += drop * _plateau(self.t[span], b.at_s, b.end_s, 0.4, 0.2)
            return
        self.close_eyes(b.at_s, b.duration_s, close_s=0.2, reopen_s=0.3)
        sink = _plateau(self.t[span], b.at_s, b.end_s, 2.5, 0.4)
        drop = 12.0 if b.head_drop_deg is None else b.head_drop_deg
        self.head[1, span] += drop * sink
        self.head[2, span] += 6.0 * sink

    def yawn(self, start: float, end: float) -> None:
        span = self.window(start, end)
        w = _plateau(
            self.t[span], start, end, min(1.0, (end - start) / 3), min(1.0, (end - start) / 3)
        )
        self.mouth[span] = np.maximum(self.mouth[span], 0.92 * w)
        self.aperture[span] = np.minimum(self.aperture[span], 1.0 - 0.45 * w)
        self.head[1, span] -= 6.0 * w
        self.smile[span] = np.maximum(self.smile[span], 0.3 * w)

    def talk(self, start: float, end: float) -> None:
        rng = self.rng["talk"]
        at = start
        while at < end:
            length = float(rng.uniform(0.08, 0.2))
            peak = float(rng.uniform(0.45, 0.74))
            span = self.window(at, min(end, at + length))
            phase = (self.t[span] - at) / length
            self.mouth[span] = np.maximum(
                self.mouth[span], peak * np.sin(np.pi * np.clip(phase, 0, 1))
            )
            at += length + float(rng.uniform(0.08, 0.25))

    def laugh(self, start: float, end: float) -> None:
        """A broad smile and bursts of "ha"; the eyes squeeze shut for about a second at a
        time (measured: eyeBlink 0.56-0.70 for ~1 s), narrowed in between."""
        rng = self.rng["laugh"]
        span = self.window(start, end)
        t = self.t[span]
        w = _plateau(t, start, end, 0.2, 0.3)
        self.smile[span] = np.maximum(self.smile[span], 0.88 * w)
        ha = 0.35 + 0.2 * np.abs(np.sin(2 * np.pi * 2.5 * (t - start) + rng.uniform(0, np.pi)))
        self.mouth[span] = np.maximum(self.mouth[span], ha * w)
        self.aperture[span] = np.minimum(self.aperture[span], 1.0 - 0.45 * w)  # narrowed
        self.head[1, span] -= 5.0 * w
        at = start + 0.25  # the smile comes first
        while at < end - 0.6:
            squeeze = min(float(rng.uniform(0.6, 1.0)), end - 0.35 - at)
            self.close_eyes(at, squeeze, close_s=0.1, reopen_s=0.15)
            at += squeeze + float(rng.uniform(0.3, 0.6))

    def grimace(self, start: float, end: float) -> None:
        """Eyes squeezed shut and mouth corners stretched for as long as it lasts (crying,
        pain): it looks like a laugh to the smile score, but it does not stop."""
        span = self.window(start, end)
        w = _plateau(self.t[span], start, end, 0.2, 0.2)
        self.smile[span] = np.maximum(self.smile[span], 0.75 * w)
        self.mouth[span] = np.maximum(self.mouth[span], 0.15 * w)
        self.close_eyes(start, end - start, close_s=0.15, reopen_s=0.2)

    def phone(self, start: float, end: float, zone: GazeZone, movement: str) -> None:
        """Reading a phone held or mounted in ``zone`` (the lap by default): looking at it
        for seconds, up at the road briefly."""
        rng = self.rng["phone"]
        at = start
        while at < end - 1.0:
            down = float(rng.uniform(2.5, 4.5))
            self.glance(zone, at, min(end, at + down), movement)
            at += down + float(rng.uniform(0.8, 1.6))

    def drowsy_yawns(self) -> None:
        """A drowsy driver yawns now and then: about every 2 minutes when very tired."""
        rng = self.rng["drowsy"]
        t = 0.0
        end = self.t[-1] if len(self.t) else 0.0
        while t < end - 6.0:
            d = float(np.interp(t, self.t, self.drowsy))
            if d >= 0.4 and rng.random() < d * 10.0 / 120.0:
                self.yawn(t, t + float(rng.uniform(4.0, 6.0)))
                t += 8.0
            t += 10.0

    def _frame_times(self) -> np.ndarray:
        """When each frame was taken: the nominal times, wobbling by up to the sensor's
        jitter (as a live camera's do), always in order."""
        jitter_s = self.scenario.sensor.frame_jitter_ms / 1000.0
        if jitter_s <= 0.0:
            return self.t
        wobble = self.rng["jitter"].uniform(-jitter_s, jitter_s, len(self.t))
        times: np.ndarray = np.maximum(self.t + wobble, 0.0)
        return times

    def finish(self) -> GroundTruth:
        sensor = self.scenario.sensor
        if sensor.dropout_rate > 0:
            self.present &= self.rng["dropout"].random(len(self.t)) >= sensor.dropout_rate
        droop = 1.0 - 0.25 * self.drowsy
        aperture = np.clip(self.aperture * droop, 0.0, 1.0).astype(np.float32)
        head = self.head + self.neutral[:, None]
        poses = FacePoses(
            t_s=self._frame_times(),
            present=self.present,
            occluded=self.occluded,
            aperture_left=aperture,
            aperture_right=aperture.copy(),
            head_yaw_deg=head[0].astype(np.float32),
            head_pitch_deg=head[1].astype(np.float32),
            head_roll_deg=head[2].astype(np.float32),
            eye_yaw_deg=self.eyes[0].astype(np.float32),
            eye_pitch_deg=self.eyes[1].astype(np.float32),
            mouth_open=np.clip(self.mouth, 0.0, 1.0).astype(np.float32),
            smile=np.clip(self.smile, 0.0, 1.0).astype(np.float32),
        )
        return GroundTruth(poses, self.zone)


def build_ground_truth(scenario: Scenario) -> GroundTruth:
    """Per-frame ground truth of the scenario's synthetic driver (deterministic per seed)."""
    builder = _Builder(scenario)
    for behaviour in scenario.timeline:  # drowsiness first: blinks depend on it
        if behaviour.kind is BehaviourKind.DROWSINESS_RAMP:
            builder.apply(behaviour)
    builder.sway()
    builder.blinks()
    builder.drowsy_yawns()
    for behaviour in scenario.timeline:
        if behaviour.kind is not BehaviourKind.DROWSINESS_RAMP:
            builder.apply(behaviour)
    return builder.finish()
