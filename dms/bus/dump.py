"""Turning receptions into candump-like lines and JSON objects."""

from __future__ import annotations

import enum
from typing import Any

from dms.bus.receiver import Reception
from dms.bus.signals import Message

__all__ = ["message_values", "reception_json", "reception_line"]


def _plain(value: object) -> Any:
    if isinstance(value, enum.IntFlag):
        return [member.name for member in type(value) if member in value and member]
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, float):
        return round(value, 6)
    return value


def message_values(message: Message) -> dict[str, Any]:
    """Signal name -> JSON-ready physical value (enums as their label)."""
    return {s.name: _plain(getattr(message, s.name)) for s in message.SPEC.signals}


def reception_json(reception: Reception, data: bytes = b"") -> dict[str, Any]:
    record: dict[str, Any] = {
        "t_s": round(reception.t_s, 6),
        "can_id": reception.can_id,
        "name": reception.name,
        "status": reception.status.value,
        "signals": message_values(reception.message) if reception.message is not None else None,
    }
    if data:
        record["data"] = data.hex()
    return record


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "|".join(value) or "NONE"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def reception_line(reception: Reception, data: bytes = b"") -> str:
    head = (
        f"{reception.t_s:14.6f}  {reception.can_id:03X}  "
        f"{reception.name:<16} {reception.status.value:<13}"
    )
    if reception.message is not None:
        values = message_values(reception.message)
        return head + " " + " ".join(f"{k}={_text(v)}" for k, v in values.items())
    return head + (f" [{len(data)}] {data.hex(' ')}" if data else "")
