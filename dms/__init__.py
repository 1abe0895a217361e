"""dms — an open driver-monitoring system simulator.

A simulated in-cabin camera module runs the face model on the module and emits only
metadata over a CAN-like msgpack bus; a vehicle ECU turns the metadata into responses.
Importing :mod:`dms` stays light: no pygame, no mediapipe.
"""

from dms.errors import DmsError

__all__ = ["DmsError", "__version__"]

__version__ = "0.1.0"
