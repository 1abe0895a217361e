"""The synthetic driver's face: the same features recover its ground truth."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dms.sensor.face_template import derive_template, load_template
from dms.sensor.features import FeatureExtractor
from dms.sensor.landmarker import FaceLandmarker
from dms.sensor.sources import Frame
from dms.sensor.synthetic import FacePose, SyntheticFace


def warmed_up(face: SyntheticFace) -> FeatureExtractor:
    """An extractor that has learnt this synthetic driver's open eyes."""
    extractor = FeatureExtractor()
    for i in range(90):
        extractor.update(face.observe(FacePose(i / 30)), i / 30)
    return extractor


@settings(max_examples=80)
@given(
    aperture=st.floats(0.0, 1.0),
    yaw=st.floats(-50.0, 50.0),
    pitch=st.floats(-25.0, 25.0),
    roll=st.floats(-20.0, 20.0),
    eye_yaw=st.floats(-25.0, 25.0),
    mouth=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**16),
)
def test_features_recover_the_ground_truth(  # noqa: PLR0917 - one argument per drawn value
    aperture: float, yaw: float, pitch: float, roll: float, eye_yaw: float, mouth: float, seed: int
) -> None:
    face = SyntheticFace(np.random.default_rng(seed), noise_px=0.3)
    extractor = warmed_up(face)
    truth = FacePose(
        3.0,
        aperture_left=aperture,
        aperture_right=aperture,
        head_yaw_deg=yaw,
        head_pitch_deg=pitch,
        head_roll_deg=roll,
        eye_yaw_deg=eye_yaw,
        mouth_open=mouth,
    )
    # A steady pose for a few frames (a DMS reads eye states over frames, not one frame).
    frames = [extractor.update(face.observe(truth), 3.0 + i / 30) for i in range(8)]
    features = frames[-1]
    assert np.mean([f.eye_open_left for f in frames]) == pytest.approx(aperture, abs=0.1)
    assert np.mean([f.eye_open_right for f in frames]) == pytest.approx(aperture, abs=0.1)
    assert features.head_yaw_deg == pytest.approx(yaw, abs=2.0)
    assert features.head_pitch_deg == pytest.approx(pitch, abs=2.0)
    assert features.head_roll_deg == pytest.approx(roll, abs=2.0)
    # The iris offset is a few pixels, so one frame's gaze swings by about 1.2° with the
    # sensor noise at a far look: like the eyes, it is read over the frames.
    # Shut eyes hide where they point: the gaze holds the eyes' last seen angle (ahead, in
    # the warm-up) on the head until they open.
    gaze_yaw = np.mean([f.gaze_yaw_deg for f in frames[4:]])  # after the eyes' median
    seen_eye_yaw = 0.0 if all(f.eyes_closed for f in frames) else eye_yaw
    if all(f.eyes_closed for f in frames) or not any(f.eyes_closed for f in frames):
        assert gaze_yaw == pytest.approx(yaw + seen_eye_yaw, abs=4.0)
    assert features.mouth_open == pytest.approx(mouth, abs=0.1)


def test_dark_lenses_read_as_not_visible_like_on_a_real_face() -> None:
    face = SyntheticFace(np.random.default_rng(1))
    extractor = warmed_up(face)
    features = extractor.update(
        face.observe(FacePose(3.0, occluded=True, aperture_left=0.0, aperture_right=0.0)), 3.0
    )
    assert not features.eyes_visible and not features.eyes_closed


def test_no_face_is_no_observation() -> None:
    assert SyntheticFace(np.random.default_rng(1)).observe(FacePose(0.0, present=False)) is None


def test_the_same_seed_renders_the_same_face() -> None:
    pose = FacePose(1.0, head_yaw_deg=12.0, aperture_left=0.4)
    a = SyntheticFace(np.random.default_rng(7)).observe(pose)
    b = SyntheticFace(np.random.default_rng(7)).observe(pose)
    assert a is not None and b is not None
    np.testing.assert_array_equal(a.landmarks, b.landmarks)
    np.testing.assert_array_equal(a.blendshapes, b.blendshapes)


def test_the_committed_template_is_what_the_model_sees_on_the_astronaut(
    astronaut: np.ndarray,
) -> None:
    with FaceLandmarker(video=False) as landmarker:
        observation = landmarker.detect(Frame(astronaut, 0.0, 0))
    assert observation is not None
    np.testing.assert_allclose(derive_template(observation), load_template(), atol=2e-3)
