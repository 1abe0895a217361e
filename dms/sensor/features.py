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

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

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


class FaceFeatures(NamedTuple):
    """What the module measures on one frame; ``face_present`` False means no face.

    A named tuple (immutable, like a frozen dataclass): one is built for every frame.
    """

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
    darkness: tuple[float, float] = (0.0, 0.0)

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
    yaw, pitch, roll = _head_poses(matrix[None])
    return float(yaw[0]), float(pitch[0]), float(roll[0])


def _head_poses(matrices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`head_pose_deg` of each of ``matrices`` (n, 4, 4)."""
    m = matrices.astype(np.float64)
    r21, r22 = m[:, 2, 1], m[:, 2, 2]
    pitch = np.degrees(np.arctan2(r21, r22))
    yaw = np.degrees(np.arctan2(-m[:, 2, 0], np.hypot(r21, r22)))
    roll = np.degrees(np.arctan2(m[:, 1, 0], m[:, 0, 0]))
    x, y, z = m[:, 0, 3], m[:, 1, 3], m[:, 2, 3]
    in_front = z < 0  # the face is in front of the camera, as it always is for a real face
    yaw += np.where(in_front, np.degrees(np.arctan2(x, -z)), 0.0)
    pitch -= np.where(in_front, np.degrees(np.arctan2(y, -z)), 0.0)
    return yaw, pitch, roll


def _eye_points(eye: EyeIndices) -> tuple[int, ...]:
    """The landmarks one eye's features read: corners, lid pairs, iris."""
    return (eye.outer, eye.inner, *eye.upper, *eye.lower, eye.iris)


_PER_EYE = len(_eye_points(LEFT_EYE))
#: Cheek edges of the face mesh (the face's width).
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
_MOUTH_AT = 2 * _PER_EYE
_EDGES_AT = _MOUTH_AT + 4


def _dist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of ``a`` and ``b`` (n, 3)."""
    d = a - b
    distances: np.ndarray = np.sqrt(np.einsum("ij,ij->i", d, d))
    return distances


def _eye_aspect_ratios(p: np.ndarray) -> np.ndarray:
    """Lid opening over eye width, in 3-D so that a turned head does not squash it.
    ``p`` (n, 7, 3): outer, inner, upper lid pair, lower lid pair, iris."""
    width = _dist(p[:, 0], p[:, 1])
    lids = _dist(p[:, 2], p[:, 4]) + _dist(p[:, 3], p[:, 5])
    ratio = lids / (2.0 * np.maximum(width, 1e-6))
    return np.where(width > 1e-6, ratio, 0.0)


def _iris_offsets(p: np.ndarray) -> np.ndarray:
    """Iris position along the eye, -1 at the image-left corner .. +1 at the image-right one.

    Measured in 3-D: the iris sits in front of the corners, so in the image alone a turned
    head would shift it (parallax); along the 3-D eye axis it does not.
    """
    outer, inner = p[:, 0], p[:, 1]
    outer_first = (outer[:, 0] < inner[:, 0])[:, None]  # the image-left corner first
    a = np.where(outer_first, outer, inner)
    axis = np.where(outer_first, inner, outer) - a
    length2 = np.einsum("ij,ij->i", axis, axis)
    along = np.einsum("ij,ij->i", p[:, 6] - a, axis)
    return np.where(length2 > 1e-9, 2.0 * along / np.maximum(length2, 1e-9) - 1.0, 0.0)


def _mouth_aspect_ratios(p: np.ndarray) -> np.ndarray:
    """Inner lip gap over inner mouth width, in 3-D so a turned head does not narrow the
    mouth; ``p`` (n, 4, 3): upper, lower, left, right."""
    width = _dist(p[:, 2], p[:, 3])
    gap = _dist(p[:, 0], p[:, 1])
    return np.where(width > 1e-6, gap / np.maximum(width, 1e-6), 0.0)


class _Geometry(NamedTuple):
    """One face's numbers that do not depend on the driver's history."""

    ear_left: float
    ear_right: float
    blink_left: float
    blink_right: float
    quality: float
    mouth_open: float
    jaw_open: float
    smile: float
    look_down: float
    head_yaw_deg: float
    head_pitch_deg: float
    head_roll_deg: float
    gaze_yaw_deg: float
    gaze_pitch_deg: float
    face_width_px: float


def _geometry(faces: Sequence[FaceObservation], s: FeatureSettings) -> list[_Geometry]:
    """:class:`_Geometry` for many faces at once: replay hands over a batch of frames, a
    camera one frame."""
    # np.array of a list of arrays: several times faster than np.stack for many small ones
    points = np.array([face.landmarks for face in faces])[:, _POINTS].astype(np.float64)
    left, right = points[:, :_PER_EYE], points[:, _PER_EYE:_MOUTH_AT]
    edges = points[:, _EDGES_AT:]
    shapes = np.array([face.blendshapes for face in faces], dtype=np.float64)

    def both(names: tuple[int, int]) -> np.ndarray:
        """The mean of a left/right pair of blendshapes."""
        mean: np.ndarray = (shapes[:, names[0]] + shapes[:, names[1]]) / 2.0
        return mean

    yaw, pitch, roll = _head_poses(np.array([face.matrix for face in faces]))
    width = np.hypot(edges[:, 1, 0] - edges[:, 0, 0], edges[:, 1, 1] - edges[:, 0, 1])
    quality = np.minimum(1.0, width / s.good_face_width_px) * np.maximum(
        0.0, np.cos(np.radians(yaw))
    )
    jaw = shapes[:, _JAW_OPEN]
    mouth_aspect = _mouth_aspect_ratios(points[:, _MOUTH_AT:_EDGES_AT])
    mouth_open = np.clip(np.maximum(jaw / s.jaw_open_full, mouth_aspect / s.mar_full), 0.0, 1.0)
    iris = (_iris_offsets(left) + _iris_offsets(right)) / 2.0
    look_down, look_up = both(_LOOK_DOWN), both(_LOOK_UP)
    columns = (
        _eye_aspect_ratios(left),
        _eye_aspect_ratios(right),
        shapes[:, _BLINK_LEFT],
        shapes[:, _BLINK_RIGHT],
        quality,
        mouth_open,
        jaw,
        both(_SMILE),
        look_down,
        yaw,
        pitch,
        roll,
        yaw + iris * s.iris_yaw_deg_per_unit,
        pitch + (look_down - look_up) * s.eye_pitch_deg_per_unit,
        width,
    )
    return list(map(_Geometry._make, zip(*(c.tolist() for c in columns), strict=True)))


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
    ``calibrated`` tells whether the baselines come from this driver yet. A camera hands
    over one frame at a time (:meth:`update`); replay a batch (:meth:`update_many`), whose
    stateless geometry is computed for all its frames at once. Both give the same features.
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

    def update(self, observation: FaceObservation | None, t_s: float) -> FaceFeatures:
        return self.update_many((observation,), (t_s,))[0]

    def update_many(
        self, observations: Sequence[FaceObservation | None], times_s: Sequence[float]
    ) -> list[FaceFeatures]:
        """The features of consecutive frames, in order."""
        faces = [observation for observation in observations if observation is not None]
        geometry = iter(_geometry(faces, self.settings) if faces else ())
        features = []
        for observation, t_s in zip(observations, times_s, strict=True):
            dt_s = 0.0 if self._last_t is None else max(0.0, t_s - self._last_t)
            self._last_t = t_s
            if observation is None:
                features.append(FaceFeatures(t_s, False))
            else:
                features.append(self._frame(observation, next(geometry), t_s, dt_s))
        return features

    def _occluded(self, eye: EyePixels) -> bool:
        """Dark lenses over the eye: a dark ring and little texture inside."""
        s = self.settings
        return eye.darkness >= s.occluded_darkness and eye.texture <= s.occluded_texture_max

    def _frame(
        self, observation: FaceObservation, g: _Geometry, t_s: float, dt_s: float
    ) -> FaceFeatures:
        """One face's features: its geometry, weighed against what this driver has shown."""
        s = self.settings
        open_left = self._eye_open(0, g.ear_left, g.blink_left, dt_s)
        open_right = self._eye_open(1, g.ear_right, g.blink_right, dt_s)

        visible = True
        darkness = (0.0, 0.0)
        if observation.eyes is not None:
            left_eye, right_eye = observation.eyes
            darkness = (left_eye.darkness, right_eye.darkness)
            visible = not (self._occluded(left_eye) and self._occluded(right_eye))
        mean_open = (open_left + open_right) / 2.0
        if not visible:
            self._closed = False
        elif self._closed:
            self._closed = mean_open < s.open_above
        else:
            self._closed = mean_open < s.closed_below

        (ear_left, ear_right, _, _, quality, mouth_open, jaw, smile, look_down) = g[:9]
        (yaw, pitch, roll, gaze_yaw, gaze_pitch, width) = g[9:]
        return FaceFeatures(  # positional, in field order: built for every frame
            t_s,
            True,  # face_present
            quality,
            visible,
            self._closed,
            open_left,
            open_right,
            ear_left,
            ear_right,
            mouth_open,
            jaw,
            smile,
            look_down,
            yaw,
            pitch,
            roll,
            gaze_yaw,
            gaze_pitch,
            width,
            darkness,
        )

    def _eye_open(self, eye: int, ear: float, blink: float, dt_s: float) -> float:
        """One eye's openness (0..1 of this driver's open level); a clearly open eye also
        teaches the baselines."""
        s = self.settings
        ear_base, blink_base = self._ear[eye], self._blink[eye]
        ear_open = (ear - s.ear_shut) / max(ear_base.value - s.ear_shut, 1e-3)
        blink_open = (s.blink_shut - blink) / max(s.blink_shut - blink_base.value, 1e-3)
        if blink < s.baseline_blink_max and ear > s.ear_shut * 2:
            ear_base.update(ear, dt_s)
            blink_base.update(blink, dt_s)
        return min(1.0, max(0.0, (ear_open + blink_open) / 2.0))
