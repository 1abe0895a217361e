"""Per-frame features of the driver's face, from a :class:`FaceObservation`.

Conventions (the driver's own left/right, whatever the image shows):

* ``head_yaw_deg`` positive when the head turns to the driver's left; ``head_pitch_deg``
  positive head down; ``head_roll_deg`` positive toward the driver's right shoulder. The
  angles are relative to the line from the face to the camera, so a driver looking into
  the lens reads about zero wherever the face sits in the image.
* ``gaze_yaw_deg`` / ``gaze_pitch_deg``: head pose plus the eyes' rotation in the head, same
  signs.
* ``eye_open_*`` 0 (shut) .. 1 (as open as this driver's eyes usually are).
* ``mouth_open`` 0 (closed) .. 1 (a wide yawn); ``smile`` 0..1.

Numbers measured on real faces (``../shared/data/faces``) set the constants: closed eyes
give eyeBlink 0.45-0.84 and a 3-D eye aspect ratio (EAR) of 0.01-0.15; open eyes eyeBlink
0.00-0.2 and EAR 0.25-0.45 depending on the person.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from dms.sensor.face_mesh import LEFT_EYE, MOUTH, RIGHT_EYE, EyeIndices
from dms.sensor.observation import EyePixels, FaceObservation, blendshape_index

__all__ = ["FaceFeatures", "FeatureExtractor", "FeatureSettings", "head_pose_deg"]

_BLINK_LEFT = blendshape_index("eyeBlinkLeft")
_BLINK_RIGHT = blendshape_index("eyeBlinkRight")
_JAW_OPEN = blendshape_index("jawOpen")
_SMILE = (blendshape_index("mouthSmileLeft"), blendshape_index("mouthSmileRight"))
_LOOK_DOWN = (blendshape_index("eyeLookDownLeft"), blendshape_index("eyeLookDownRight"))
_LOOK_UP = (blendshape_index("eyeLookUpLeft"), blendshape_index("eyeLookUpRight"))


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    """Feature constants; each measured on the real clips unless a source says otherwise."""

    # Eye aspect ratio in 3-D: shut 0.08-0.15 (lashes, depth noise), open 0.22-0.34 by person.
    ear_shut: float = 0.08
    ear_open_default: float = 0.32  # until this driver's own baseline is learnt
    # eyeBlink: shut 0.45-0.84 (never 1.0), open 0.00-0.20 by person.
    blink_shut: float = 0.62
    blink_open_default: float = 0.04
    # Eyes closed when both are below 20 % of their open baseline (P80, Wierwille 1994);
    # open again above 30 %, so a wavering half-closed eye does not flicker.
    closed_below: float = 0.20
    open_above: float = 0.30
    # Open-eye baseline: learnt while the eye is clearly open, over about this long.
    baseline_tau_s: float = 20.0
    baseline_blink_max: float = 0.30
    # Occlusion (sunglasses): the ring around the eye much darker than the cheek (lenses:
    # darkness 0.9; skin and clear glasses 0.0-0.5) and little texture inside the opening.
    occluded_darkness: float = 0.60
    occluded_texture_max: float = 0.12
    # Mouth: jawOpen 0.35-0.92 and mouth aspect ratio 0.3-1.4 when yawning; <= 0.02 and
    # <= 0.16 when closed or smiling.
    jaw_open_full: float = 0.80
    mar_full: float = 0.90
    # Eye rotation in the head: iris offset across the eye (-1..1) to degrees; the iris
    # sits at +-0.65 at the far look left/right of the clips (eyeLookOut 0.98).
    iris_yaw_deg_per_unit: float = 45.0
    eye_pitch_deg_per_unit: float = 30.0
    # Quality: faces narrower than this many pixels carry less reliable eye detail.
    good_face_width_px: float = 120.0


@dataclass(frozen=True, slots=True)
class FaceFeatures:
    """What the module measures on one frame; ``face_present`` False means no face."""

    t_s: float
    face_present: bool
    quality: float = 0.0
    eyes_visible: bool = False
    eyes_closed: bool = False
    eye_open_left: float = 0.0
    eye_open_right: float = 0.0
    ear_left: float = 0.0
    ear_right: float = 0.0
    mouth_open: float = 0.0
    jaw_open: float = 0.0
    smile: float = 0.0
    look_down: float = 0.0
    head_yaw_deg: float = 0.0
    head_pitch_deg: float = 0.0
    head_roll_deg: float = 0.0
    gaze_yaw_deg: float = 0.0
    gaze_pitch_deg: float = 0.0
    face_width_px: float = 0.0
    darkness: tuple[float, float] = field(default=(0.0, 0.0))

    @property
    def eye_open(self) -> float:
        return (self.eye_open_left + self.eye_open_right) / 2.0


def head_pose_deg(matrix: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) of the face relative to its line of sight to the camera.

    The transformation matrix maps the canonical face into camera space (x right, y up,
    z toward the viewer) as ``R = Rz(roll) · Ry(yaw) · Rx(pitch)``. A face off the optical
    axis that looks into the lens is rotated by the angle of its offset; that angle is
    removed, so pose means "relative to looking at the camera".
    """
    (r00, _, _, x), (r10, _, _, y), (r20, r21, r22, z), _ = matrix.tolist()
    pitch = math.degrees(math.atan2(r21, r22))
    yaw = math.degrees(math.atan2(-r20, math.hypot(r21, r22)))
    roll = math.degrees(math.atan2(r10, r00))
    if z < 0:  # the face is in front of the camera, as it always is for a real face
        yaw += math.degrees(math.atan2(x, -z))
        pitch -= math.degrees(math.atan2(y, -z))
    return yaw, pitch, roll


