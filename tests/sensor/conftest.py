"""Real faces for the perception tests: scikit-image's astronaut and small MIT fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from dms.sensor.features import FaceFeatures, FeatureExtractor
from dms.sensor.landmarker import FaceLandmarker
from dms.sensor.observation import FaceObservation
from dms.sensor.sources import Frame

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "faces"
DEV_SET = Path(__file__).resolve().parents[3] / "shared" / "data" / "faces"

Still = Callable[[np.ndarray], tuple[FaceFeatures, FaceObservation | None]]


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """One real face, eyes open, looking into the lens (NASA, public domain)."""
    image: np.ndarray = np.ascontiguousarray(data.astronaut())  # type: ignore[no-untyped-call]
    return image


@pytest.fixture(scope="session")
def still_landmarker() -> Iterator[FaceLandmarker]:
    landmarker = FaceLandmarker(video=False)
    yield landmarker
    landmarker.close()


@pytest.fixture(scope="session")
def still(still_landmarker: FaceLandmarker) -> Still:
    """Features of a still image, as the module reports them without any calibration."""

    def run(rgb: np.ndarray) -> tuple[FaceFeatures, FaceObservation | None]:
        observation = still_landmarker.detect(Frame(np.ascontiguousarray(rgb), 0.0, 0))
        return FeatureExtractor().update(observation, 0.0), observation

    return run


def read_rgb(name: str) -> np.ndarray:
    bgr = cv2.imread(str(FIXTURES / name))
    assert bgr is not None, name
    return np.ascontiguousarray(bgr[:, :, ::-1])
