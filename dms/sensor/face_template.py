"""A neutral 3-D face template for the synthetic driver, derived from a real face.

The template is what the face model itself saw on a public-domain photo (NASA's
astronaut portrait, shipped with scikit-image): its 478 landmarks, turned back from the
head pose the model measured into a head-fixed frame and scaled so the outer eye corners
are one unit apart. Axes: x to the face's own left (the image right of a camera facing
it), y up, z out of the face (toward the camera). ``derive_template`` reproduces the
committed ``data/face_template.csv``; a test holds the two together.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from dms.sensor.face_mesh import LEFT_EYE, RIGHT_EYE
from dms.sensor.observation import LANDMARK_COUNT, FaceObservation

__all__ = ["TEMPLATE_FILE", "derive_template", "load_template", "save_template"]

TEMPLATE_FILE = "face_template.csv"


def derive_template(observation: FaceObservation) -> np.ndarray:
    """Head-frame landmarks (478 × 3, outer eye corners one unit apart) of an observation."""
    points = observation.landmarks.astype(np.float64)
    # Image (x right, y down, z away) -> the matrix's camera frame (x right, y up, z toward).
    camera = np.stack([points[:, 0], -points[:, 1], -points[:, 2]], axis=1)
    rotation = observation.matrix[:3, :3].astype(np.float64)
    rotation = rotation / np.linalg.norm(rotation, axis=0)
    head = (camera - camera.mean(axis=0)) @ rotation  # undo the measured head pose
    span = float(np.linalg.norm(head[LEFT_EYE.outer] - head[RIGHT_EYE.outer]))
    template: np.ndarray = (head / span).astype(np.float32)
    return template


def save_template(template: np.ndarray, path: Path) -> None:
    header = "x,y,z  # head frame, outer eye corners 1 apart; see dms/sensor/face_template.py"
    np.savetxt(path, template, fmt="%.5f", delimiter=",", header=header)


def load_template() -> np.ndarray:
    """The committed template (478 × 3 float32)."""
    text = (
        resources.files("dms.sensor")
        .joinpath("data")
        .joinpath(TEMPLATE_FILE)
        .read_text(encoding="utf-8")
    )
    rows = [line for line in text.splitlines() if line and not line.startswith("#")]
    template = np.array([[float(v) for v in row.split(",")] for row in rows], dtype=np.float32)
    if template.shape != (LANDMARK_COUNT, 3):
        raise ValueError(
            f"{TEMPLATE_FILE}: expected {LANDMARK_COUNT} rows of x,y,z, got {template.shape}"
        )
    return template
