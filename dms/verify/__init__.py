"""``dms verify``: a protocol's test matrix run as generated scenarios over a driver
population, judged cell by cell and scored (Euro NCAP 2026 Driver Monitoring)."""
