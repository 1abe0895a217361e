"""Frame layout, round trips over whole signal ranges, sizes, and error detection."""

from __future__ import annotations

import binascii
import dataclasses
import hashlib
import math

import msgpack
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dms.bus import (
    CATALOG,
    DmsFaceState,
    FrameCodec,
    FrameStatus,
    Message,
    MessageSpec,
    VehState,
)
from dms.bus.examples import example_messages
from dms.bus.keys import MacKeys
from dms.bus.layout import FD_LENGTHS, MAX_FRAME_BYTES
from dms.bus.reference import reference_decode, reference_encode
from dms.errors import EncodeError
from tests.bus.strategies import anywhere, extreme, messages

KEY = MacKeys(control=bytes(range(32)), display=bytes(range(32, 64)))
SPECS = {spec.name: spec for spec in CATALOG}
EXAMPLES = {message.SPEC.name: message for message in example_messages()}
FACE = next(m for m in example_messages() if isinstance(m, DmsFaceState))
VEH = next(m for m in example_messages() if isinstance(m, VehState))
AUTH_SPECS = [spec for spec in CATALOG if spec.authenticated]


def codec_for(spec: MessageSpec, key: MacKeys | None) -> FrameCodec:
    return FrameCodec(spec, key)


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "auth"])
@pytest.mark.parametrize("name", list(SPECS))
def test_round_trip_over_the_whole_range_at_fixed_offsets(name: str, key: MacKeys | None) -> None:
    spec = SPECS[name]
    codec = codec_for(spec, key)
    layout = codec.layout

    @given(messages(spec), st.integers(0, 255), st.integers(0, 2**64 - 1))
    def round_trip(message: Message, counter: int, freshness: int) -> None:
        frame = codec.encode(message, counter, freshness)
        assert len(frame) in FD_LENGTHS and len(frame) == layout.size
        assert frame == reference_encode(message, counter, freshness, key)
        parsed = codec.parse(frame)
        assert parsed == reference_decode(spec, frame, key)
        status, decoded, got_counter, got_freshness = parsed
        assert status is FrameStatus.OK
        assert decoded == message
        assert type(decoded) is spec.cls
        assert got_counter == counter == frame[2]
        assert got_freshness == (freshness if codec.authenticated else -1)
        # Every signal at its fixed offset, and the body is msgpack any decoder reads.
        raw = [s.to_raw(_number(getattr(message, s.name))) for s in spec.signals]
        for slot, value in zip(layout.slots, raw, strict=True):
            assert frame[slot.type_at] == slot.msgpack_type
            at = slot.value_at
            assert int.from_bytes(frame[at : at + slot.size], "big", signed=slot.signed) == value
        assert msgpack.unpackb(frame[3 : layout.body_end]) == raw

    round_trip()


def _number(value: object) -> float:
    return float(value) if isinstance(value, float) else int(value)  # type: ignore[call-overload]


@pytest.mark.parametrize("name", list(SPECS))
def test_values_between_raw_steps_come_back_within_half_a_step(name: str) -> None:
    spec = SPECS[name]
    codec = codec_for(spec, None)

    @given(messages(spec, anywhere))
    def nearest(message: Message) -> None:
        _, decoded, _, _ = codec.parse(codec.encode(message, 0))
        assert decoded is not None
        for signal in spec.signals:
            sent, got = getattr(message, signal.name), getattr(decoded, signal.name)
            assert math.isclose(sent, got, abs_tol=signal.factor / 2 + 1e-9), signal.name

    nearest()


@pytest.mark.parametrize("top", [False, True], ids=["minimum", "maximum"])
@pytest.mark.parametrize("name", list(SPECS))
def test_every_frame_fits_can_fd_at_the_range_extremes(name: str, top: bool) -> None:
    spec = SPECS[name]
    codec = codec_for(spec, KEY)
    frame = codec.encode(extreme(spec, top), counter=255, freshness=2**64 - 1)
    assert len(frame) <= MAX_FRAME_BYTES
    status, decoded, _, _ = codec.parse(frame)
    assert status is FrameStatus.OK
    assert decoded == extreme(spec, top)


def test_plain_frame_layout_is_profile5_header_then_body() -> None:
    message = EXAMPLES["DMS_FaceState"]
    frame = codec_for(message.SPEC, None).encode(message, counter=7)
    assert frame[2] == 7
    crc = binascii.crc_hqx(frame[2:] + bytes([0x00, 0x01]), 0xFFFF)  # data ID 0x100, low first
    assert frame[0:2] == crc.to_bytes(2, "little")
    layout = codec_for(message.SPEC, None).layout
    assert not any(frame[layout.body_end :])  # padding
    raw = msgpack.unpackb(frame[3 : layout.body_end])
    assert raw[0] == 1  # face_present
    assert raw[8] == round(message.head_yaw_deg * 10)  # type: ignore[attr-defined]


