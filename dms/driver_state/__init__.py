"""Pure driver-state estimators: ``update(observation, dt_s) -> state``; no clock, no I/O."""
