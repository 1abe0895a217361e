"""The CAN-like msgpack bus: catalog, frame codec, python-can transports, receiver,
health monitor and recorder. See ``docs/bus.md`` for the frame layout."""

from dms.bus.catalog import (
    BY_ID,
    BY_NAME,
    CATALOG,
    DmsDistraction,
    DmsDrowsiness,
    DmsFaceState,
    DmsStatus,
    EcuAdas,
    EcuHmi,
    EcuMrm,
    VehState,
    spec_named,
)
from dms.bus.codec import FrameCodec
from dms.bus.health import HealthMonitor
from dms.bus.inbox import Inbox
from dms.bus.keys import KeyRing, load_keys, load_master
from dms.bus.logfile import open_log_writer, play, read_frames, record
from dms.bus.publisher import Publisher, make_frame
from dms.bus.receiver import Receiver, Reception
from dms.bus.signals import Message, MessageSpec, Signal
from dms.bus.status import FrameStatus
from dms.bus.transport import DEFAULT_BUS, BusSpec, open_bus

__all__ = [
    "BY_ID",
    "BY_NAME",
    "CATALOG",
    "DEFAULT_BUS",
    "BusSpec",
    "DmsDistraction",
    "DmsDrowsiness",
    "DmsFaceState",
    "DmsStatus",
    "EcuAdas",
    "EcuHmi",
    "EcuMrm",
    "FrameCodec",
    "FrameStatus",
    "HealthMonitor",
    "Inbox",
    "KeyRing",
    "Message",
    "MessageSpec",
    "Publisher",
    "Receiver",
    "Reception",
    "Signal",
    "VehState",
    "load_keys",
    "load_master",
    "make_frame",
    "open_bus",
    "open_log_writer",
    "play",
    "read_frames",
    "record",
    "spec_named",
]
