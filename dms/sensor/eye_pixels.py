"""Reading the eye regions' pixels on the module, so occlusion can be reported honestly.

Dark lenses make the face model invent open eyes. The pixels tell: behind sunglasses the
skin *around* the eye (lids, brow ridge, the skin under the eye) is as dark as the lens,
while a closed eye still shows bright lid skin there. So the module samples a ring around
each eye (sized by the eye's width, so it does not collapse when the lids close), points
inside the eye opening, and the cheek below, and keeps two numbers per eye.

Every sample position is a fixed linear combination of a few landmarks, so all of them
come from one small matrix product and one pixel gather: this runs on every frame.
"""

from __future__ import annotations

import numpy as np

from dms.sensor.face_mesh import LEFT_EYE, RIGHT_EYE, EyeIndices
from dms.sensor.observation import EyePixels

__all__ = ["measure_eyes"]

#: Ring around the eye centre, in eye widths along the eye axis and across it: beyond the
#: corners and over the lids, inside a typical lens (about 1.7 eye widths across).
RING_ALONG = 0.72
RING_ACROSS = 0.42
RING_POINTS = 16
#: Contour points are pulled this far toward the eye centre, to land inside the opening.
INSIDE_PULL = 0.4
#: Cheek samples sit around the cheek landmark, this many eye widths apart.
CHEEK_SPREAD = 0.12
#: Grey weights (ITU-R BT.601): no colour conversion of the whole frame is needed.
_GREY = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _sampling(eye: EyeIndices) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks one eye's samples depend on, and the (samples × 2, landmarks × 2) weights
    that turn their (x, y) into sample positions: ring, then inside, then cheek."""
    used = [eye.outer, eye.inner, *eye.contour, eye.cheek]
    col = {index: 2 * position for position, index in enumerate(dict.fromkeys(used))}
    landmarks = np.array(list(col), dtype=np.intp)

    def combination(terms: dict[int, tuple[float, float, float, float]]) -> np.ndarray:
        """terms: landmark -> (x from x, x from y, y from x, y from y) weights."""
        row = np.zeros((2, 2 * len(col)))
        for index, (xx, xy, yx, yy) in terms.items():
            c = col[index]
            row[0, c] += xx
            row[0, c + 1] += xy
            row[1, c] += yx
            row[1, c + 1] += yy
        return row

    rows = []
    for angle in np.linspace(0.0, 2.0 * np.pi, RING_POINTS, endpoint=False):
        a, b = np.cos(angle) * RING_ALONG, np.sin(angle) * RING_ACROSS
        # centre + a * axis + b * perpendicular(axis), with axis = inner - outer
        rows.append(
            combination(
                {eye.outer: (0.5 - a, b, -b, 0.5 - a), eye.inner: (0.5 + a, -b, b, 0.5 + a)}
            )
        )
    for index in eye.contour:
        pull = INSIDE_PULL / 2.0
        rows.append(
            combination({index: (1 - INSIDE_PULL, 0, 0, 1 - INSIDE_PULL)})
            + combination({eye.outer: (pull, 0, 0, pull), eye.inner: (pull, 0, 0, pull)})
        )
    for dx, dy in ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)):
        a, b = dx * CHEEK_SPREAD, dy * CHEEK_SPREAD
        rows.append(
            combination({eye.cheek: (1, 0, 0, 1)})
            + combination({eye.outer: (-a, b, -b, -a), eye.inner: (a, -b, b, a)})
        )
    return landmarks, np.vstack(rows)


_LEFT_LANDMARKS, _LEFT_WEIGHTS = _sampling(LEFT_EYE)
_RIGHT_LANDMARKS, _RIGHT_WEIGHTS = _sampling(RIGHT_EYE)
_LANDMARKS = np.concatenate([_LEFT_LANDMARKS, _RIGHT_LANDMARKS])
_WEIGHTS = np.zeros((len(_LEFT_WEIGHTS) * 2, len(_LANDMARKS) * 2), dtype=np.float32)
_WEIGHTS[: len(_LEFT_WEIGHTS), : 2 * len(_LEFT_LANDMARKS)] = _LEFT_WEIGHTS
_WEIGHTS[len(_LEFT_WEIGHTS) :, 2 * len(_LEFT_LANDMARKS) :] = _RIGHT_WEIGHTS
_INSIDE = slice(RING_POINTS, RING_POINTS + len(LEFT_EYE.contour))
_CHEEK = slice(_INSIDE.stop, None)


def measure_eyes(rgb: np.ndarray, landmarks: np.ndarray) -> tuple[EyePixels, EyePixels]:
    """(driver's left eye, driver's right eye) pixel numbers for one frame.

    Few numpy calls on purpose: this runs between two model calls, with cold caches, where
    each call costs several times what it does in a tight loop.
    """
    height, width = rgb.shape[:2]
    positions = (_WEIGHTS @ landmarks[_LANDMARKS, :2].reshape(-1)).astype(np.intp)
    positions = positions.reshape(-1, 2)
    np.clip(positions, 0, (width - 1, height - 1), out=positions)
    pixels = rgb.reshape(-1, 3)[positions @ (1, width)]  # row-major pixel index
    grey = (pixels @ _GREY).reshape(2, -1)  # one row per eye
    ring, cheek = grey[:, :RING_POINTS], grey[:, _CHEEK]
    ring.sort(axis=1)
    cheek.sort(axis=1)
    cheek_level = np.maximum(cheek[:, 2], 1.0)  # median of 5
    darkness = np.maximum(1.0 - ring[:, RING_POINTS // 2] / cheek_level, 0.0)
    inside = grey[:, _INSIDE]
    centred = inside - np.add.reduce(inside, axis=1, keepdims=True) / inside.shape[1]
    spread = np.sqrt(np.add.reduce(centred * centred, axis=1) / inside.shape[1])
    (left_texture, right_texture) = (spread / cheek_level).tolist()
    (left_dark, right_dark) = darkness.tolist()
    return (
        EyePixels(texture=left_texture, darkness=left_dark),
        EyePixels(texture=right_texture, darkness=right_dark),
    )
