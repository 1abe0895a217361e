"""Hypothesis strategies for catalog messages over their whole signal ranges."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from dms.bus.signals import Message, MessageSpec, Signal


def on_grid(signal: Signal) -> st.SearchStrategy[Any]:
    """Values exactly representable on the wire (raw integers scaled back)."""
    if signal.kind == "bool":
        return st.booleans()
    if signal.kind == "enum":
        assert signal.enum is not None
        return st.sampled_from(list(signal.enum))
    if signal.kind == "flags":
        assert signal.enum is not None
        return st.integers(signal.raw_min, signal.raw_max).map(signal.enum)
    if signal.kind == "int":
        return st.integers(signal.raw_min, signal.raw_max)
    return st.integers(signal.raw_min, signal.raw_max).map(signal.to_physical)


def anywhere(signal: Signal) -> st.SearchStrategy[Any]:
    """Any value in range, including ones between two raw steps."""
    if signal.kind != "float":
        return on_grid(signal)
    return st.floats(signal.minimum, signal.maximum, allow_nan=False)


def messages(spec: MessageSpec, values: Any = on_grid) -> st.SearchStrategy[Message]:
    return st.builds(spec.cls, **{signal.name: values(signal) for signal in spec.signals})


def extreme(spec: MessageSpec, top: bool) -> Message:
    """The message with every signal at its minimum (``top=False``) or maximum."""
    values: dict[str, Any] = {}
    for signal in spec.signals:
        bound = signal.maximum if top else signal.minimum
        if signal.kind == "bool":
            values[signal.name] = top
        elif signal.enum is not None:
            values[signal.name] = signal.enum(int(bound))
        elif signal.kind == "int":
            values[signal.name] = int(bound)
        else:
            values[signal.name] = float(bound)
    return spec.cls(**values)
