"""The shared secret for authenticated frames.

Secrets never go on the command line (other users see it in ``ps``): they come from a
file (``--key-file``) or from the ``DMS_BUS_KEY`` environment variable, as hex.
"""

from __future__ import annotations

import os
from pathlib import Path

from dms.errors import ConfigError

__all__ = ["KEY_ENV", "MIN_KEY_BYTES", "load_key", "parse_key"]

KEY_ENV = "DMS_BUS_KEY"
#: HMAC-SHA256 keys shorter than 128 bits are too weak to be worth authenticating with.
MIN_KEY_BYTES = 16


def parse_key(text: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        raise ConfigError(f"{source}: the bus key must be hex digits") from None
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(
            f"{source}: the bus key needs at least {MIN_KEY_BYTES} bytes, got {len(key)}"
        )
    return key


def load_key(key_file: str | Path | None = None) -> bytes | None:
    """The bus key from ``key_file``, else from ``$DMS_BUS_KEY``, else ``None`` (no MACs)."""
    if key_file is not None:
        try:
            text = Path(key_file).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read bus key file {key_file}: {exc}") from exc
        return parse_key(text, str(key_file))
    from_env = os.environ.get(KEY_ENV)
    return parse_key(from_env, f"${KEY_ENV}") if from_env else None
