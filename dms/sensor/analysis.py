"""Running the on-module perception over a whole file: per-frame features of a clip,
an image or a folder of images. Used by ``dms eval`` and ``dms video``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dms.sensor.features import FaceFeatures, FeatureExtractor
from dms.sensor.landmarker import FaceLandmarker
from dms.sensor.sources import FrameSource, ImageSource, open_source

__all__ = ["analyse", "iter_features"]


def iter_features(
    source: FrameSource, model_path: str | Path | None = None
) -> Iterator[FaceFeatures]:
    """Features of every frame of ``source``: VIDEO mode for sequences, IMAGE mode for a still."""
    still = isinstance(source, ImageSource)
    extractor = FeatureExtractor()
    with FaceLandmarker(model_path, video=not still) as landmarker:
        for frame in source:
            yield extractor.update(landmarker.detect(frame), frame.t_s)


def analyse(
    path: str | Path, model_path: str | Path | None = None
) -> tuple[list[FaceFeatures], float]:
    """All features of a file and its frame rate (0 for a still)."""
    with open_source(path) as source:
        return list(iter_features(source, model_path)), source.fps
