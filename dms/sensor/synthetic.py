"""The synthetic driver's face: ground truth in, a :class:`FaceObservation` out.

It produces what the face model produces (478 landmarks in pixels, 52 blendshapes, the
facial transformation matrix, the eye-pixel numbers), so the same feature code runs in
replay and live. The face is the template derived from a real face
(:mod:`dms.sensor.face_template`), deformed for eyelids, jaw and iris, turned by the head
pose and projected into a 640×480 camera image, with sensor noise.

Deformations are linear in the ground truth: ``head = base + Σ weight_k · field_k`` for k in
(left lid, right lid, jaw, iris x, iris y). Each field moves a few coordinates only (173 of
1,434), and each coordinate follows one field at most, so a frame adds each field's weighted
values at its own coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from dms.sensor.face_mesh import LEFT_EYE, MOUTH, RIGHT_EYE, EyeIndices
from dms.sensor.face_template import load_template
from dms.sensor.features import FeatureSettings
from dms.sensor.observation import BLENDSHAPES, EyePixels, FaceObservation, blendshape_index

__all__ = ["CameraSetup", "FacePose", "FacePoses", "SyntheticFace"]

_IRIS = {id(RIGHT_EYE): range(468, 473), id(LEFT_EYE): range(473, 478)}
#: Sunglasses: the face model still "sees" eyes, about this open (measured: EAR 0.22-0.24).
_OCCLUDED_APERTURE = 0.7
_POOL_MIN = 1 << 16
_POOL_FACTOR = 8  # the pool holds this many draws' worth, so stretches rarely repeat
_SCORE_NOISE = 0.01
_SHUT_LOOK_DOWN = 0.75
#: A glance down raises eyeBlink like a closure (real faces: ~0.66 looking down).
_DOWN_BLINK = 0.6  # blendshape score jitter (standard deviation)
_CLEAR = (EyePixels(texture=0.30, darkness=0.15),) * 2
_DARK = (EyePixels(texture=0.01, darkness=0.93),) * 2


@dataclass(frozen=True, slots=True)
class FacePose:
    """Ground truth of one frame. Angles in degrees, driver's own left positive."""

    t_s: float
    present: bool = True
    occluded: bool = False  # dark lenses over the eyes
    aperture_left: float = 1.0  # 0 shut .. 1 as open as this driver's eyes usually are
    aperture_right: float = 1.0
    head_yaw_deg: float = 0.0
    head_pitch_deg: float = 0.0  # + head down
    head_roll_deg: float = 0.0  # + toward the driver's right shoulder
    eye_yaw_deg: float = 0.0  # eyes in the head
    eye_pitch_deg: float = 0.0  # + down
    mouth_open: float = 0.0  # 0 closed .. 1 a wide yawn
    smile: float = 0.0


@dataclass(frozen=True, slots=True, eq=False)
class FacePoses:
    """Ground truth of many frames: one array per :class:`FacePose` field."""

    t_s: np.ndarray
    present: np.ndarray
    occluded: np.ndarray
    aperture_left: np.ndarray
    aperture_right: np.ndarray
    head_yaw_deg: np.ndarray
    head_pitch_deg: np.ndarray
    head_roll_deg: np.ndarray
    eye_yaw_deg: np.ndarray
    eye_pitch_deg: np.ndarray
    mouth_open: np.ndarray
    smile: np.ndarray

    def __len__(self) -> int:
        return len(self.t_s)

    @classmethod
    def of(cls, poses: list[FacePose]) -> FacePoses:
        return cls(*(np.array([getattr(p, f) for p in poses]) for f in _POSE_FIELDS))

    def pose(self, i: int) -> FacePose:
        return FacePose(*(getattr(self, f)[i].item() for f in _POSE_FIELDS))

    def window(self, start: int, stop: int) -> FacePoses:
        return FacePoses(*(getattr(self, f)[start:stop] for f in _POSE_FIELDS))


_POSE_FIELDS = tuple(f.name for f in fields(FacePose))


