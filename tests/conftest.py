"""Shared test settings: headless pygame, fixed seeds via hypothesis profiles, and node
freshness state in a temporary folder (never the user's ~/.local/state/dms)."""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["DMS_STATE_DIR"] = tempfile.mkdtemp(prefix="dms-state-")
os.environ.pop("DMS_BUS_KEY", None)  # tests say which key they use

settings.register_profile(
    "dms", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("dms")
