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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from dms.sensor.face_mesh import LEFT_EYE, MOUTH, RIGHT_EYE, EyeIndices
from dms.sensor.observation import EyePixels, FaceObservation, blendshape_index

__all__ = ["FaceFeatures", "FeatureExtractor", "FeatureSettings", "head_pose_deg"]

Point = tuple[float, float, float]

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
    (r00, _, _, x), (r10, _, _, y), (r20, r21, r22, z), _ = matrix.tolist()
    yaw = math.degrees(math.atan2(-r20, math.hypot(r21, r22)))
    pitch = math.degrees(math.atan2(r21, r22))
    roll = math.degrees(math.atan2(r10, r00))
    if z < 0:  # the face is in front of the camera, as it always is for a real face
        yaw += math.degrees(math.atan2(x, -z))
        pitch -= math.degrees(math.atan2(y, -z))
    return yaw, pitch, roll


def _head_poses(m: np.ndarray) -> np.ndarray:
    """:func:`head_pose_deg` of each of the matrices ``m`` (n, 4, 4): (n, 3) degrees."""
    r20, r21, r22 = m[:, 2, 0], m[:, 2, 1], m[:, 2, 2]
    rises = np.stack([-r20, r21, m[:, 1, 0]], axis=1)  # yaw, pitch, roll as atan2(rise, run)
    runs = np.stack([np.hypot(r21, r22), r22, m[:, 0, 0]], axis=1)
    pose: np.ndarray = np.degrees(np.arctan2(rises, runs))
    z = m[:, 2, 3:4]
    in_front = z < 0  # the face is in front of the camera, as it always is for a real face
    offset = np.where(in_front, np.degrees(np.arctan2(m[:, :2, 3], -z)), 0.0)  # x, y
    pose[:, 0] += offset[:, 0]
    pose[:, 1] -= offset[:, 1]
    return pose


def _eye_points(eye: EyeIndices) -> tuple[int, ...]:
    """The landmarks one eye's features read: corners, lid pairs, iris."""
    return (eye.outer, eye.inner, *eye.upper, *eye.lower, eye.iris)


#: Cheek edges of the face mesh (the face's width).
_FACE_EDGES = (234, 454)
#: Every landmark a frame's features read, gathered in one go: left eye (outer, inner,
#: upper lid pair, lower lid pair, iris), right eye (the same), mouth (upper, lower, left,
#: right), face edges. The indices below point into this list.
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
_L, _R, _M, _E = 0, 7, 14, 18  # where the left eye, right eye, mouth and edges start
#: Point pairs whose 3-D distances the features read: per eye its width and two lid gaps,
#: then the mouth's gap and width.
_DIST_FROM = np.array([_L, _L + 2, _L + 3, _R, _R + 2, _R + 3, _M, _M + 2])
_DIST_TO = np.array([_L + 1, _L + 4, _L + 5, _R + 1, _R + 4, _R + 5, _M + 1, _M + 3])
_OUTER, _INNER, _IRIS = np.array([_L, _R]), np.array([_L + 1, _R + 1]), np.array([_L + 6, _R + 6])
#: Blendshapes read: eyeBlink left/right, jawOpen, then left/right pairs of mouthSmile,
#: eyeLookDown and eyeLookUp.
_SHAPES = np.array([_BLINK_LEFT, _BLINK_RIGHT, _JAW_OPEN, *_SMILE, *_LOOK_DOWN, *_LOOK_UP])


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    """``top / bottom``, 0 where ``bottom`` is degenerate (a collapsed eye or mouth)."""
    ratio: np.ndarray = np.where(bottom > 1e-6, top / np.maximum(bottom, 1e-6), 0.0)
    return ratio


def _iris_offsets(p: np.ndarray) -> np.ndarray:
    """Per eye (n, 2), the iris position along the eye: -1 at the image-left corner .. +1
    at the image-right one.

    Measured in 3-D: the iris sits in front of the corners, so in the image alone a turned
    head would shift it (parallax); along the 3-D eye axis it does not.
    """
    outer, inner = p[:, _OUTER], p[:, _INNER]  # (n, 2, 3)
    outer_first = (outer[..., 0] < inner[..., 0])[..., None]  # the image-left corner first
    start = np.where(outer_first, outer, inner)
    axis = np.where(outer_first, inner, outer) - start
    length2 = np.einsum("nek,nek->ne", axis, axis)
    along = np.einsum("nek,nek->ne", p[:, _IRIS] - start, axis)
    offsets: np.ndarray = np.where(
        length2 > 1e-9, 2.0 * along / np.maximum(length2, 1e-9) - 1.0, 0.0
    )
    return offsets


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


#: Batches smaller than this take the scalar path: a numpy call costs about as much as a
#: face's whole geometry in plain Python, and the vectorised path makes about 40 of them.
VECTOR_MIN_FACES = 16


def _geometry(faces: Sequence[FaceObservation], s: FeatureSettings) -> list[_Geometry]:
    """:class:`_Geometry` for many faces: replay hands over batches of frames, a camera one
    frame at a time. Both paths compute the same numbers (a test holds them equal)."""
    if len(faces) < VECTOR_MIN_FACES:
        return [_face_geometry(face, s) for face in faces]
    return _batch_geometry(faces, s)