Point = tuple[float, float, float]


def _eye_points(eye: EyeIndices) -> tuple[int, ...]:
    """The landmarks one eye's features read: corners, lid pairs, iris."""
    return (eye.outer, eye.inner, *eye.upper, *eye.lower, eye.iris)


_PER_EYE = len(_eye_points(LEFT_EYE))
#: Cheek edges of the face mesh (the face's width) and the mouth's inner points.
_FACE_EDGES = (234, 454)
#: Every landmark a frame's features read, gathered in one go: left eye, right eye,
#: mouth (upper, lower, left, right), face edges.
_POINTS = np.array(
    [
        *_eye_points(LEFT_EYE),
        *_eye_points(RIGHT_EYE),
        MOUTH.upper,
        MOUTH.lower,
        MOUTH.left,
        MOUTH.right,
        *_FACE_EDGES,
    ],
    dtype=np.intp,
)


def _eye_aspect_ratio(p: list[Point]) -> float:
    """Lid opening over eye width, in 3-D so that a turned head does not squash it.
    ``p``: outer, inner, upper lid pair, lower lid pair, iris."""
    width = math.dist(p[0], p[1])
    if width <= 1e-6:
        return 0.0
    return (math.dist(p[2], p[4]) + math.dist(p[3], p[5])) / (2.0 * width)


def _iris_offset(p: list[Point]) -> float:
    """Iris position along the eye, -1 at the image-left corner .. +1 at the image-right one.

    Measured in 3-D: the iris sits in front of the corners, so in the image alone a turned
    head would shift it (parallax); along the 3-D eye axis it does not.
    """
    (ax, ay, az), (bx, by, bz) = sorted((p[0], p[1]))
    dx, dy, dz = bx - ax, by - ay, bz - az
    length2 = dx * dx + dy * dy + dz * dz
    if length2 <= 1e-9:
        return 0.0
    ix, iy, iz = p[6]
    return 2.0 * ((ix - ax) * dx + (iy - ay) * dy + (iz - az) * dz) / length2 - 1.0


class _Baseline:
    """A slowly learnt open-eye level: a running mean at first, then an exponential one."""

    __slots__ = ("samples", "tau_s", "value")

    def __init__(self, default: float, tau_s: float) -> None:
        self.value = default
        self.tau_s = tau_s
        self.samples = 0

    def update(self, sample: float, dt_s: float) -> None:
        self.samples += 1
        weight = max(1.0 / self.samples, min(1.0, dt_s / self.tau_s))
        self.value += weight * (sample - self.value)


