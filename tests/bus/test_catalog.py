"""The catalog as the single source of truth, and the docs generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.bus import CATALOG
from dms.bus.docs import catalog_markdown
from dms.bus.signals import Message, flag, message, scaled
from dms.errors import ConfigError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "bus.md"


def test_ids_are_11_bit_unique_and_ordered() -> None:
    ids = [spec.can_id for spec in CATALOG]
    assert ids == sorted(set(ids))
    assert all(0 <= can_id <= 0x7FF for can_id in ids)


def test_the_design_messages_are_all_there() -> None:
    names = {spec.name for spec in CATALOG}
    assert names >= {
        "DMS_FaceState",
        "DMS_Drowsiness",
        "DMS_Distraction",
        "DMS_Status",
        "VEH_State",
        "ECU_Hmi",
        "ECU_Adas",
        "ECU_Mrm",
    }


def test_every_scaled_signal_carries_its_unit_in_its_name() -> None:
    for spec in CATALOG:
        for signal in spec.signals:
            if signal.kind == "float":
                assert signal.unit, f"{spec.name}.{signal.name}"


def test_committed_docs_match_the_catalog() -> None:
    assert DOCS.read_text(encoding="utf-8") == catalog_markdown(), (
        "docs/bus.md is stale: run `dms bus catalog --markdown > docs/bus.md`"
    )


def test_a_range_the_raw_type_cannot_hold_is_refused_at_declaration() -> None:
    with pytest.raises(ConfigError, match=r"Bad\.angle_deg: range \[-360, 360\] .* i8 cannot hold"):

        @message(name="Bad", can_id=0x7F0, period_ms=100, sender="dms")
        class Bad(Message):
            angle_deg: float = scaled(-360, 360, factor=0.1, raw="i8")


def test_a_scaled_signal_without_a_unit_suffix_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"Bad\.angle: a scaled signal needs a unit suffix"):

        @message(name="Bad", can_id=0x7F0, period_ms=100, sender="dms")
        class Bad(Message):
            angle: float = scaled(-90, 90, factor=0.1, raw="i16")


def test_an_extended_id_is_refused() -> None:
    with pytest.raises(ConfigError, match="not an 11-bit identifier"):

        @message(name="Bad", can_id=0x800, period_ms=100, sender="dms")
        class Bad(Message):
            on: bool = flag()
