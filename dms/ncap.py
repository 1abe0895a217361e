"""Euro NCAP 2026 facts that more than one part of dms states (the verdicts, the cluster):
said once here, with no imports, so a bus consumer such as the HUD may use them."""

from __future__ import annotations

__all__ = ["MRM_WITHIN_S"]

#: The emergency function's minimal-risk manoeuvre starts within this long of the distinct
#: warning for an unresponsive driver (Euro NCAP 2026 Safe Driving, Driver Engagement).
MRM_WITHIN_S = 5.0
