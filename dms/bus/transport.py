"""Opening a bus from a spec string; every transport is python-can.

Spec strings::

    virtual:NAME                 in-process (the default, ``virtual:dms``)
    loopback:NAME                in-process without copies (dms's own backend, for replay)
    udp_multicast:GROUP          several processes or machines (IPv4 or IPv6 group)
    socketcan:IFACE              real CAN or vcan on Linux
    INTERFACE:CHANNEL            any other python-can interface
    SPEC,key=value,...           extra python-can arguments,
                                 e.g. ``udp_multicast:239.74.163.2,port=43114``
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from typing import Any

import can

from dms.errors import BusError, ConfigError

__all__ = ["DEFAULT_BUS", "DEFAULT_MULTICAST_GROUP", "BusSpec", "open_bus"]

DEFAULT_BUS = "virtual:dms"
#: python-can's own default IPv4 group for udp_multicast.
DEFAULT_MULTICAST_GROUP = "239.74.163.2"
_DEFAULT_CHANNELS = {"virtual": "dms", "loopback": "dms", "udp_multicast": DEFAULT_MULTICAST_GROUP}
#: The receive buffer asked for on socket buses (the kernel caps it at net.core.rmem_max):
#: a node busy for 10 ms under a 50k frames/s flood must not lose genuine frames to a
#: full buffer (the default, 208 KiB, holds a few hundred datagrams).
RECEIVE_BUFFER_BYTES = 4 << 20


def _option_value(text: str) -> str | int | float | bool:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            continue
    return text


@dataclass(frozen=True)
class BusSpec:
    """A parsed bus spec: python-can interface, channel and extra keyword arguments."""

    interface: str
    channel: str
    options: dict[str, str | int | float | bool] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> BusSpec:
        head, *extras = text.strip().split(",")
        interface, _, channel = head.partition(":")
        if not interface:
            raise ConfigError(f"bus spec {text!r}: expected INTERFACE:CHANNEL, e.g. {DEFAULT_BUS}")
        channel = channel or _DEFAULT_CHANNELS.get(interface, "")
        if not channel:
            raise ConfigError(f"bus spec {text!r}: interface {interface!r} needs a channel")
        options: dict[str, str | int | float | bool] = {}
        for extra in extras:
            key, sep, value = extra.partition("=")
            if not sep or not key:
                raise ConfigError(f"bus spec {text!r}: option {extra!r} is not key=value")
            options[key.strip()] = _option_value(value.strip())
        return cls(interface, channel, options)

    def __str__(self) -> str:
        extras = "".join(f",{key}={value}" for key, value in self.options.items())
        return f"{self.interface}:{self.channel}{extras}"


def open_bus(spec: str | BusSpec = DEFAULT_BUS) -> can.BusABC:
    """Open a CAN FD bus through python-can; a :class:`BusError` says why it failed."""
    parsed = spec if isinstance(spec, BusSpec) else BusSpec.parse(spec)
    kwargs: dict[str, Any] = {"fd": True}
    if parsed.interface == "virtual":
        # Keep the sender's timestamps, so simulated time survives the virtual bus.
        kwargs["preserve_timestamps"] = True
    kwargs.update(parsed.options)
    try:
        bus = can.Bus(interface=parsed.interface, channel=parsed.channel, **kwargs)
    except (can.CanError, OSError, ValueError, TypeError, ImportError, NotImplementedError) as exc:
        raise BusError(f"cannot open bus {str(parsed)!r}: {exc}") from exc
    if parsed.interface == "udp_multicast":
        _enlarge_receive_buffer(bus)
    return bus


def _enlarge_receive_buffer(bus: can.BusABC) -> None:
    """Ask for :data:`RECEIVE_BUFFER_BYTES` on the bus's socket (through a duplicate of its
    descriptor: python-can does not expose the option). Best effort: a smaller buffer
    only makes bursts lossier."""
    try:
        with socket.socket(fileno=os.dup(bus.fileno())) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
    except (OSError, NotImplementedError, ValueError):
        return