@dataclass(frozen=True, slots=True)
class CameraSetup:
    width_px: int = 640
    height_px: int = 480
    eye_span_px: float = 65.0  # outer eye corner to outer eye corner: a driver at ~65 cm
    distance_cm: float = 65.0


def _rotations(yaw_deg: np.ndarray, pitch_deg: np.ndarray, roll_deg: np.ndarray) -> np.ndarray:
    """(n, 3, 3): R = Rz(roll) · Ry(yaw) · Rx(pitch) in the camera frame (x right, y up,
    z toward the camera), the decomposition :func:`dms.sensor.features.head_pose_deg` reads."""
    y, p, r = np.radians(yaw_deg), np.radians(pitch_deg), np.radians(roll_deg)
    cy, sy, cp, sp, cr, sr = np.cos(y), np.sin(y), np.cos(p), np.sin(p), np.cos(r), np.sin(r)
    rows = [
        [cr * cy, cr * sy * sp - sr * cp, cr * sy * cp + sr * sp],
        [sr * cy, sr * sy * sp + cr * cp, sr * sy * cp - cr * sp],
        [-sy, cy * sp, cy * cp],
    ]
    return np.stack([np.stack(row, axis=-1) for row in rows], axis=-2).astype(np.float32)


def _lid_pairs(eye: EyeIndices) -> list[tuple[int, int]]:
    """(upper, lower) lid points facing each other: the contour runs corner, upper lid,
    corner, lower lid back."""
    contour = eye.contour
    half = len(contour) // 2
    upper = contour[1:half]
    lower = contour[half + 1 :][::-1]
    return list(zip(upper, lower, strict=True))


def _ear(points: np.ndarray, eye: EyeIndices) -> float:
    width = float(np.linalg.norm(points[eye.outer] - points[eye.inner]))
    gaps = [
        float(np.linalg.norm(points[u] - points[d]))
        for u, d in zip(eye.upper, eye.lower, strict=True)
    ]
    return sum(gaps) / (len(gaps) * width)


class _NoisePool:
    """Gaussian noise as random stretches of one large draw: drawing fresh numbers for
    every frame costs more than rendering the face."""

    def __init__(self, rng: np.random.Generator, sigma: float) -> None:
        self._rng = rng
        self._sigma = sigma
        self._pool: np.ndarray | None = None

    def take(self, count: int) -> np.ndarray:
        if self._pool is None or len(self._pool) < _POOL_FACTOR * count:
            size = max(_POOL_MIN, _POOL_FACTOR * count)
            unit = self._rng.standard_normal(size=size, dtype=np.float32)
            self._pool = unit * np.float32(self._sigma)
        start = int(self._rng.integers(0, len(self._pool) - count + 1))
        return self._pool[start : start + count]


