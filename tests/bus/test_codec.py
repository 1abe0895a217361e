"""Frame layout, round trips over whole signal ranges, sizes, and error detection."""

from __future__ import annotations

import binascii
import dataclasses
import hashlib
import hmac
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
from dms.bus.codec import AUTH_TRAILER_BYTES, MAX_FRAME_BYTES, PLAIN_TRAILER_BYTES
from dms.bus.examples import example_messages
from dms.errors import EncodeError
from tests.bus.strategies import anywhere, extreme, messages

KEY = bytes(range(32))
SPECS = {spec.name: spec for spec in CATALOG}
EXAMPLES = {message.SPEC.name: message for message in example_messages()}
FACE = next(m for m in example_messages() if isinstance(m, DmsFaceState))
VEH = next(m for m in example_messages() if isinstance(m, VehState))
AUTH_SPECS = [spec for spec in CATALOG if spec.authenticated]


def codec_for(spec: MessageSpec, key: bytes | None) -> FrameCodec:
    return FrameCodec(spec, key)


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "auth"])
@pytest.mark.parametrize("name", list(SPECS))
def test_round_trip_over_the_whole_range(name: str, key: bytes | None) -> None:
    spec = SPECS[name]
    codec = codec_for(spec, key)

    @given(messages(spec), st.integers(0, 255), st.integers(0, 2**32 - 1))
    def round_trip(message: Message, counter: int, freshness: int) -> None:
        frame = codec.encode(message, counter, freshness)
        status, decoded, got_counter, got_freshness = codec.parse(frame)
        assert status is FrameStatus.OK
        assert decoded == message
        assert type(decoded) is spec.cls
        assert got_counter == counter
        assert got_freshness == (freshness if codec.authenticated else -1)
        assert len(frame) <= MAX_FRAME_BYTES

    round_trip()


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
    frame = codec.encode(extreme(spec, top), counter=255, freshness=2**32 - 1)
    assert len(frame) <= MAX_FRAME_BYTES
    status, decoded, _, _ = codec.parse(frame)
    assert status is FrameStatus.OK
    assert decoded == extreme(spec, top)


def test_plain_frame_layout_is_body_counter_crc() -> None:
    message = EXAMPLES["DMS_FaceState"]
    frame = codec_for(message.SPEC, KEY).encode(
        message, counter=7
    )  # FaceState is never authenticated
    body, counter, crc = frame[:-3], frame[-3], frame[-2:]
    assert counter == 7
    assert len(frame) - len(body) == PLAIN_TRAILER_BYTES
    expected_crc = binascii.crc_hqx((0x100).to_bytes(2, "big") + body + bytes([7]), 0xFFFF)
    assert int.from_bytes(crc, "big") == expected_crc
    raw = msgpack.unpackb(body)
    assert raw[0] == 1  # face_present
    assert raw[8] == round(message.head_yaw_deg * 10)  # type: ignore[attr-defined]


def test_authenticated_frame_layout_has_freshness_and_truncated_hmac() -> None:
    message = EXAMPLES["VEH_State"]
    frame = codec_for(message.SPEC, KEY).encode(message, counter=200, freshness=0x01020304)
    body = frame[:-AUTH_TRAILER_BYTES]
    counter = frame[len(body)]
    freshness = frame[len(body) + 1 : len(body) + 5]
    mac = frame[len(body) + 5 : len(body) + 13]
    crc = frame[-2:]
    can_id = (0x200).to_bytes(2, "big")
    assert counter == 200
    assert freshness == bytes([1, 2, 3, 4])
    assert (
        mac == hmac.new(KEY, can_id + body + bytes([200]) + freshness, hashlib.sha256).digest()[:8]
    )
    assert int.from_bytes(crc, "big") == binascii.crc_hqx(can_id + frame[:-2], 0xFFFF)


def test_a_message_without_a_key_is_sent_plain() -> None:
    message = EXAMPLES["VEH_State"]
    plain = codec_for(message.SPEC, None).encode(message, counter=1)
    authenticated = codec_for(message.SPEC, KEY).encode(message, counter=1)
    assert len(authenticated) - len(plain) == AUTH_TRAILER_BYTES - PLAIN_TRAILER_BYTES


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "auth"])
@pytest.mark.parametrize("name", list(SPECS))
def test_every_single_bit_flip_is_detected(name: str, key: bytes | None) -> None:
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
    key: bytes | None, data: bytes, name: str
) -> None:
    status, decoded, _, _ = codec_for(SPECS[name], key).parse(data)
    assert status is not FrameStatus.OK
    assert decoded is None


msgpack_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats()
    | st.text(max_size=5)
    | st.binary(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=16) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


def frame_with_valid_crc(can_id: int, body: bytes, counter: int = 0) -> bytes:
    head = body + bytes([counter])
    return head + binascii.crc_hqx(can_id.to_bytes(2, "big") + head, 0xFFFF).to_bytes(2, "big")


@given(value=msgpack_values, name=st.sampled_from(list(SPECS)))
def test_random_msgpack_bodies_with_a_valid_crc_are_dropped(value: object, name: str) -> None:
    spec = SPECS[name]
    frame = frame_with_valid_crc(spec.can_id, msgpack.packb(value))
    status, decoded, _, _ = codec_for(spec, None).parse(frame)
    if decoded is not None:  # only an array of in-range integers of the right length decodes
        assert isinstance(value, list) and len(value) == len(spec.signals)
        assert all(type(v) is int for v in value)
    else:
        assert status in (FrameStatus.MALFORMED, FrameStatus.OUT_OF_RANGE)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (msgpack.packb([1, 2, 3]), FrameStatus.MALFORMED),  # wrong arity
        (msgpack.packb([1.0] * 14), FrameStatus.MALFORMED),  # floats are not raw values
        (msgpack.packb([True] * 14), FrameStatus.MALFORMED),  # neither are booleans
        (msgpack.packb(b"\x01" * 14), FrameStatus.MALFORMED),  # bytes of the right length
        (b"\xc1", FrameStatus.MALFORMED),  # never-used msgpack byte
        (msgpack.packb([1] * 13 + [99]), FrameStatus.OUT_OF_RANGE),  # gaze zone 99
        (msgpack.packb([2] + [1] * 13), FrameStatus.OUT_OF_RANGE),  # a bool of 2
    ],
)
def test_bodies_that_are_not_fourteen_in_range_integers(body: bytes, expected: FrameStatus) -> None:
    frame = frame_with_valid_crc(0x100, body)
    status, decoded, _, _ = codec_for(SPECS["DMS_FaceState"], None).parse(frame)
    assert (status, decoded) == (expected, None)


@pytest.mark.parametrize("key", [None, KEY], ids=["plain", "auth"])
def test_can_fd_padding_added_by_a_controller_is_tolerated(key: bytes | None) -> None:
    message = EXAMPLES["DMS_Drowsiness"]
    codec = codec_for(message.SPEC, key)
    frame = codec.encode(message, counter=3, freshness=99)
    padded_length = next(n for n in (12, 16, 20, 24, 32, 48, 64) if n > len(frame))
    status, decoded, counter, _ = codec.parse(frame + bytes(padded_length - len(frame)))
    assert (status, decoded, counter) == (FrameStatus.OK, message, 3)
    status, _, _, _ = codec.parse(frame + b"\x01" + bytes(padded_length - len(frame) - 1))
    assert status is FrameStatus.CRC_ERROR


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
