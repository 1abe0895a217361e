"""One exception tree for the whole project.

Every error the project raises on purpose is a :class:`DmsError`; its message names the
offender (the file, the message, the signal, the value) so that a user can act on it.
"""

from __future__ import annotations

__all__ = [
    "BusError",
    "ConfigError",
    "DecodeError",
    "DmsError",
    "EncodeError",
    "ModelError",
    "ScenarioError",
    "SensorError",
    "SimulatorError",
]


class DmsError(Exception):
    """Base of every error raised by dms."""


class ConfigError(DmsError):
    """A setting, spec string or command-line value is invalid."""


class BusError(DmsError):
    """A bus could not be opened, or a frame could not be sent."""


class EncodeError(BusError):
    """A message could not be encoded (a value outside its signal's range, NaN, wrong type)."""


class DecodeError(BusError):
    """A frame could not be decoded. Receivers count these instead of raising them."""


class ModelError(DmsError):
    """The face model file could not be resolved, verified or loaded."""


class SensorError(DmsError):
    """A frame source (camera, video, images) failed."""


class SimulatorError(DmsError):
    """A vehicle simulator failed, or lost the ego vehicle."""


class ScenarioError(DmsError):
    """A scenario file is invalid; the message names the file, the line and the reason."""
