"""The one clock of a process that runs live (``dms live``, ``ecu``, ``sim``, ``sensor``,
``hud``): the system's monotonic clock, in seconds.

Every node stamps what it receives and judges timeouts with it, never with a frame's
timestamp: transports re-stamp frames (udp_multicast and socketcan with their receive
time), and the wall clock jumps when it is set. On Linux the monotonic clock is shared by
all processes of a machine, so their printed event times compare directly. A replay has
one clock too: the scenario's simulated time.
"""

from __future__ import annotations

import time

__all__ = ["now_s"]

now_s = time.monotonic
