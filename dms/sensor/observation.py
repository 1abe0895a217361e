"""What the face model reports for one frame, as plain arrays (no pixels, no mediapipe).

The synthetic driver produces the very same type, so feature code cannot tell replay
from a real camera.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import numpy as np

from dms.errors import ConfigError

__all__ = ["BLENDSHAPES", "LANDMARK_COUNT", "EyePixels", "FaceObservation", "blendshape_index"]

LANDMARK_COUNT = 478

#: The Face Landmarker's 52 blendshapes, in the model's output order. ``Left``/``Right`` in
#: these names are the subject's own, as in ARKit.
BLENDSHAPES: tuple[str, ...] = (
    "_neutral",
    "browDownLeft",
    "browDownRight",
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "cheekPuff",
    "cheekSquintLeft",
    "cheekSquintRight",
    "eyeBlinkLeft",
    "eyeBlinkRight",
    "eyeLookDownLeft",
    "eyeLookDownRight",
    "eyeLookInLeft",
    "eyeLookInRight",
    "eyeLookOutLeft",
    "eyeLookOutRight",
    "eyeLookUpLeft",
    "eyeLookUpRight",
    "eyeSquintLeft",
    "eyeSquintRight",
    "eyeWideLeft",
    "eyeWideRight",
    "jawForward",
    "jawLeft",
    "jawOpen",
    "jawRight",
    "mouthClose",
    "mouthDimpleLeft",
    "mouthDimpleRight",
    "mouthFrownLeft",
    "mouthFrownRight",
    "mouthFunnel",
    "mouthLeft",
    "mouthLowerDownLeft",
    "mouthLowerDownRight",
    "mouthPressLeft",
    "mouthPressRight",
    "mouthPucker",
    "mouthRight",
    "mouthRollLower",
    "mouthRollUpper",
    "mouthShrugLower",
    "mouthShrugUpper",
    "mouthSmileLeft",
    "mouthSmileRight",
    "mouthStretchLeft",
    "mouthStretchRight",
    "mouthUpperUpLeft",
    "mouthUpperUpRight",
    "noseSneerLeft",
    "noseSneerRight",
)
_INDEX = {name: i for i, name in enumerate(BLENDSHAPES)}


def blendshape_index(name: str) -> int:
    """Where blendshape ``name`` sits in the model's output; a :class:`ConfigError` names an
    unknown one, with the nearest real name."""
    index = _INDEX.get(name)
    if index is None:
        hint = difflib.get_close_matches(name, BLENDSHAPES, n=1)
        guess = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ConfigError(f"no blendshape {name!r} in the Face Landmarker's output{guess}")
    return index


@dataclass(frozen=True, slots=True)
class EyePixels:
    """Numbers the module reads off one eye region before the pixels are dropped.

    ``texture`` is the eye region's local contrast relative to the surrounding skin: an
    open eye shows sclera, iris and lid edges; dark lenses show a flat, dark patch.
    ``darkness`` is how much darker than the skin the region is (0 = as bright, 1 = black).
    """

    texture: float
    darkness: float


@dataclass(frozen=True, slots=True, eq=False)
class FaceObservation:
    """The driver's face in one frame.

    ``landmarks`` are 478 points (468 mesh + 10 iris) in pixels of the full image: x to the
    right, y down, z depth at the scale of x (smaller is closer to the camera).
    ``blendshapes`` are the 52 scores in :data:`BLENDSHAPES` order. ``matrix`` is the 4×4
    facial transformation matrix (canonical face -> camera, centimetres).
    ``eyes`` holds the pixel-derived numbers of the driver's (left, right) eye, or ``None``
    where the source has no pixels to judge.
    """

    landmarks: np.ndarray
    blendshapes: np.ndarray
    matrix: np.ndarray
    image_size: tuple[int, int]  # (width, height) in pixels
    t_s: float
    eyes: tuple[EyePixels, EyePixels] | None = None

    def blendshape(self, name: str) -> float:
        return float(self.blendshapes[blendshape_index(name)])
