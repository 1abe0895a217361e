"""Landmark indices of the Face Landmarker mesh that the features use, by the driver's side.

On an unmirrored camera the driver's right eye is on the image's left: landmarks 33/133
and iris centre 468 belong to it; 362/263 and iris 473 to the driver's left eye.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LEFT_EYE", "MOUTH", "RIGHT_EYE", "EyeIndices"]


@dataclass(frozen=True, slots=True)
class EyeIndices:
    outer: int  # corner toward the ear
    inner: int  # corner toward the nose
    upper: tuple[int, int]  # lid points above ``lower``, pairwise (for the aspect ratio)
    lower: tuple[int, int]
    iris: int  # iris centre
    contour: tuple[int, ...]  # lid outline
    cheek: int  # a skin point below the eye
    lid_middle: tuple[int, int]  # (upper, lower) lid points over the iris
    iris_edges: tuple[int, int]  # the iris's outer and inner edge points (its width)


#: The driver's right eye (the image's left one on an unmirrored camera).
RIGHT_EYE = EyeIndices(
    outer=33,
    inner=133,
    upper=(160, 158),
    lower=(144, 153),
    iris=468,
    contour=(33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7),
    cheek=50,
    lid_middle=(159, 145),
    iris_edges=(469, 471),
)

#: The driver's left eye (the image's right one).
LEFT_EYE = EyeIndices(
    outer=263,
    inner=362,
    upper=(385, 387),
    lower=(380, 373),
    iris=473,
    contour=(362, 398, 384, 385, 386, 387, 388, 466, 263, 249, 390, 373, 374, 380, 381, 382),
    cheek=280,
    lid_middle=(386, 374),
    iris_edges=(474, 476),
)


@dataclass(frozen=True, slots=True)
class MouthIndices:
    upper: int  # inner upper lip, centre
    lower: int  # inner lower lip, centre
    left: int  # inner corner on the image's left
    right: int  # inner corner on the image's right


MOUTH = MouthIndices(upper=13, lower=14, left=78, right=308)
