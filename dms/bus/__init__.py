"""The CAN-like msgpack bus: catalog, frame codec, python-can transports, receiver,
health monitor and recorder. See ``docs/bus.md`` for the frame layout.

Names are imported on first use (as python-can loads its backends): ``import dms.bus.keys``
or a command's ``--help`` does not pay for python-can and the codec.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dms.bus.catalog import (
        BY_ID,
        BY_NAME,
        CATALOG,
        DmsDistraction,
        DmsDrowsiness,
        DmsFaceState,
        DmsStatus,
        EcuAdas,
        EcuAssist,
        EcuHmi,
        EcuMrm,
        VehEnv,
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


_LAZY = {  # name -> the module it lives in, imported on first use
    "BY_ID": "dms.bus.catalog",
    "BY_NAME": "dms.bus.catalog",
    "BusSpec": "dms.bus.transport",
    "CATALOG": "dms.bus.catalog",
    "DEFAULT_BUS": "dms.bus.transport",
    "DmsDistraction": "dms.bus.catalog",
    "DmsDrowsiness": "dms.bus.catalog",
    "DmsFaceState": "dms.bus.catalog",
    "DmsStatus": "dms.bus.catalog",
    "EcuAdas": "dms.bus.catalog",
    "EcuAssist": "dms.bus.catalog",
    "EcuHmi": "dms.bus.catalog",
    "EcuMrm": "dms.bus.catalog",
    "FrameCodec": "dms.bus.codec",
    "FrameStatus": "dms.bus.status",
    "HealthMonitor": "dms.bus.health",
    "Inbox": "dms.bus.inbox",
    "KeyRing": "dms.bus.keys",
    "Message": "dms.bus.signals",
    "MessageSpec": "dms.bus.signals",
    "Publisher": "dms.bus.publisher",
    "Receiver": "dms.bus.receiver",
    "Reception": "dms.bus.receiver",
    "Signal": "dms.bus.signals",
    "VehEnv": "dms.bus.catalog",
    "VehState": "dms.bus.catalog",
    "load_keys": "dms.bus.keys",
    "load_master": "dms.bus.keys",
    "make_frame": "dms.bus.publisher",
    "open_bus": "dms.bus.transport",
    "open_log_writer": "dms.bus.logfile",
    "play": "dms.bus.logfile",
    "read_frames": "dms.bus.logfile",
    "record": "dms.bus.logfile",
    "spec_named": "dms.bus.catalog",
}

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
    "EcuAssist",
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
    "VehEnv",
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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dms.bus' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once
    return value
