"""The on-module perception on real faces and on transformations of them."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from dms.sensor.analysis import analyse
from dms.sensor.face_mesh import LEFT_EYE
from dms.sensor.features import VECTOR_MIN_FACES, FeatureExtractor
from dms.sensor.landmarker import FaceLandmarker
from dms.sensor.preview import EYE_BGR, annotate
from dms.sensor.sources import Frame, open_source
from tests.sensor.conftest import FIXTURES, Still, read_rgb


def test_astronaut_is_one_open_eyed_face_looking_ahead(astronaut: np.ndarray, still: Still) -> None:
    features, observation = still(astronaut)
    assert observation is not None
    assert observation.landmarks.shape == (478, 3) and observation.landmarks.dtype == np.float32
    assert observation.blendshapes.shape == (52,)
    assert observation.matrix.shape == (4, 4)
    assert features.face_present and features.eyes_visible and not features.eyes_closed
    assert min(features.eye_open_left, features.eye_open_right) > 0.8
    assert features.mouth_open < 0.45  # smiling, not yawning
    assert abs(features.head_yaw_deg) < 10 and abs(features.head_pitch_deg) < 10
    assert 0.5 < features.quality <= 1.0


def test_landmarks_are_in_pixels_of_the_full_image(astronaut: np.ndarray, still: Still) -> None:
    _, observation = still(astronaut)
    assert observation is not None
    nose_tip = observation.landmarks[1]
    assert 180 < nose_tip[0] < 280 and 60 < nose_tip[1] < 160  # her face is upper centre
    assert observation.image_size == (512, 512)


def test_a_face_turned_to_the_drivers_left_has_positive_yaw(still: Still) -> None:
    turned, _ = still(read_rgb("turned-left.jpg"))
    assert turned.head_yaw_deg >= 15


def test_a_mirrored_image_flips_the_sign_of_yaw(still: Still) -> None:
    image = read_rgb("turned-left.jpg")
    turned, _ = still(image)
    mirrored, _ = still(image[:, ::-1])
    assert mirrored.head_yaw_deg <= -15
    assert mirrored.head_yaw_deg == pytest.approx(-turned.head_yaw_deg, abs=4.0)


def test_mirroring_swaps_the_drivers_left_and_right_eye(still: Still) -> None:
    image = read_rgb("turned-left.jpg")  # the driver's right eye is half shut in this photo
    turned, _ = still(image)
    mirrored, _ = still(image[:, ::-1])
    assert turned.ear_right < turned.ear_left
    assert mirrored.ear_left < mirrored.ear_right


@pytest.mark.parametrize("angle_deg", [20.0, -20.0])
def test_an_image_rotated_by_theta_changes_roll_by_theta(
    astronaut: np.ndarray, still: Still, angle_deg: float
) -> None:
    upright, _ = still(astronaut)
    centre = (astronaut.shape[1] / 2, astronaut.shape[0] / 2)
    rotation = cv2.getRotationMatrix2D(centre, angle_deg, 1.0)  # + is counter-clockwise on screen
    rotated = cv2.warpAffine(
        astronaut, rotation, astronaut.shape[1::-1], borderMode=cv2.BORDER_REPLICATE
    )
    tilted, _ = still(rotated)
    assert tilted.head_roll_deg - upright.head_roll_deg == pytest.approx(angle_deg, abs=4.0)


def test_a_darker_image_still_shows_open_visible_eyes(astronaut: np.ndarray, still: Still) -> None:
    dark = (astronaut.astype(np.float32) * 0.35).astype(np.uint8)
    features, _ = still(dark)
    assert features.face_present and features.eyes_visible and not features.eyes_closed


def test_a_downscaled_face_keeps_its_pose(astronaut: np.ndarray, still: Still) -> None:
    full, _ = still(astronaut)
    small, _ = still(cv2.resize(astronaut, (200, 200), interpolation=cv2.INTER_AREA))
    assert small.face_present and small.eyes_visible and not small.eyes_closed
    assert small.face_width_px < full.face_width_px / 2
    assert small.head_yaw_deg == pytest.approx(full.head_yaw_deg, abs=5.0)
    assert small.head_pitch_deg == pytest.approx(full.head_pitch_deg, abs=5.0)
    assert small.quality < full.quality


def test_a_blacked_out_eye_region_reads_as_occluded_not_open(
    astronaut: np.ndarray, still: Still
) -> None:
    _, observation = still(astronaut)
    assert observation is not None
    eyes = observation.landmarks[[33, 133, 362, 263, 159, 145, 386, 374], :2]
    (x0, y0), (x1, y1) = eyes.min(axis=0), eyes.max(axis=0)
    margin = 0.25 * (x1 - x0)
    covered = astronaut.copy()
    covered[int(y0 - margin) : int(y1 + margin), int(x0 - margin) : int(x1 + margin)] = 10
    features, _ = still(covered)
    assert features.face_present
    assert not features.eyes_visible
    assert not features.eyes_closed  # neither open nor closed may be claimed


def test_real_dark_sunglasses_read_as_occluded(still: Still) -> None:
    features, observation = still(read_rgb("sunglasses.jpg"))
    assert observation is not None and observation.eyes is not None
    assert features.face_present and not features.eyes_visible
    assert all(eye.darkness > 0.8 for eye in observation.eyes)


def test_clear_glasses_do_not_hide_the_eyes(still: Still) -> None:
    features, _ = still(read_rgb("turned-left.jpg"))
    assert features.eyes_visible


def test_no_face_in_a_plain_image(still: Still) -> None:
    features, observation = still(np.full((480, 640, 3), 128, dtype=np.uint8))
    assert observation is None
    assert not features.face_present and not features.eyes_visible


def test_a_small_face_in_a_large_frame_is_found_by_the_still_search(
    astronaut: np.ndarray, still: Still
) -> None:
    canvas = np.full((1080, 1920, 3), 90, dtype=np.uint8)
    canvas[700:900, 1500:1700] = cv2.resize(
        astronaut[0:256, 128:384], (200, 200), interpolation=cv2.INTER_AREA
    )
    features, observation = still(canvas)
    assert observation is not None and features.face_present
    assert features.face_width_px < 0.05 * 1920  # too small for the model on the whole frame
    assert 1500 < observation.landmarks[1, 0] < 1700  # reported in full-frame pixels
    assert 700 < observation.landmarks[1, 1] < 900


def test_eyes_closing_in_a_real_clip_are_found_frame_by_frame() -> None:
    """LivePortrait d14 frames 160-240: eyes closed in frames 0-34 of the excerpt, half
    open and flickering until 51, open from 52 on (labelled by looking at them)."""
    features, fps = analyse(FIXTURES / "d14-eyes-close.mp4")
    assert fps == pytest.approx(30.0)
    assert len(features) == 81
    assert all(f.face_present for f in features)
    closed = [f.eyes_closed for f in features]
    assert sum(closed[0:35]) / 35 >= 0.8
    assert sum(closed[52:81]) == 0
    assert min(f.eye_open for f in features[52:81]) > 0.5
    times = [f.t_s for f in features]
    assert times[1] - times[0] == pytest.approx(1 / 30)


def test_video_mode_timestamps_may_repeat_without_breaking_the_model(astronaut: np.ndarray) -> None:
    with FaceLandmarker(video=True) as landmarker:
        for _ in range(3):  # the same timestamp three times: bumped to stay increasing
            assert landmarker.detect(Frame(astronaut, 5.0, 0)) is not None


def test_the_fast_result_reader_matches_mediapipes_public_api(astronaut: np.ndarray) -> None:
    frame = Frame(astronaut, 0.0, 0)
    with (
        FaceLandmarker(video=False, fast=True) as fast,
        FaceLandmarker(video=False, fast=False) as public,
    ):
        a, b = fast.detect(frame), public.detect(frame)
    assert a is not None and b is not None
    np.testing.assert_array_equal(a.landmarks, b.landmarks)
    np.testing.assert_array_equal(a.blendshapes, b.blendshapes)
    np.testing.assert_array_equal(a.matrix, b.matrix)


@pytest.mark.parametrize(("driver", "expect_large"), [("largest", True), ("image-left", False)])
def test_with_two_faces_the_driver_is_the_largest_or_the_configured_side(
    astronaut: np.ndarray, driver: str, expect_large: bool
) -> None:
    head = astronaut[0:256, 128:384]
    canvas = np.full((300, 600, 3), 90, dtype=np.uint8)
    canvas[80:300, 0:220] = cv2.resize(
        head, (220, 220), interpolation=cv2.INTER_AREA
    )  # smaller, left
    canvas[:, 300:600] = cv2.resize(head, (300, 300), interpolation=cv2.INTER_AREA)  # larger, right
    with FaceLandmarker(video=False, driver=driver) as landmarker:  # type: ignore[arg-type]
        observation = landmarker.detect(Frame(canvas, 0.0, 0))
    assert observation is not None
    nose_x = observation.landmarks[1, 0]
    assert bool(nose_x > 300) is expect_large


def test_a_whole_clip_at_once_gives_the_features_of_frame_by_frame() -> None:
    """Replay measures batches of frames (vectorised), a camera one frame at a time."""
    with open_source(FIXTURES / "d14-eyes-close.mp4") as source, FaceLandmarker() as model:
        frames = list(source)
        observations = [model.detect(frame) for frame in frames]
    times = [frame.t_s for frame in frames]
    one_by_one = FeatureExtractor()
    singles = [one_by_one.update(o, t) for o, t in zip(observations, times, strict=True)]
    batched = FeatureExtractor().update_many(observations, times)
    assert len(batched) == len(singles) == 81 > VECTOR_MIN_FACES
    for single, batch in zip(singles, batched, strict=True):
        for name, value in single._asdict().items():
            assert getattr(batch, name) == pytest.approx(value, rel=1e-9, abs=1e-9), name


def test_the_local_preview_draws_the_models_view_on_the_frame(
    astronaut: np.ndarray, still: Still
) -> None:
    _, observation = still(astronaut)
    assert observation is not None
    frame = Frame(astronaut, 0.0, 0)
    drawn = annotate(frame, observation)
    plain = astronaut[:, :, ::-1]
    changed = np.any(drawn != plain, axis=2)
    x, y = observation.landmarks[LEFT_EYE.contour[4], :2].astype(int)
    assert tuple(drawn[y, x]) == EYE_BGR  # the lid outline passes through its landmarks
    x0, y0 = observation.landmarks[:, :2].min(axis=0).astype(int)
    x1, y1 = observation.landmarks[:, :2].max(axis=0).astype(int)
    assert changed[y0 : y1 + 1, x0 : x1 + 1].sum() > 100
    assert changed.sum() == changed[y0 - 2 : y1 + 3, x0 - 2 : x1 + 3].sum()  # only the face
    empty = annotate(frame, None)
    assert np.any(empty != plain) and not np.any(empty[100:] != plain[100:])  # "no face"
