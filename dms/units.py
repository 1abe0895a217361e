"""Units stated once. Speeds are m/s everywhere inside; ``KPH`` turns km/h into m/s."""

from __future__ import annotations

__all__ = ["KPH", "UNIT_SUFFIXES", "unit_of"]

#: One km/h in m/s: ``50 * KPH`` is 50 km/h, ``speed_mps / KPH`` the speed in km/h.
KPH = 1 / 3.6

#: Name suffix -> unit: names carry their unit (``glance_s``, ``speed_mps``).
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_per_min", "1/min"),
    ("_mps2", "m/s²"),
    ("_ratio", "1"),
    ("_prob", "1"),
    ("_mps", "m/s"),
    ("_deg", "deg"),
    ("_pct", "%"),
    ("_hz", "Hz"),
    ("_ms", "ms"),
    ("_s", "s"),
    ("_m", "m"),
)


def unit_of(name: str) -> str:
    """The unit a name declares through its suffix ('' when it has none)."""
    for suffix, unit in UNIT_SUFFIXES:
        if name.endswith(suffix):
            return unit
    return ""
