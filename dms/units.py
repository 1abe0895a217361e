"""Units stated once. Speeds are m/s everywhere inside; ``KPH`` turns km/h into m/s."""

from __future__ import annotations

__all__ = ["KPH"]

#: One km/h in m/s: ``50 * KPH`` is 50 km/h, ``speed_mps / KPH`` the speed in km/h.
KPH = 1 / 3.6