class SyntheticFace:
    """Renders :class:`FacePose` frames as face-model observations, deterministically."""

    def __init__(
        self,
        rng: np.random.Generator,
        *,
        eye_aperture: float = 1.0,
        noise_px: float = 0.3,
        camera: CameraSetup | None = None,
        template: np.ndarray | None = None,
    ) -> None:
        self.rng = rng
        self.noise_px = noise_px
        self.camera = camera or CameraSetup()
        features = FeatureSettings()
        self._blink_open, self._blink_shut = features.blink_open_default, features.blink_shut
        self._jaw_full = features.jaw_open_full
        self._mar_full = features.mar_full
        self._iris_deg = features.iris_yaw_deg_per_unit
        self._pitch_deg = features.eye_pitch_deg_per_unit
        face = (template if template is not None else load_template()).astype(np.float64)
        self._base, fields = self._build(face, features.ear_shut, eye_aperture)
        #: Per field, the coordinates it moves (into the flattened face) and by how much.
        self._fields = [(np.flatnonzero(field), field[field != 0]) for field in fields]
        self._shape_base, self._shape_mix = self._mixing()
        self._look_down = (
            blendshape_index("eyeLookDownLeft"),
            blendshape_index("eyeLookDownRight"),
        )
        self._pixel_noise = _NoisePool(rng, noise_px)
        self._score_noise = _NoisePool(rng, _SCORE_NOISE)
        cam = self.camera
        # Camera frame (y up, z toward the camera) -> image pixels (y down, z away): a scale
        # folded into each frame's rotation, then the image centre added to every point.
        self._to_image = np.array([1.0, -1.0, -1.0], dtype=np.float32) * np.float32(cam.eye_span_px)
        centre = np.array([cam.width_px / 2.0, cam.height_px / 2.0, 0.0], dtype=np.float32)
        self._centres = np.tile(centre, self._base.size // 3)  # one per coordinate

    def _build(
        self, face: np.ndarray, ear_shut: float, aperture: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """The shut-eyed, closed-mouth, centred-iris base face and the unit fields."""
        base = face.copy()
        fields = np.zeros((5, *face.shape))
        for k, eye in enumerate((LEFT_EYE, RIGHT_EYE)):
            shut_ratio = ear_shut / _ear(face, eye)  # shut lids keep lashes' width apart
            for upper, lower in _lid_pairs(eye):
                gap = face[upper] - face[lower]
                shut_gap, open_gap = gap * shut_ratio, gap * aperture
                # gap(a) = shut + a (open - shut); the upper lid does 80 % of the moving
                base[upper] += 0.8 * (shut_gap - gap)
                base[lower] -= 0.2 * (shut_gap - gap)
                fields[k, upper] = 0.8 * (open_gap - shut_gap)
                fields[k, lower] = -0.2 * (open_gap - shut_gap)
            iris = list(_IRIS[id(eye)])
            a, b = face[eye.outer], face[eye.inner]
            if a[0] > b[0]:
                a, b = b, a
            half_width = float(np.linalg.norm(b - a)) / 2.0
            offset = (float((face[eye.iris] - a) @ (b - a)) / float((b - a) @ (b - a))) * 2.0 - 1.0
            base[iris, 0] -= offset * half_width  # centre the iris
            fields[3, iris, 0] = half_width  # one unit of iris offset
            fields[4, iris, 1] = -half_width  # one unit of downward look
        # Jaw: everything from the lower inner lip down moves down; the mouth aspect ratio
        # |13-14| / |78-308| then grows by one unit per mouth width moved.
        width = float(np.linalg.norm(face[MOUTH.left] - face[MOUTH.right]))
        mar = float(np.linalg.norm(face[MOUTH.upper] - face[MOUTH.lower])) / width
        jaw = face[:, 1] <= face[MOUTH.lower, 1] + 1e-6
        base[jaw, 1] += mar * width  # close the lips
        fields[2, jaw, 1] = -width
        return base.astype(np.float32), fields.reshape(5, -1).astype(np.float32)

    def observe(self, pose: FacePose) -> FaceObservation | None:
        """The face model's output for one frame (``None`` when no face is seen)."""
        return self.render(FacePoses.of([pose]))[0]

    def render(self, poses: FacePoses) -> list[FaceObservation | None]:
        """The face model's output for a run of frames, computed together (replay renders
        frames in chunks: per-frame numpy calls would cost more than the work itself)."""
        n = len(poses)
        rng, noise = self.rng, self.noise_px
        left = np.where(poses.occluded, _OCCLUDED_APERTURE, poses.aperture_left)
        right = np.where(poses.occluded, _OCCLUDED_APERTURE, poses.aperture_right)
        weights = np.stack(
            [
                left,
                right,
                poses.mouth_open * self._mar_full,
                poses.eye_yaw_deg / self._iris_deg,
                poses.eye_pitch_deg / self._pitch_deg,
            ],
            axis=1,
        ).astype(np.float32)
        head = np.repeat(self._base.reshape(1, -1), n, axis=0)
        for k, (moved, values) in enumerate(self._fields):
            head[:, moved] += weights[:, k, None] * values
        head = head.reshape(n, -1, 3)
        angles = np.stack([poses.head_yaw_deg, poses.head_pitch_deg, poses.head_roll_deg], axis=1)
        if noise > 0:
            angles = angles + rng.normal(0.0, 0.3, size=angles.shape)
        rotation = _rotations(angles[:, 0], angles[:, 1], angles[:, 2])
        cam = self.camera
        landmarks = np.matmul(head, rotation.transpose(0, 2, 1) * self._to_image)
        flat = landmarks.reshape(n, -1)  # rows of 1,434 coordinates: numpy loops fast on them
        flat += self._centres
        if noise > 0:
            flat += self._pixel_noise.take(flat.size).reshape(flat.shape)
        matrices = np.zeros((n, 4, 4), dtype=np.float32)
        matrices[:, :3, :3] = rotation
        matrices[:, 2, 3] = -cam.distance_cm
        matrices[:, 3, 3] = 1.0
        shapes = self._blendshapes(poses, left, right)
        size = (cam.width_px, cam.height_px)
        frames = zip(
            poses.present.tolist(),
            poses.occluded.tolist(),
            poses.t_s.tolist(),
            landmarks,  # iterating an array yields its rows as views, at C speed
            shapes,
            matrices,
            strict=True,
        )
        return [
            FaceObservation(points, scores, matrix, size, t_s, _DARK if occluded else _CLEAR)
            if present
            else None
            for present, occluded, t_s, points, scores, matrix in frames
        ]

    def _blendshapes(self, poses: FacePoses, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """(frames, 52) scores: each is a fixed mix of the ground truth (``_mix``)."""
        drivers = np.stack(
            [
                1.0 - left,
                1.0 - right,
                poses.mouth_open,
                poses.smile,
                np.maximum(poses.eye_yaw_deg, 0.0) / self._iris_deg,
                np.maximum(-poses.eye_yaw_deg, 0.0) / self._iris_deg,
                np.maximum(poses.eye_pitch_deg, 0.0) / self._pitch_deg,
                np.maximum(-poses.eye_pitch_deg, 0.0) / self._pitch_deg,
            ],
            axis=1,
        ).astype(np.float32)
        shapes = self._shape_base + drivers @ self._shape_mix
        # Shut eyes read as looking down too (eyeLookDown 0.55-0.9 on real closed eyes).
        for column, closure in (
            (self._look_down[0], drivers[:, 0]),
            (self._look_down[1], drivers[:, 1]),
        ):
            np.maximum(shapes[:, column], _SHUT_LOOK_DOWN * closure, out=shapes[:, column])
        if self.noise_px > 0:
            shapes += self._score_noise.take(shapes.size).reshape(shapes.shape)
        clipped: np.ndarray = np.clip(shapes, 0.0, 1.0, out=shapes)
        return clipped

    def _mixing(self) -> tuple[np.ndarray, np.ndarray]:
        """Blendshape base and the (8, 52) matrix from ground-truth drivers to scores."""
        base = np.zeros(len(BLENDSHAPES), dtype=np.float32)
        mix = np.zeros((8, len(BLENDSHAPES)), dtype=np.float32)
        index = blendshape_index
        span = self._blink_shut - self._blink_open
        base[index("eyeBlinkLeft")] = base[index("eyeBlinkRight")] = self._blink_open
        mix[0, index("eyeBlinkLeft")] = span  # driver 0: left eye closure
        mix[1, index("eyeBlinkRight")] = span
        mix[2, index("jawOpen")] = self._jaw_full  # driver 2: mouth opening
        for name in ("mouthSmileLeft", "mouthSmileRight"):
            mix[3, index(name)] = 1.0  # driver 3: smile
        for name in ("eyeSquintLeft", "eyeSquintRight"):
            mix[3, index(name)] = 0.5
        for name in ("eyeLookOutLeft", "eyeLookInRight"):
            mix[4, index(name)] = 1.0  # driver 4: looking to the driver's left
        for name in ("eyeLookInLeft", "eyeLookOutRight"):
            mix[5, index(name)] = 1.0
        for name in ("eyeLookDownLeft", "eyeLookDownRight"):
            mix[6, index(name)] = 1.0
        for name in ("eyeBlinkLeft", "eyeBlinkRight"):  # looking down reads as blinking
            mix[6, index(name)] = _DOWN_BLINK
        for name in ("eyeLookUpLeft", "eyeLookUpRight"):
            mix[7, index(name)] = 1.0
        return base, mix