def test_authenticated_frame_layout_ends_with_freshness_and_two_macs() -> None:
    message = EXAMPLES["VEH_State"]
    freshness = 0x0000_0007_0102_0304  # trip 7, frame 0x01020304
    frame = codec_for(message.SPEC, KEY).encode(message, counter=200, freshness=freshness)
    assert frame[2] == 200
    assert frame[-24:-16] == bytes([0, 0, 0, 7, 1, 2, 3, 4])
    covered = (0x200).to_bytes(2, "big") + frame[2:-16]
    assert KEY.control is not None and KEY.display is not None
    assert frame[-16:-8] == hashlib.blake2s(covered, key=KEY.control, digest_size=8).digest()
    assert frame[-8:] == hashlib.blake2s(covered, key=KEY.display, digest_size=8).digest()
    crc = binascii.crc_hqx(frame[2:] + bytes([0x00, 0x02]), 0xFFFF)
    assert frame[0:2] == crc.to_bytes(2, "little")


@pytest.mark.parametrize("held", ["control", "display"])
def test_a_node_verifies_the_mac_of_the_key_it_holds(held: str) -> None:
    message = EXAMPLES["ECU_Mrm"]
    frame = bytearray(codec_for(message.SPEC, KEY).encode(message, counter=1, freshness=5))
    verifier = codec_for(
        message.SPEC, KEY._replace(**{"display" if held == "control" else "control": None})
    )
    reference = KEY._replace(**{"display" if held == "control" else "control": None})
    assert verifier.parse(bytes(frame))[0] is FrameStatus.OK
    other = -1 if held == "control" else -9  # spoil the MAC this node does not check
    frame[other] ^= 0xFF
    frame = bytearray(with_crc(message.SPEC, frame))
    assert verifier.parse(bytes(frame))[0] is FrameStatus.OK
    assert reference_decode(message.SPEC, bytes(frame), reference)[0] is FrameStatus.OK
    mine = -9 if held == "control" else -1
    frame[mine] ^= 0xFF
    frame = bytearray(with_crc(message.SPEC, frame))
    assert verifier.parse(bytes(frame))[0] is FrameStatus.MAC_FAILURE
    assert reference_decode(message.SPEC, bytes(frame), reference)[0] is FrameStatus.MAC_FAILURE


def test_a_node_without_the_senders_keys_cannot_sign_or_verify() -> None:
    message = EXAMPLES["ECU_Mrm"]
    frame = codec_for(message.SPEC, KEY).encode(message, counter=1)
    blind = codec_for(message.SPEC, MacKeys(None, None))
    assert blind.authenticated
    assert blind.parse(frame)[0] is FrameStatus.MAC_FAILURE
    with pytest.raises(EncodeError, match="no keys to sign"):
        blind.encode(message, 1)


def test_a_message_without_a_key_is_sent_plain() -> None:
    message = EXAMPLES["VEH_State"]
    plain = codec_for(message.SPEC, None).encode(message, counter=1)
    authenticated = codec_for(message.SPEC, KEY).encode(message, counter=1)
    assert len(plain) < len(authenticated)
    body_end = codec_for(message.SPEC, None).layout.body_end
    assert plain[2:body_end] == authenticated[2:body_end]


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "auth"])
@pytest.mark.parametrize("name", list(SPECS))
def test_every_single_bit_flip_is_detected(name: str, key: MacKeys | None) -> None:
    spec = SPECS[name]
    codec = codec_for(spec, key)
    frame = codec.encode(EXAMPLES[name], counter=42, freshness=123456)
    for bit in range(len(frame) * 8):
        corrupt = bytearray(frame)
        corrupt[bit // 8] ^= 1 << (bit % 8)
        status, decoded, _, _ = codec.parse(bytes(corrupt))
        assert status in (FrameStatus.CRC_ERROR, FrameStatus.MAC_FAILURE), bit
        assert decoded is None


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "auth"])
@given(data=st.binary(max_size=80), name=st.sampled_from(list(SPECS)))
def test_random_bytes_are_rejected_without_raising(
    key: MacKeys | None, data: bytes, name: str
) -> None:
    status, decoded, _, _ = codec_for(SPECS[name], key).parse(data)
    assert status is not FrameStatus.OK
    assert decoded is None


def with_crc(spec: MessageSpec, frame: bytes | bytearray) -> bytes:
    """``frame`` with its Profile 5 CRC made right (what a careless or hostile sender does)."""
    crc = binascii.crc_hqx(bytes(frame[2:]) + spec.can_id.to_bytes(2, "little"), 0xFFFF)
    return crc.to_bytes(2, "little") + bytes(frame[2:])


@given(tail=st.binary(min_size=1, max_size=62), name=st.sampled_from(list(SPECS)))
def test_any_frame_with_a_valid_crc_gets_the_reference_codecs_verdict(
    tail: bytes, name: str
) -> None:
    spec = SPECS[name]
    frame = with_crc(spec, b"\0\0" + tail)
    assert codec_for(spec, None).parse(frame) == reference_decode(spec, frame)


def _face_frame_with(change: dict[int, int]) -> bytes:
    frame = bytearray(codec_for(SPECS["DMS_FaceState"], None).encode(FACE, 0))
    for at, value in change.items():
        frame[at] = value
    return with_crc(SPECS["DMS_FaceState"], frame)


