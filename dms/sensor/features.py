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
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, NamedTuple

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
    # A glance down with lowered lids, not a closure: the eyes look down (eyeLookDown of a
    # lowered-lid glance 0.45-0.56; shut eyes read 0.55-0.9 too, so this alone cannot tell)
    # and the lids leave over a third of the iris width in view (lowered lids 0.38-0.42 of
    # it; shut eyes 0.05-0.26, measured on the real clips); the glance lasts until the
    # lids cover more than that (a blink during the glance), or the eyes stop looking down.
    look_down_min: float = 0.35
    iris_exposed_min: float = 0.35
    iris_covered_below: float = 0.27
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
    iris_exposure: float = 0.0  # share of the iris width the lids leave uncovered
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


def _array_dist(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> np.ndarray:
    """:func:`math.dist` over arrays of points (x, y, z arrays, one element per face)."""
    (ax, ay, az), (bx, by, bz) = a, b
    dx, dy, dz = ax - bx, ay - by, az - bz
    dist: np.ndarray = np.sqrt(dx * dx + dy * dy + dz * dz)
    return dist


#: The maths of one face, on Python floats (a camera hands over one frame at a time), and
#: the same maths on numpy arrays with one element per face (replay's batches). Plain
#: namespaces: the formulas below look each function up per use.
_FLOATS = SimpleNamespace(
    atan2=math.atan2,
    degrees=math.degrees,
    cos=math.cos,
    radians=math.radians,
    sqrt=math.sqrt,
    minimum=min,
    maximum=max,
    dist=math.dist,
    hypot=math.hypot,
)
_ARRAYS = SimpleNamespace(
    atan2=np.arctan2,
    degrees=np.degrees,
    cos=np.cos,
    radians=np.radians,
    sqrt=np.sqrt,
    minimum=np.minimum,
    maximum=np.maximum,
    dist=_array_dist,
    hypot=np.hypot,
)

#: One number per face: a float for one face, an array over a batch of faces.
Num = Any


def _pose(m: Sequence[Num], xp: Any) -> tuple[Num, Num, Num]:
    """(yaw, pitch, roll) of the face relative to its line of sight to the camera, from the
    matrix entries (r00, r10, r20, r21, r22, x, y, z).

    The transformation matrix maps the canonical face into camera space (x right, y up,
    z toward the viewer) as ``R = Rz(roll) · Ry(yaw) · Rx(pitch)``. A face off the optical
    axis that looks into the lens is rotated by the angle of its offset; that angle is
    removed, so pose means "relative to looking at the camera".
    """
    r00, r10, r20, r21, r22, x, y, z = m
    in_front = z < 0  # the face is in front of the camera, as it always is for a real face
    degrees, atan2 = xp.degrees, xp.atan2
    yaw = degrees(atan2(-r20, xp.sqrt(r21 * r21 + r22 * r22)))
    yaw = yaw + in_front * degrees(atan2(x, -z))
    pitch = degrees(atan2(r21, r22)) - in_front * degrees(atan2(y, -z))
    return yaw, pitch, degrees(atan2(r10, r00))


def _ratio(top: Num, bottom: Num, xp: Any) -> Num:
    """``top / bottom``, 0 where ``bottom`` is degenerate (a collapsed eye or mouth)."""
    return top / xp.maximum(bottom, 1e-6) * (bottom > 1e-6)


def _iris_offset(p: Sequence[Sequence[Num]], eye: int, xp: Any) -> Num:
    """The iris position along the eye whose points start at ``eye``: -1 at the image-left
    corner .. +1 at the image-right one.

    Measured in 3-D: the iris sits in front of the corners, so in the image alone a turned
    head would shift it (parallax); along the 3-D eye axis it does not.
    """
    (ox, oy, oz), (nx, ny, nz), (ix, iy, iz) = p[eye], p[eye + 1], p[eye + 6]
    dx, dy, dz = nx - ox, ny - oy, nz - oz  # outer corner to inner corner
    length2 = dx * dx + dy * dy + dz * dz
    along = (ix - ox) * dx + (iy - oy) * dy + (iz - oz) * dz
    from_outer = (_ratio(2.0 * along, length2, xp) - 1.0) * (length2 > 1e-6)
    # Counted from the image-left corner: the outer one for one eye, the inner for the other.
    return from_outer * (2 * (ox < nx) - 1)


def _measure(
    p: Sequence[Sequence[Num]], shapes: Sequence[Num], m: Sequence[Num], s: FeatureSettings, xp: Any
) -> tuple[Num, ...]:
    """The one implementation of a face's geometry, from the face model's output on, for
    one face in floats (``xp=_FLOATS``) or for many at once in arrays (``xp=_ARRAYS``):
    :class:`_Geometry`'s fields, in order. ``p`` are the points of :data:`_POINTS`,
    ``shapes`` the blendshapes of :data:`_SHAPES`, ``m`` the matrix entries :func:`_pose`
    reads."""
    yaw, pitch, roll = _pose(m, xp)
    dist, ratio = xp.dist, _ratio
    ear_left = ratio(
        dist(p[_L + 2], p[_L + 4]) + dist(p[_L + 3], p[_L + 5]), 2.0 * dist(p[_L], p[_L + 1]), xp
    )
    ear_right = ratio(
        dist(p[_R + 2], p[_R + 4]) + dist(p[_R + 3], p[_R + 5]), 2.0 * dist(p[_R], p[_R + 1]), xp
    )
    # How much of the iris the lids leave uncovered, as a share of its width: a glance
    # down lowers the lids over part of it, shut lids cover it.
    # (The iris never collapses: the model always gives it its width.)
    maximum = xp.maximum
    exposure = (
        dist(p[_L + 7], p[_L + 8]) / maximum(dist(p[_L + 9], p[_L + 10]), 1e-6)
        + dist(p[_R + 7], p[_R + 8]) / maximum(dist(p[_R + 9], p[_R + 10]), 1e-6)
    ) / 2.0
    iris = (_iris_offset(p, _L, xp) + _iris_offset(p, _R, xp)) / 2.0
    mouth_aspect = ratio(dist(p[_M], p[_M + 1]), dist(p[_M + 2], p[_M + 3]), xp)
    (ax, ay, _), (bx, by, _) = p[_E], p[_E + 1]
    width = xp.hypot(bx - ax, by - ay)
    blink_left, blink_right, jaw = shapes[:3]
    smile = (shapes[3] + shapes[4]) / 2.0
    look_down = (shapes[5] + shapes[6]) / 2.0
    look_up = (shapes[7] + shapes[8]) / 2.0
    quality = xp.minimum(1.0, width / s.good_face_width_px) * xp.maximum(
        0.0, xp.cos(xp.radians(yaw))
    )
    mouth_open = xp.minimum(
        1.0, xp.maximum(xp.maximum(0.0, jaw / s.jaw_open_full), mouth_aspect / s.mar_full)
    )
    return (  # in _Geometry's field order
        ear_left,
        ear_right,
        blink_left,
        blink_right,
        exposure,
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


def _matrix_entries(matrix: np.ndarray) -> tuple[float, ...]:
    """The entries :func:`_pose` reads, of one 4×4 matrix, as floats."""
    (r00, _, _, x), (r10, _, _, y), (r20, r21, r22, z), _ = matrix.tolist()
    return r00, r10, r20, r21, r22, x, y, z


def head_pose_deg(matrix: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) of one face from its 4×4 matrix; see :func:`_pose`."""
    yaw, pitch, roll = _pose(_matrix_entries(matrix), _FLOATS)
    return float(yaw), float(pitch), float(roll)


def _eye_points(eye: EyeIndices) -> tuple[int, ...]:
    """The landmarks one eye's features read: corners, lid pairs, iris centre, the lids
    over the iris and the iris's edges."""
    return (
        eye.outer,
        eye.inner,
        *eye.upper,
        *eye.lower,
        eye.iris,
        *eye.lid_middle,
        *eye.iris_edges,
    )


#: Cheek edges of the face mesh (the face's width).
_FACE_EDGES = (234, 454)
#: Every landmark a frame's features read, gathered in one go: left eye (see
#: :func:`_eye_points`), right eye (the same), mouth (upper, lower, left, right), face
#: edges. The indices below point into this list.
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
_EYE_POINTS = len(_eye_points(LEFT_EYE))
_L, _R = 0, _EYE_POINTS  # where the left and right eye start
_M = 2 * _EYE_POINTS  # the mouth
_E = _M + 4  # the face edges
#: Blendshapes read: eyeBlink left/right, jawOpen, then left/right pairs of mouthSmile,
#: eyeLookDown and eyeLookUp.
_SHAPES = np.array([_BLINK_LEFT, _BLINK_RIGHT, _JAW_OPEN, *_SMILE, *_LOOK_DOWN, *_LOOK_UP])
#: Matrix entries :func:`_pose` reads, as (row, column).
_MATRIX_ROWS, _MATRIX_COLS = np.array([0, 1, 2, 2, 2, 0, 1, 2]), np.array([0, 0, 0, 1, 2, 3, 3, 3])


class _Geometry(NamedTuple):
    """One face's numbers that do not depend on the driver's history."""

    ear_left: float
    ear_right: float
    blink_left: float
    blink_right: float
    iris_exposure: float
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


#: Open-eyed frames whose median eye angle is the gaze's (see FeatureExtractor._frame).
EYE_PITCH_MEDIAN_FRAMES = 5
EYE_YAW_MEDIAN_FRAMES = 3

#: Batches smaller than this are measured face by face in floats: a numpy call costs
#: about as much as a face's whole geometry in plain Python.
VECTOR_MIN_FACES = 16


def _geometry(faces: Sequence[FaceObservation], s: FeatureSettings) -> list[_Geometry]:
    """:class:`_Geometry` of many faces, through the one :func:`_measure`: in floats for a
    camera's single frames, in arrays over replay's batches."""
    if len(faces) < VECTOR_MIN_FACES:
        return [
            _Geometry._make(
                _measure(
                    face.landmarks.take(_POINTS, axis=0).tolist(),
                    face.blendshapes.take(_SHAPES).tolist(),
                    _matrix_entries(face.matrix),
                    s,
                    _FLOATS,
                )
            )
            for face in faces
        ]
    # np.array of a list of arrays: several times faster than np.stack for many small ones
    points = np.array([face.landmarks for face in faces])[:, _POINTS].astype(np.float64)
    shapes = np.array([face.blendshapes for face in faces], dtype=np.float64)[:, _SHAPES]
    matrices = np.array([face.matrix for face in faces], dtype=np.float64)
    columns = _measure(
        points.transpose(1, 2, 0),  # per point: its x, y and z over the faces
        shapes.T,
        matrices[:, _MATRIX_ROWS, _MATRIX_COLS].T,
        s,
        _ARRAYS,
    )
    return list(map(_Geometry._make, np.column_stack(columns).tolist()))


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
        self._lowered = False  # a glance down with lowered lids is under way
        # The eyes' yaw and pitch in the head on the last open-eyed frames, for medians.
        self._eye_yaws: deque[float] = deque(maxlen=EYE_YAW_MEDIAN_FRAMES)
        self._eye_pitches: deque[float] = deque(maxlen=EYE_PITCH_MEDIAN_FRAMES)
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
        # One tuple unpack, then positional: attribute reads and keywords would cost more
        # than a fifth of a frame's features.
        (ear_left, ear_right, _, _, exposure, quality, mouth_open, jaw, smile, look_down) = g[:10]
        (yaw, pitch, roll, gaze_yaw, gaze_pitch, width) = g[10:]
        # A glance down lowers the lids until they read as shut; the eyes still look (down)
        # and the iris is still in view: that is no closure, however low the lids.
        exposed = s.iris_covered_below if self._lowered else s.iris_exposed_min
        lowered = self._lowered = look_down >= s.look_down_min and exposure >= exposed
        if not visible or lowered:
            self._closed = False
        elif self._closed:
            self._closed = mean_open < s.open_above
        else:
            self._closed = mean_open < s.closed_below
        # Where the eyes point in the head, as medians over the last open-eyed frames (shut
        # lids hide it): the iris of a small face jitters from frame to frame, and the
        # frame a blink closes or opens reads as a look down (eyeLookDown rises with the
        # lid). Five frames outvote a blink's two odd ones in pitch; three frames steady
        # the yaw and keep a quick look aside (a third of a second) whole.
        yaws, pitches = self._eye_yaws, self._eye_pitches
        if not self._closed:
            yaws.append(gaze_yaw - yaw)
            pitches.append(gaze_pitch - pitch)
        gaze_yaw = yaw + (sorted(yaws)[len(yaws) // 2] if yaws else 0.0)
        gaze_pitch = pitch + (sorted(pitches)[len(pitches) // 2] if pitches else 0.0)
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
            exposure,
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
