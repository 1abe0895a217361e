"""Declaring bus messages: signals with units, scaling and ranges, like a DBC file in Python.

A message is a frozen, slotted dataclass decorated with :func:`message`; each field is a
signal declared with :func:`scaled`, :func:`integer`, :func:`flag`, :func:`enumerated` or
:func:`bitfield`. The class *is* the catalog entry: its :class:`MessageSpec` (CAN ID,
period, sender, signals in field order) hangs off it as ``SPEC``.

On the wire each signal is a scaled integer: ``raw = round((physical - offset) / factor)``,
``physical = raw * factor + offset``. The unit comes from the name's suffix
(``head_yaw_deg`` is in degrees), so name and unit cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

from dms.errors import ConfigError
from dms.units import UNIT_SUFFIXES, unit_of

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover - exercised on Python 3.10 only
    from typing_extensions import dataclass_transform

__all__ = [
    "RAW_TYPES",
    "UNIT_SUFFIXES",
    "Message",
    "MessageSpec",
    "Sender",
    "Signal",
    "SignalKind",
    "bitfield",
    "enumerated",
    "flag",
    "integer",
    "message",
    "scaled",
]

#: Who sends messages: the camera module, the ECU, the vehicle.
Sender = Literal["dms", "ecu", "vehicle"]

SignalKind = Literal["float", "int", "bool", "enum", "flags"]

#: Integer types a raw value may have, with their inclusive ranges.
RAW_TYPES: dict[str, tuple[int, int]] = {
    "bool": (0, 1),
    "u8": (0, 0xFF),
    "i8": (-0x80, 0x7F),
    "u16": (0, 0xFFFF),
    "i16": (-0x8000, 0x7FFF),
    "u32": (0, 0xFFFF_FFFF),
    "i32": (-0x8000_0000, 0x7FFF_FFFF),
}

#: Name suffix -> unit. Longest suffixes first so ``_mps2`` wins over ``_s``-like endings.
_SIGNAL_KEY = "dms.signal"


@dataclass(frozen=True, slots=True)
class Signal:
    """One signal of a message: how a physical value maps to a raw integer on the wire."""

    name: str
    kind: SignalKind
    raw_type: str
    minimum: float
    maximum: float
    factor: float = 1.0
    offset: float = 0.0
    enum: type[enum.IntEnum] | type[enum.IntFlag] | None = None
    doc: str = ""

    @property
    def unit(self) -> str:
        return unit_of(self.name)

    @property
    def raw_min(self) -> int:
        return self.to_raw(self.minimum)

    @property
    def raw_max(self) -> int:
        return self.to_raw(self.maximum)

    @property
    def steps_per_unit(self) -> int | None:
        """``1 / factor`` when it is a whole number (0.1 -> 10), else ``None``.

        Dividing a raw value by it gives the decimal a person would write (-284 / 10 is
        -28.4, where -284 * 0.1 is -28.400000000000002), so decoded values compare equal
        to the literals they were sent as.
        """
        steps = round(1.0 / self.factor)
        return steps if steps >= 1 and abs(steps * self.factor - 1.0) < 1e-12 else None

    def to_physical(self, raw: int) -> float:
        steps = self.steps_per_unit
        value = raw / steps if steps is not None else raw * self.factor
        return value + self.offset if self.offset else value

    def to_raw(self, physical: float) -> int:
        steps = self.steps_per_unit
        shifted = physical - self.offset
        return round(shifted * steps if steps is not None else shifted / self.factor)

    @property
    def labels(self) -> dict[int, str]:
        """Raw value -> label, for enumerations and bit fields."""
        if self.enum is None:
            return {}
        return {int(member): str(member.name) for member in self.enum}

    def check(self, owner: str) -> None:
        """Raise :class:`ConfigError` if the declaration cannot work on the wire."""
        where = f"{owner}.{self.name}"
        lo, hi = RAW_TYPES.get(self.raw_type, (None, None))
        if lo is None or hi is None:
            raise ConfigError(f"{where}: unknown raw type {self.raw_type!r}")
        if self.factor <= 0:
            raise ConfigError(f"{where}: factor must be positive, got {self.factor}")
        if not lo <= self.raw_min <= self.raw_max <= hi:
            raise ConfigError(
                f"{where}: range [{self.minimum}, {self.maximum}] with factor {self.factor} "
                f"needs raw [{self.raw_min}, {self.raw_max}], which {self.raw_type} cannot hold"
            )
        if self.kind == "float" and not self.unit:
            raise ConfigError(f"{where}: a scaled signal needs a unit suffix (e.g. _deg, _s)")
        if self.kind == "enum" and self.enum is not None:
            values = sorted(int(m) for m in self.enum)
            if values != list(range(len(values))):
                raise ConfigError(f"{where}: enum values must run 0..n-1, got {values}")


def _field(draft: Signal) -> Any:
    return dataclasses.field(metadata={_SIGNAL_KEY: draft})


def scaled(
    minimum: float,
    maximum: float,
    *,
    factor: float,
    raw: str = "u16",
    offset: float = 0.0,
    doc: str = "",
) -> Any:
    """A physical quantity sent as a scaled integer (its unit comes from the name's suffix)."""
    return _field(Signal("", "float", raw, minimum, maximum, factor, offset, doc=doc))


def integer(minimum: int, maximum: int, *, raw: str = "u8", doc: str = "") -> Any:
    """A whole number: a count, a level, an index."""
    return _field(Signal("", "int", raw, minimum, maximum, doc=doc))


def flag(doc: str = "") -> Any:
    """A boolean."""
    return _field(Signal("", "bool", "bool", 0, 1, doc=doc))


def enumerated(kind: type[enum.IntEnum], *, doc: str = "") -> Any:
    """One of the members of an :class:`enum.IntEnum` whose values run 0..n-1."""
    top = max(int(member) for member in kind)
    raw = "u8" if top <= 0xFF else "u16"
    return _field(Signal("", "enum", raw, 0, top, enum=kind, doc=doc))


def bitfield(kind: type[enum.IntFlag], *, doc: str = "") -> Any:
    """A set of bits of an :class:`enum.IntFlag`."""
    top = 0
    for member in kind:
        top |= int(member)
    raw = "u8" if top <= 0xFF else "u16"
    return _field(Signal("", "flags", raw, 0, top, enum=kind, doc=doc))


@dataclass(frozen=True, slots=True)
class MessageSpec:
    """A catalog entry: one CAN message and its signals in wire order."""

    name: str
    can_id: int
    period_ms: int
    sender: Sender
    authenticated: bool
    signals: tuple[Signal, ...]
    cls: type[Message]
    doc: str = ""
    _limits: tuple[tuple[str, float, float], ...] = dataclasses.field(
        default=(), init=False, repr=False, compare=False
    )

    @property
    def period_s(self) -> float:
        return self.period_ms / 1000.0

    @property
    def limits(self) -> tuple[tuple[str, float, float], ...]:
        """(name, min, max) of the numeric signals, for saturating senders."""
        return self._limits

    def __post_init__(self) -> None:
        limits = tuple(
            (s.name, s.minimum, s.maximum) for s in self.signals if s.kind in ("float", "int")
        )
        object.__setattr__(self, "_limits", limits)

    def signal(self, name: str) -> Signal:
        for signal in self.signals:
            if signal.name == name:
                return signal
        raise ConfigError(f"{self.name} has no signal {name!r}")


class Message:
    """Base of every message dataclass; ``SPEC`` is its catalog entry."""

    __slots__ = ()
    SPEC: ClassVar[MessageSpec]

    @classmethod
    def saturated(cls: type[M], **values: Any) -> M:
        """Build the message with every scaled or integer value clipped into its range.

        Senders use this for measured quantities (a head yaw beyond the signal's range is
        sent as the range limit, as a DBC sender would saturate), never for enumerations.
        :func:`message` replaces this with the same logic compiled per message
        (:func:`_compile_saturated`): senders call it for every frame.
        """
        for name, low, high in cls.SPEC.limits:
            value = values.get(name)
            if value is not None:
                values[name] = low if value < low else high if value > high else value
        return cls(**values)


M = TypeVar("M", bound=Message)


_TWINS: dict[type, type] = {}


def mutable_twin(cls: type[Message]) -> type:
    """A mutable class with the very same slots as the frozen message class ``cls``.

    Filling a twin at plain attribute speed and then re-labelling it as ``cls`` (Python
    allows that between classes of identical layout) builds the frozen message without
    the frozen ``__init__``'s ``object.__setattr__`` per field, three times faster. Only
    for code that sets every field, as ``__init__`` would (messages have no
    ``__post_init__``).
    """
    twin = _TWINS.get(cls)
    if twin is None:  # one per message, shared by its decoders and its saturating builder
        twin = _TWINS[cls] = type(
            f"_{cls.__name__}Fill", cls.__bases__, {"__slots__": cls.__slots__}
        )
    return twin


def _compile_saturated(spec: MessageSpec) -> Callable[..., Any]:
    """:meth:`Message.saturated` for one message as straight-line code (as :mod:`dataclasses`
    does for ``__init__``): keyword-only arguments, the clipping of each numeric signal
    inline, and the fields filled through :func:`mutable_twin`."""
    namespace: dict[str, Any] = {"_twin": mutable_twin(spec.cls), "_cls": spec.cls}
    limits = {name: (low, high) for name, low, high in spec.limits}
    fills = []
    for i, signal in enumerate(spec.signals):
        value = name = signal.name
        if name in limits:
            namespace[f"_lo{i}"], namespace[f"_hi{i}"] = limits[name]
            # None passes through, as in Message.saturated (encoding then names it).
            value = (
                f"{name} if {name} is None else _lo{i} if {name} < _lo{i} "
                f"else _hi{i} if {name} > _hi{i} else {name}"
            )
        fills.append(f"    _message.{name} = {value}\n")
    source = (
        f"def saturated(*, {', '.join(s.name for s in spec.signals)}):\n"
        "    _message = _twin()\n"
        f"{''.join(fills)}"
        "    _message.__class__ = _cls\n"
        "    return _message\n"
    )
    exec(compile(source, f"<saturated {spec.name}>", "exec"), namespace)
    saturated: Callable[..., Any] = namespace["saturated"]
    return saturated


@dataclass_transform(
    frozen_default=True, field_specifiers=(scaled, integer, flag, enumerated, bitfield)
)
def message(
    *, name: str, can_id: int, period_ms: int, sender: Sender, authenticated: bool = True
) -> Callable[[type[M]], type[M]]:
    """Turn a class of signal fields into a frozen, slotted message dataclass with a ``SPEC``."""
    if not 0 <= can_id <= 0x7FF:
        raise ConfigError(f"{name}: CAN ID {can_id:#x} is not an 11-bit identifier")

    def wrap(cls: type[M]) -> type[M]:
        data_cls = dataclass(frozen=True, slots=True)(cls)
        signals = []
        for field in dataclasses.fields(data_cls):  # type: ignore[arg-type]
            draft = field.metadata.get(_SIGNAL_KEY)
            if not isinstance(draft, Signal):
                raise ConfigError(f"{name}.{field.name} is not declared as a signal")
            signal = dataclasses.replace(draft, name=field.name)
            signal.check(name)
            signals.append(signal)
        data_cls.SPEC = MessageSpec(
            name=name,
            can_id=can_id,
            period_ms=period_ms,
            sender=sender,
            authenticated=authenticated,
            signals=tuple(signals),
            cls=data_cls,
            doc=(cls.__doc__ or "").strip(),
        )
        setattr(data_cls, "saturated", staticmethod(_compile_saturated(data_cls.SPEC)))  # noqa: B010
        return data_cls

    return wrap
