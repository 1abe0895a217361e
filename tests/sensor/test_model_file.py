"""Resolving the face model: explicit path, cache, download, wheel fallback, verification."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dms.errors import ModelError
from dms.sensor.model_file import MODEL_ENV, resolve_model, verify_model


@pytest.fixture(scope="module")
def real_model() -> Path:
    return resolve_model(download=False)


def test_the_resolved_model_is_the_published_file(real_model: Path) -> None:
    assert verify_model(real_model) == ""


def test_an_explicit_path_wins_and_is_verified(real_model: Path, tmp_path: Path) -> None:
    assert resolve_model(real_model, cache=tmp_path / "unused.task") == real_model
    bad = tmp_path / "face_landmarker.task"
    bad.write_bytes(b"not a model")
    with pytest.raises(
        ModelError, match=r"face_landmarker\.task \(from --model\) is not usable: 11 bytes"
    ):
        resolve_model(bad)


def test_the_environment_variable_is_an_explicit_path(
    real_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODEL_ENV, str(tmp_path / "missing.task"))
    with pytest.raises(ModelError, match=r"from \$DMS_FACE_MODEL\) is not usable: no such file"):
        resolve_model()
    monkeypatch.setenv(MODEL_ENV, str(real_model))
    assert resolve_model() == real_model


def test_a_corrupt_cached_file_is_replaced_by_the_next_source(
    real_model: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache" / "face_landmarker.task"
    cache.parent.mkdir()
    corrupt = bytearray(real_model.read_bytes())
    corrupt[1000] ^= 0xFF  # same size, one byte wrong
    cache.write_bytes(bytes(corrupt))
    calls: list[str] = []

    def offline(target: Path) -> None:
        calls.append("url")
        raise ModelError("download from https://example.invalid failed: no network")

    def wheel(target: Path) -> None:
        calls.append("wheel")
        shutil.copyfile(real_model, target)

    found = resolve_model(cache=cache, fetchers=[("url", offline), ("wheel", wheel)])
    assert found == cache
    assert calls == ["url", "wheel"]
    assert verify_model(cache) == ""


def test_a_source_that_delivers_the_wrong_file_is_not_cached(
    real_model: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "face_landmarker.task"

    def wrong(target: Path) -> None:
        target.write_bytes(b"\0" * 3_758_596)

    with pytest.raises(ModelError) as caught:
        resolve_model(cache=cache, fetchers=[("mirror", wrong)])
    message = str(caught.value)
    assert f"cache {cache}: no such file" in message
    assert "mirror: sha256" in message
    assert not cache.exists()
    assert not list(tmp_path.glob(".model-*")), "no temporary files are left behind"


def test_without_download_a_missing_model_says_how_to_fetch_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="run `dms model fetch`"):
        resolve_model(cache=tmp_path / "none.task", download=False)
