"""The catalog as a DBC file (``dms bus catalog --dbc``), built with cantools.

Every frame has a fixed layout (:mod:`dms.bus.layout`), so a DBC describes it exactly:

- ``E2E_CRC`` (bytes 0-1, little-endian) and ``E2E_Counter`` (byte 2), AUTOSAR E2E
  Profile 5 with the CAN ID as data ID;
- each catalog signal under its own name, big-endian at its value's offset, with factor,
  offset, unit, range and labels;
- ``MP_Array`` and ``MP_<signal>``: the msgpack array header and type bytes. They never
  change; their start value (``GenSigStartValue``) is the byte to send, so a sender can
  encode with ``{**defaults, **values}``;
- on a keyed bus (``keyed=True``), ``SecOC_Freshness`` and ``SecOC_MAC`` at the end.

cantools is a dependency of dms, imported only here.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dms.bus.catalog import CATALOG
from dms.bus.layout import (
    COUNTER_AT,
    CRC_AT,
    FRESHNESS_BYTES,
    MAC_BYTES,
    FrameLayout,
    SignalSlot,
    layout_of,
)
from dms.bus.signals import MessageSpec

if TYPE_CHECKING:
    import cantools

__all__ = ["MSGPACK_PREFIX", "catalog_database", "catalog_dbc"]

#: Prefix of the signals that carry the msgpack framing, not data.
MSGPACK_PREFIX = "MP_"


def _big_endian(name: str, at: int, size: int, **kwargs: Any) -> Any:
    from cantools.database.can import Signal

    # DBC numbers a big-endian signal's start bit from its most significant bit.
    return Signal(name, start=at * 8 + 7, length=size * 8, byte_order="big_endian", **kwargs)


def _constant(name: str, at: int, value: bytes, what: str) -> Any:
    number = int.from_bytes(value, "big")
    return _big_endian(
        f"{MSGPACK_PREFIX}{name}",
        at,
        len(value),
        raw_initial=number,
        minimum=number,
        maximum=number,
        comment=f"{what}, always 0x{value.hex()}",
    )


def _value_signal(slot: SignalSlot) -> Any:
    from cantools.database.conversion import BaseConversion

    signal = slot.signal
    choices: OrderedDict[int, Any] | None = None
    if signal.kind == "enum":
        choices = OrderedDict(signal.labels)
    conversion = BaseConversion.factory(scale=signal.factor, offset=signal.offset, choices=choices)
    comment = signal.doc
    if signal.kind == "flags" and signal.labels:
        bits = ", ".join(f"{raw}={label}" for raw, label in signal.labels.items())
        comment = f"{comment} (bits: {bits})" if comment else f"bits: {bits}"
    return _big_endian(
        signal.name,
        slot.value_at,
        slot.size,
        is_signed=slot.signed,
        conversion=conversion,
        minimum=signal.minimum,
        maximum=signal.maximum,
        unit=signal.unit if signal.unit not in ("", "1") else None,
        comment=comment or None,
    )


def _message(layout: FrameLayout) -> Any:
    from cantools.database.can import Message, Signal

    spec = layout.spec
    signals = [
        Signal(
            "E2E_CRC",
            start=CRC_AT * 8,
            length=16,
            minimum=0,
            maximum=0xFFFF,
            comment="AUTOSAR E2E Profile 5 CRC; data ID = CAN ID",
        ),
        Signal("E2E_Counter", start=COUNTER_AT * 8, length=8, minimum=0, maximum=0xFF),
        _constant("Array", COUNTER_AT + 1, layout.array_header, "msgpack array header"),
    ]
    for slot in layout.slots:
        kind = bytes([slot.msgpack_type])
        signals.append(_constant(slot.signal.name, slot.type_at, kind, "msgpack type byte"))
        signals.append(_value_signal(slot))
    if layout.freshness_at is not None and layout.mac_at is not None:
        freshness = "freshness value: trip counter (high 32 bits), message counter (low 32)"
        signals += [
            _big_endian("SecOC_Freshness", layout.freshness_at, FRESHNESS_BYTES, comment=freshness),
            _big_endian("SecOC_MAC", layout.mac_at, MAC_BYTES, comment="control MAC"),
            _big_endian(
                "SecOC_DisplayMAC", layout.mac_at + MAC_BYTES, MAC_BYTES, comment="display MAC"
            ),
        ]
    return Message(
        frame_id=spec.can_id,
        name=spec.name,
        length=layout.size,
        signals=signals,
        senders=[spec.sender],
        cycle_time=spec.period_ms,
        is_fd=True,
        comment=spec.doc or None,
    )


def catalog_database(
    catalog: Iterable[MessageSpec] = CATALOG, *, keyed: bool = False
) -> cantools.database.can.Database:
    """The catalog as a cantools database: plain layouts, or (``keyed``) the layouts of a
    bus with a key, where authenticated messages carry freshness and MAC."""
    from cantools.database.can import Database, Node
    from cantools.database.can.formats.dbc import (
        DbcAttribute,
        DbcAttributeDefinition,
        DbcSpecifics,
    )

    specs = list(catalog)
    messages = [_message(layout_of(spec, keyed and spec.authenticated)) for spec in specs]
    nodes = [Node(name) for name in dict.fromkeys(spec.sender for spec in specs)]
    bus_type = DbcAttributeDefinition("BusType", default_value="CAN", type_name="STRING")
    specifics = DbcSpecifics(
        attributes=OrderedDict(BusType=DbcAttribute("CAN FD", definition=bus_type)),
        attribute_definitions=OrderedDict(BusType=bus_type),
    )
    return Database(messages=messages, nodes=nodes, dbc_specifics=specifics)


def catalog_dbc(catalog: Iterable[MessageSpec] = CATALOG, *, keyed: bool = False) -> str:
    """The text of the DBC file."""
    return str(catalog_database(catalog, keyed=keyed).as_dbc_string())