class FeatureExtractor:
    """Turns observations into features, learning this driver's open-eye baselines.

    Stateful only in two slow things: the baselines and the closed/open hysteresis.
    ``calibrated`` tells whether the baselines come from this driver yet.
    """

    def __init__(self, settings: FeatureSettings | None = None) -> None:
        self.settings = s = settings or FeatureSettings()
        self._ear = [_Baseline(s.ear_open_default, s.baseline_tau_s) for _ in range(2)]
        self._blink = [_Baseline(s.blink_open_default, s.baseline_tau_s) for _ in range(2)]
        self._closed = False
        self._last_t: float | None = None

    @property
    def calibrated(self) -> bool:
        return all(b.samples >= 30 for b in self._ear)

    def reset(self) -> None:
        """Forget the driver (a new driver, a new clip)."""
        self.__init__(self.settings)  # type: ignore[misc]

    def _occluded(self, eye: EyePixels) -> bool:
        """Dark lenses over the eye: a dark ring and little texture inside."""
        s = self.settings
        return eye.darkness >= s.occluded_darkness and eye.texture <= s.occluded_texture_max

    def update(self, observation: FaceObservation | None, t_s: float) -> FaceFeatures:
        dt_s = 0.0 if self._last_t is None else max(0.0, t_s - self._last_t)
        self._last_t = t_s
        if observation is None:
            return FaceFeatures(t_s=t_s, face_present=False)
        s = self.settings
        points: list[Point] = observation.landmarks.take(_POINTS, axis=0).tolist()
        shapes: list[float] = observation.blendshapes.tolist()
        yaw, pitch, roll = head_pose_deg(observation.matrix)

        left, right = points[:_PER_EYE], points[_PER_EYE : 2 * _PER_EYE]
        mouth, edges = points[2 * _PER_EYE : 2 * _PER_EYE + 4], points[2 * _PER_EYE + 4 :]
        ears = (_eye_aspect_ratio(left), _eye_aspect_ratio(right))
        blinks = (shapes[_BLINK_LEFT], shapes[_BLINK_RIGHT])
        openness = []
        for i in range(2):
            ear_open = (ears[i] - s.ear_shut) / max(self._ear[i].value - s.ear_shut, 1e-3)
            blink_open = (s.blink_shut - blinks[i]) / max(s.blink_shut - self._blink[i].value, 1e-3)
            openness.append(min(1.0, max(0.0, (ear_open + blink_open) / 2.0)))
            if blinks[i] < s.baseline_blink_max and ears[i] > s.ear_shut * 2:
                self._ear[i].update(ears[i], dt_s)
                self._blink[i].update(blinks[i], dt_s)

        visible = True
        darkness = (0.0, 0.0)
        if observation.eyes is not None:
            left_eye, right_eye = observation.eyes
            darkness = (left_eye.darkness, right_eye.darkness)
            visible = not (self._occluded(left_eye) and self._occluded(right_eye))
        mean_open = (openness[0] + openness[1]) / 2.0
        if not visible:
            self._closed = False
        elif self._closed:
            self._closed = mean_open < s.open_above
        else:
            self._closed = mean_open < s.closed_below

        jaw = shapes[_JAW_OPEN]
        mar = _mouth_aspect_ratio(mouth)
        mouth_open = min(1.0, max(0.0, jaw / s.jaw_open_full, mar / s.mar_full))
        iris = (_iris_offset(left) + _iris_offset(right)) / 2.0
        look_down = (shapes[_LOOK_DOWN[0]] + shapes[_LOOK_DOWN[1]]) / 2.0
        look_up = (shapes[_LOOK_UP[0]] + shapes[_LOOK_UP[1]]) / 2.0
        (x0, y0, _), (x1, y1, _) = edges
        width = math.hypot(x1 - x0, y1 - y0)
        return FaceFeatures(
            t_s=t_s,
            face_present=True,
            quality=float(
                min(1.0, width / s.good_face_width_px) * max(0.0, math.cos(math.radians(yaw)))
            ),
            eyes_visible=visible,
            eyes_closed=self._closed,
            eye_open_left=openness[0],
            eye_open_right=openness[1],
            ear_left=ears[0],
            ear_right=ears[1],
            mouth_open=mouth_open,
            jaw_open=jaw,
            smile=(shapes[_SMILE[0]] + shapes[_SMILE[1]]) / 2.0,
            look_down=look_down,
            head_yaw_deg=yaw,
            head_pitch_deg=pitch,
            head_roll_deg=roll,
            gaze_yaw_deg=yaw + iris * s.iris_yaw_deg_per_unit,
            gaze_pitch_deg=pitch + (look_down - look_up) * s.eye_pitch_deg_per_unit,
            face_width_px=width,
            darkness=darkness,
        )


def _mouth_aspect_ratio(p: list[Point]) -> float:
    """Inner lip gap over inner mouth width, in 3-D so a turned head does not narrow the
    mouth; ``p``: upper, lower, left, right."""
    width = math.dist(p[2], p[3])
    return math.dist(p[0], p[1]) / width if width > 1e-6 else 0.0