def _face_geometry(face: FaceObservation, s: FeatureSettings) -> _Geometry:
    """One face's :class:`_Geometry`, in plain Python floats."""
    p: list[Point] = face.landmarks.take(_POINTS, axis=0).tolist()
    shapes: list[float] = face.blendshapes.take(_SHAPES).tolist()
    yaw, pitch, roll = head_pose_deg(face.matrix)
    ears = [
        _ratio_of(
            math.dist(p[e + 2], p[e + 4]) + math.dist(p[e + 3], p[e + 5]),
            2.0 * math.dist(p[e], p[e + 1]),
        )
        for e in (_L, _R)
    ]
    iris = (_iris_offset(p, _L) + _iris_offset(p, _R)) / 2.0
    mouth_aspect = _ratio_of(math.dist(p[_M], p[_M + 1]), math.dist(p[_M + 2], p[_M + 3]))
    (ax, ay, _), (bx, by, _) = p[_E], p[_E + 1]
    width = math.hypot(bx - ax, by - ay)
    blink_left, blink_right, jaw = shapes[:3]
    smile, look_down, look_up = ((shapes[k] + shapes[k + 1]) / 2.0 for k in (3, 5, 7))
    quality = min(1.0, width / s.good_face_width_px) * max(0.0, math.cos(math.radians(yaw)))
    mouth_open = min(1.0, max(0.0, jaw / s.jaw_open_full, mouth_aspect / s.mar_full))
    return _Geometry(  # positional, in field order (keywords cost a fifth of the features)
        ears[0],
        ears[1],
        blink_left,
        blink_right,
        quality,
        mouth_open,
        jaw,
        smile,
        look_down,
        yaw,
        pitch,
        roll,
        yaw + iris * s.iris_yaw_deg_per_unit,
        pitch + (look_down - look_up) * s.eye_pitch_deg_per_unit,
        width,
    )


def _ratio_of(top: float, bottom: float) -> float:
    """:func:`_ratio` for one pair of numbers."""
    return top / bottom if bottom > 1e-6 else 0.0


def _iris_offset(p: list[Point], eye: int) -> float:
    """:func:`_iris_offsets` for the eye whose points start at ``eye``."""
    outer, inner = p[eye], p[eye + 1]
    (ax, ay, az), (bx, by, bz) = (outer, inner) if outer[0] < inner[0] else (inner, outer)
    dx, dy, dz = bx - ax, by - ay, bz - az
    length2 = dx * dx + dy * dy + dz * dz
    if length2 <= 1e-9:
        return 0.0
    ix, iy, iz = p[eye + 6]
    return 2.0 * ((ix - ax) * dx + (iy - ay) * dy + (iz - az) * dz) / length2 - 1.0


def _batch_geometry(faces: Sequence[FaceObservation], s: FeatureSettings) -> list[_Geometry]:
    """:class:`_Geometry` of many faces in a few numpy calls, each over every face."""
    # np.array of a list of arrays: several times faster than np.stack for many small ones
    points = np.array([face.landmarks for face in faces])[:, _POINTS].astype(np.float64)
    shapes = np.array([face.blendshapes for face in faces], dtype=np.float64)[:, _SHAPES]
    pose = _head_poses(np.array([face.matrix for face in faces], dtype=np.float64))

    gaps = points[:, _DIST_FROM] - points[:, _DIST_TO]
    dist = np.sqrt(np.einsum("npk,npk->np", gaps, gaps))  # see _DIST_FROM
    ears = _ratio(dist[:, [1, 4]] + dist[:, [2, 5]], 2.0 * dist[:, [0, 3]])  # (left, right)
    mouth_aspect = _ratio(dist[:, 6], dist[:, 7])
    offsets = _iris_offsets(points)
    iris = (offsets[:, 0] + offsets[:, 1]) / 2.0
    edge = points[:, _E + 1, :2] - points[:, _E, :2]
    width = np.hypot(edge[:, 0], edge[:, 1])
    smile, look_down, look_up = ((shapes[:, 3::2] + shapes[:, 4::2]) / 2.0).T
    blinks, jaw = shapes[:, :2], shapes[:, 2]
    yaw, pitch = pose[:, 0], pose[:, 1]
    quality = np.minimum(1.0, width / s.good_face_width_px) * np.maximum(
        0.0, np.cos(np.radians(yaw))
    )
    mouth_open = np.clip(np.maximum(jaw / s.jaw_open_full, mouth_aspect / s.mar_full), 0.0, 1.0)
    rows = np.column_stack(  # in _Geometry's field order (ears, blinks and pose are 2, 2, 3)
        (
            ears,
            blinks,
            quality,
            mouth_open,
            jaw,
            smile,
            look_down,
            pose,
            yaw + iris * s.iris_yaw_deg_per_unit,  # gaze yaw
            pitch + (look_down - look_up) * s.eye_pitch_deg_per_unit,  # gaze pitch
            width,
        )
    )
    return list(map(_Geometry._make, rows.tolist()))


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

        # One tuple unpack, then positional: attribute reads and keywords would cost more
        # than a fifth of a frame's features.
        (ear_left, ear_right, _, _, quality, mouth_open, jaw, smile, look_down) = g[:9]
        (yaw, pitch, roll, gaze_yaw, gaze_pitch, width) = g[9:]
        return FaceFeatures(  # in field order
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
