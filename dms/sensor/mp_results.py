"""Face Landmarker results as numpy arrays, read straight from MediaPipe's C result.

MediaPipe's Python API turns every result into 478 landmark and 52 category objects (about
2.5 ms a frame here, a fifth of the model's own time) only for us to turn them back into
arrays. From mediapipe 1.0 the Tasks API is a thin ctypes layer over a C library; this
module calls the same C functions its ``detect``/``detect_for_video`` call and copies the
numbers out with numpy. It uses only what those methods use, and checks for it up front:
when the layout is not there (another mediapipe version) :func:`fast_reader` returns
``None`` and the landmarker keeps to the public API. A test holds both paths equal.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["RawFace", "fast_reader", "public_faces"]

#: One face: normalised landmarks (N, 3), blendshape scores (52,), 4×4 matrix.
RawFace = tuple[np.ndarray, np.ndarray, np.ndarray]
#: (image, timestamp in ms or None for IMAGE mode) -> (faces, seconds in MediaPipe's C calls)
Reader = Callable[[Any, int | None], tuple[list[RawFace], float]]


def public_faces(result: Any) -> list[RawFace]:
    """The faces of a public ``FaceLandmarkerResult``."""
    faces = []
    for i, points in enumerate(result.face_landmarks):
        xyz = np.array([(p.x, p.y, p.z) for p in points], dtype=np.float32)
        scores = np.array([c.score for c in result.face_blendshapes[i]], dtype=np.float32)
        matrix = np.asarray(result.facial_transformation_matrixes[i], dtype=np.float32)
        faces.append((xyz, scores, matrix))
    return faces


def _float_column(struct: Any, name: str) -> int | None:
    """Where field ``name`` sits when an array of ``struct`` is read as rows of float32."""
    size, offset = ctypes.sizeof(struct), getattr(struct, name).offset
    return offset // 4 if size % 4 == 0 and offset % 4 == 0 else None


def fast_reader(landmarker: Any) -> Reader | None:
    """A reader over ``landmarker``'s C library, or ``None`` where it is not available."""
    try:
        from mediapipe.tasks.python.components.containers import category_c, landmark_c
        from mediapipe.tasks.python.vision import face_landmarker as module

        result_type = module.MpFaceLandmarkerResultC
        lib, handle = landmarker._lib, landmarker._handle
        detect_image = lib.MpFaceLandmarkerDetectImage
        detect_video = lib.MpFaceLandmarkerDetectForVideo
        close_result = lib.MpFaceLandmarkerCloseResult
        point_type = landmark_c.MpNormalizedLandmarkC
        category_type = category_c.MpCategoryC
        columns = [_float_column(point_type, axis) for axis in ("x", "y", "z")]
        score_column = _float_column(category_type, "score")
    except (ImportError, AttributeError):
        return None
    if columns != [0, 1, 2] or score_column is None:
        return None  # not the layout this reader knows
    point_floats = ctypes.sizeof(point_type) // 4
    category_floats = ctypes.sizeof(category_type) // 4

    def read(image: Any, t_ms: int | None) -> tuple[list[RawFace], float]:
        result = result_type()
        started = time.perf_counter()
        if t_ms is None:
            detect_image(handle, image._image_ptr, None, ctypes.byref(result))
        else:
            detect_video(handle, image._image_ptr, None, t_ms, ctypes.byref(result))
        model_s = time.perf_counter() - started
        try:
            faces = []
            for i in range(result.face_landmarks_count):
                points = result.face_landmarks[i]
                count = points.landmarks_count
                rows = np.frombuffer(
                    ctypes.string_at(points.landmarks, count * point_floats * 4), np.float32
                )
                landmarks = rows.reshape(count, point_floats)[:, :3]  # scaled into a copy later
                scores = np.empty(0, dtype=np.float32)
                if i < result.face_blendshapes_count:
                    shapes = result.face_blendshapes[i]
                    count = shapes.categories_count
                    raw = ctypes.string_at(shapes.categories, count * category_floats * 4)
                    scores = (
                        np.frombuffer(raw, np.float32)
                        .reshape(count, category_floats)[:, score_column]
                        .copy()
                    )
                matrix = np.eye(4, dtype=np.float32)
                if i < result.facial_transformation_matrixes_count:
                    m = result.facial_transformation_matrixes[i]
                    values = np.frombuffer(
                        ctypes.string_at(m.data, m.rows * m.cols * 4), np.float32
                    )
                    matrix = values.reshape(m.cols, m.rows).T.copy()  # stored column-major
                faces.append((landmarks, scores, matrix))
        finally:
            started = time.perf_counter()
            close_result(ctypes.byref(result))
            model_s += time.perf_counter() - started
        return faces, model_s

    return read
