"""Closures on real faces: frames of a real clip held as long as a microsleep or a sleep,
upright and with the head pitched down, through the module's features and the monitor.

The frames come from the committed fixture ``d14-eyes-close.mp4`` (eyes shut in frames
0-34, open from 52). A perspective warp pitches the head down by about 12 degrees, as a
driver's head drooping toward the chest reads on the camera (25 degrees from the model's
frontal reading of 13): closures must be judged on the eyes, not on the head's pitch.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from dms.driver_state.monitor import DriverMonitor
from dms.events import EventKind
from dms.sensor.features import FeatureExtractor
from dms.sensor.landmarker import FaceLandmarker
from dms.sensor.sources import Frame, open_source
from tests.sensor.conftest import FIXTURES

FPS = 15.0  # above the module's 10 frames/s minimum; half the model calls of 30
SPEED_MPS = 100 / 3.6
SHUT, OPEN = 20, 60  # fixture frames


@pytest.fixture(scope="module")
def faces() -> dict[str, np.ndarray]:
    with open_source(FIXTURES / "d14-eyes-close.mp4") as source:
        frames = [frame.rgb for frame in source]
    return {
        "shut": frames[SHUT],
        "open": frames[OPEN],
        "shut, head down": pitched_down(frames[SHUT]),
        "open, head down": pitched_down(frames[OPEN]),
    }


def pitched_down(rgb: np.ndarray, depth: float = 0.2) -> np.ndarray:
    """The face foreshortened as by a head pitched down: the brow nearer the camera."""
    h, w = rgb.shape[:2]
    d = depth * w
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    moved = np.array(
        [[-d, 0], [w + d, 0], [w - d, h * (1 - depth)], [d, h * (1 - depth)]], dtype=np.float32
    )
    warp = cv2.getPerspectiveTransform(corners, moved)
    return np.ascontiguousarray(
        cv2.warpPerspective(rgb, warp, (w, h), borderMode=cv2.BORDER_REPLICATE)
    )


def held(*segments: tuple[float, np.ndarray]) -> Iterator[Frame]:
    t, index = 0.0, 0
    for seconds, rgb in segments:
        for _ in range(round(seconds * FPS)):
            yield Frame(rgb, round(t, 6), index)
            t += 1 / FPS
            index += 1


def events(*segments: tuple[float, np.ndarray]) -> dict[EventKind, list[float]]:
    """Event times of the frames through the face model, the features and the monitor."""
    extractor, monitor = FeatureExtractor(), DriverMonitor()
    found: dict[EventKind, list[float]] = {}
    with FaceLandmarker(video=True) as model:
        for frame in held(*segments):
            features = extractor.update(model.detect(frame), frame.t_s)
            for event in monitor.update(features, SPEED_MPS, 1 / FPS).events:
                found.setdefault(event.kind, []).append(event.t_s)
    return found


@pytest.mark.parametrize("pose", ["shut", "shut, head down"])
def test_a_real_closure_held_2_s_is_a_microsleep_after_1_s(
    faces: dict[str, np.ndarray], pose: str
) -> None:
    found = events((4.0, faces["open"]), (2.0, faces[pose]), (2.0, faces["open"]))
    (microsleep,) = found[EventKind.MICROSLEEP]
    assert 4.0 + 0.9 <= microsleep <= 4.0 + 1.2
    assert EventKind.SLEEP not in found


@pytest.mark.parametrize("pose", ["shut", "shut, head down"])
def test_a_real_closure_held_4_s_is_sleep_after_3_s(
    faces: dict[str, np.ndarray], pose: str
) -> None:
    found = events((4.0, faces["open"]), (4.0, faces[pose]), (1.0, faces["open"]))
    (sleep,) = found[EventKind.SLEEP]
    assert 4.0 + 2.9 <= sleep <= 4.0 + 3.2


def test_real_open_eyes_with_the_head_pitched_down_raise_nothing(
    faces: dict[str, np.ndarray],
) -> None:
    found = events((4.0, faces["open"]), (6.0, faces["open, head down"]), (1.0, faces["open"]))
    assert not {EventKind.MICROSLEEP, EventKind.SLEEP, EventKind.LONG_BLINK} & set(found)