_SLOTS = {slot.signal.name: slot for slot in codec_for(SPECS["DMS_FaceState"], None).layout.slots}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({3: 0x9D}, FrameStatus.MALFORMED),  # an array of 13
        ({_SLOTS["face_present"].type_at: 0xC3}, FrameStatus.MALFORMED),  # msgpack true
        ({_SLOTS["head_yaw_deg"].type_at: 0xCD}, FrameStatus.MALFORMED),  # u16, not i16
        ({_SLOTS["gaze_zone"].value_at: 99}, FrameStatus.OUT_OF_RANGE),  # gaze zone 99
        ({_SLOTS["face_present"].value_at: 2}, FrameStatus.OUT_OF_RANGE),  # a bool of 2
    ],
)
def test_bodies_off_the_layout_or_out_of_range_are_dropped(
    change: dict[int, int], expected: FrameStatus
) -> None:
    frame = _face_frame_with(change)
    status, decoded, _, _ = codec_for(SPECS["DMS_FaceState"], None).parse(frame)
    assert (status, decoded) == (expected, None)


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "auth"])
def test_more_can_fd_padding_is_tolerated_and_a_cut_frame_is_malformed(
    key: MacKeys | None,
) -> None:
    message = EXAMPLES["DMS_Status"]  # 16 bytes plain, 48 keyed: room to pad
    codec = codec_for(message.SPEC, key)
    frame = codec.encode(message, counter=3, freshness=99)
    longer = next(n for n in FD_LENGTHS if n > len(frame))
    status, decoded, counter, _ = codec.parse(frame + bytes(longer - len(frame)))
    assert (status, decoded, counter) == (FrameStatus.OK, message, 3)
    status, _, _, _ = codec.parse(frame + b"\x01" + bytes(longer - len(frame) - 1))
    assert status is FrameStatus.MALFORMED
    assert codec.parse(frame[:-1])[0] is FrameStatus.MALFORMED
    for size in (longer + 1, 65, 80, 1000):  # not a CAN FD length, or more than CAN FD holds
        assert codec.parse(frame + bytes(size - len(frame)))[0] is FrameStatus.MALFORMED


def test_encoding_an_out_of_range_value_names_the_signal() -> None:
    bad = dataclasses.replace(FACE, head_yaw_deg=123.4)
    with pytest.raises(
        EncodeError, match=r"DMS_FaceState\.head_yaw_deg = 123\.4: outside \[-90, 90\] deg"
    ):
        codec_for(bad.SPEC, None).encode(bad, 0)


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_encoding_a_non_finite_value_names_the_signal(value: float) -> None:
    bad = dataclasses.replace(VEH, speed_mps=value)
    with pytest.raises(EncodeError, match=r"VEH_State\.speed_mps = .*not a finite number"):
        codec_for(bad.SPEC, None).encode(bad, 0)


def test_encoding_an_integer_outside_an_enum_is_refused() -> None:
    bad = dataclasses.replace(FACE, gaze_zone=42)  # type: ignore[arg-type]
    with pytest.raises(EncodeError, match=r"gaze_zone = 42: not a GazeZone"):
        codec_for(bad.SPEC, None).encode(bad, 0)


def test_encoding_another_message_type_is_refused() -> None:
    with pytest.raises(EncodeError, match="expected a DmsFaceState, got VehState"):
        codec_for(SPECS["DMS_FaceState"], None).encode(EXAMPLES["VEH_State"], 0)


def test_saturated_clips_measured_values_into_range() -> None:
    values = {s.name: getattr(EXAMPLES["DMS_FaceState"], s.name) for s in DmsFaceState.SPEC.signals}
    values.update(head_yaw_deg=131.0, gaze_pitch_deg=-400.0)
    message = DmsFaceState.saturated(**values)
    assert (message.head_yaw_deg, message.gaze_pitch_deg) == (90.0, -90.0)


def test_saturated_builds_the_same_frozen_message_as_the_constructor() -> None:
    for example in EXAMPLES.values():
        values = {s.name: getattr(example, s.name) for s in example.SPEC.signals}
        built = type(example).saturated(**values)
        assert type(built) is type(example) and built == example
        assert hash(built) == hash(example)
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(built, example.SPEC.signals[0].name, 1)
        with pytest.raises(TypeError):
            type(example).saturated(**{**values, "no_such_signal": 1})


def test_decoded_messages_are_frozen_like_constructed_ones() -> None:
    message = EXAMPLES["DMS_Status"]
    _, decoded, _, _ = codec_for(message.SPEC, None).parse(
        codec_for(message.SPEC, None).encode(message, 0)
    )
    assert decoded == message
    assert hash(decoded) == hash(message)
    with pytest.raises(dataclasses.FrozenInstanceError):
        decoded.fps_hz = 1.0  # type: ignore[attr-defined]


def test_authenticated_messages_exist() -> None:
    assert AUTH_SPECS, "the catalog should authenticate its safety-relevant messages"
