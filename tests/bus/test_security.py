"""Authentication as a tester attacks it: forged and downgraded frames, replays across
restarts and drives, per-role keys, and nodes that fail closed on a bad key."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from dms.bus import (
    BY_NAME,
    DmsDrowsiness,
    EcuMrm,
    FrameCodec,
    FrameStatus,
    KeyRing,
    Publisher,
    Receiver,
)
from dms.bus.enums import MrmState
from dms.bus.freshness import COUNTER_WINDOW, TRIP_WINDOW, FreshnessStore
from dms.bus.keys import KEY_ENV, ROLES, KeyKind, load_keys, load_master
from dms.errors import ConfigError
from tests.keys import MASTER, ring, signing
from tests.messages import ALERT, CAR

STOP = EcuMrm(
    state=MrmState.DECELERATING,
    target_decel_mps2=2.5,
    target_lane=0,
    hazard_request=True,
    ecall=False,
)
MRM_ID = EcuMrm.SPEC.can_id


def test_a_forged_mac_is_a_mac_failure() -> None:
    forger = FrameCodec(BY_NAME["VEH_State"], signing("vehicle", master=bytes(32)))
    receiver = Receiver(keys=ring("ecu"))
    reception = receiver.receive(0x200, forger.encode(CAR, 1, 1 << 32 | 1))
    assert reception.status is FrameStatus.MAC_FAILURE
    assert reception.message is None
    assert receiver.count(FrameStatus.MAC_FAILURE) == 1


def test_a_plain_frame_for_an_authenticated_message_fails_authentication() -> None:
    downgrade = FrameCodec(BY_NAME["VEH_State"], None).encode(CAR, 1)
    assert Receiver(keys=ring("ecu")).receive(0x200, downgrade).status is FrameStatus.MAC_FAILURE


@pytest.mark.parametrize("message", ["DMS_FaceState", "DMS_Status", "ECU_Hmi", "ECU_Mrm"])
def test_every_safety_message_is_authenticated_on_a_keyed_bus(message: str) -> None:
    assert FrameCodec(BY_NAME[message], signing("ecu")).authenticated


def test_the_clusters_ring_cannot_make_an_ecu_mrm_the_vehicle_obeys() -> None:
    cluster = ring("cluster")
    assert not cluster.can_sign("ecu")
    with pytest.raises(Exception, match=r"cannot|no keys"):
        Publisher(None, cluster).encode(STOP, 1.0)
    # Its display key is all it has: a frame it forges with that key in both MAC slots
    # passes its own check, but never the vehicle's control-MAC check.
    display = cluster.key(KeyKind.DISPLAY, "ecu")
    assert display is not None
    forged = FrameCodec(EcuMrm.SPEC, signing("ecu", master=MASTER)._replace(control=display))
    frame = forged.encode(STOP, 1, 7 << 32 | 1)
    assert Receiver(keys=cluster).receive(MRM_ID, frame, 1.0).status is FrameStatus.OK
    vehicle = Receiver(keys=ring("vehicle"))
    assert vehicle.receive(MRM_ID, frame, 1.0).status is FrameStatus.MAC_FAILURE


def test_the_cluster_verifies_what_every_sender_signs() -> None:
    cluster = Receiver(keys=ring("cluster"))
    for role, message in (("dms", ALERT), ("vehicle", CAR), ("ecu", STOP)):
        frame = Publisher(None, ring(role)).encode(message, 1.0)  # type: ignore[arg-type]
        assert cluster.receive_can(frame, 1.0).message == message


def test_each_role_holds_only_its_keys() -> None:
    held = {role: set(ring(role).keys) for role in ROLES}
    assert (KeyKind.CONTROL, "ecu") in held["vehicle"]  # it acts on ECU_Mrm
    assert (KeyKind.CONTROL, "ecu") not in held["dms"]
    assert (KeyKind.DISPLAY, "ecu") not in held["vehicle"]
    assert all(kind is KeyKind.DISPLAY for kind, _ in held["cluster"])
    keys = [key for role in ROLES for key in ring(role).keys.values()]
    assert MASTER not in keys


def test_a_replayed_frame_is_caught_by_its_freshness() -> None:
    car = Publisher(None, ring("vehicle"))
    receiver = Receiver(keys=ring("ecu"))
    old = car.encode(CAR, 1.0)
    assert receiver.receive_can(old, 1.0).status is FrameStatus.OK
    assert receiver.receive_can(car.encode(CAR, 1.05), 1.05).status is FrameStatus.OK
    replay = receiver.receive_can(old, 1.1)
    assert replay.status is FrameStatus.REPLAYED and replay.message is None


def drive(
    state: Path, frames: int, *, receiver_state: Path | None = None
) -> tuple[list[bytes], list[FrameStatus]]:
    """One drive: a fresh ECU process sends ``frames`` ECU_Mrm frames to a fresh vehicle
    process; both keep their freshness state in ``state``. Returns the frames and the
    vehicle's verdicts."""
    ecu = Publisher(None, ring("ecu"), freshness=FreshnessStore(state / "ecu.json"))
    store = FreshnessStore(receiver_state or state / "vehicle.json")
    vehicle = Receiver(keys=ring("vehicle"), freshness=store)
    sent, verdicts = [], []
    for k in range(frames):
        frame = ecu.encode(STOP if k % 2 else dataclasses.replace(STOP, target_lane=1), k * 0.05)
        sent.append(bytes(frame.data))
        verdicts.append(vehicle.receive_can(frame, k * 0.05).status)
    store.save()
    return sent, verdicts


def test_a_frame_recorded_on_one_drive_is_rejected_on_the_next(tmp_path: Path) -> None:
    recorded, verdicts = drive(tmp_path, 50)
    assert set(verdicts) == {FrameStatus.OK}
    _, verdicts = drive(tmp_path, 5)  # both restarted: a new trip
    assert set(verdicts) == {FrameStatus.OK}
    vehicle = Receiver(keys=ring("vehicle"), freshness=FreshnessStore(tmp_path / "vehicle.json"))
    for data in recorded:  # each recorded frame, sent once into the new drive
        assert vehicle.receive(MRM_ID, data, 10.0).status is FrameStatus.REPLAYED
    assert vehicle.count(FrameStatus.REPLAYED) == len(recorded)


def test_a_restarted_receiver_still_rejects_what_it_accepted_before(tmp_path: Path) -> None:
    recorded, _ = drive(tmp_path, 50)
    restarted = Receiver(keys=ring("vehicle"), freshness=FreshnessStore(tmp_path / "vehicle.json"))
    assert restarted.receive(MRM_ID, recorded[-1], 5.0).status is FrameStatus.REPLAYED
    # A receiver that forgot everything takes an authentic frame once: the state matters.
    forgetful = Receiver(keys=ring("vehicle"))
    assert forgetful.receive(MRM_ID, recorded[-1], 5.0).status is FrameStatus.OK


def test_the_trip_counter_is_persisted_before_the_first_frame(tmp_path: Path) -> None:
    for trip in (1, 2, 3):
        Publisher(None, ring("ecu"), freshness=FreshnessStore(tmp_path / "ecu.json")).encode(
            STOP, 0.0
        )
        state = json.loads((tmp_path / "ecu.json").read_text())
        assert state["trips"] == {"ecu": trip}


def authentic(trip: int, counter: int, e2e: int) -> bytes:
    codec = FrameCodec(EcuMrm.SPEC, signing("ecu"))
    return codec.encode(STOP, e2e, trip << 32 | counter)


def test_freshness_beyond_the_window_is_taken_only_after_a_resync() -> None:
    vehicle = Receiver(keys=ring("vehicle"))
    far, jump = 3 + 3 * TRIP_WINDOW, COUNTER_WINDOW + 10
    frames = [  # (trip, message counter) of consecutive frames (E2E counters in sequence)
        ((3, 10), "delivered"),
        ((3 + TRIP_WINDOW, 1), "delivered"),  # a receiver may have missed 16 trips
        ((far, 1), FrameStatus.OUT_OF_WINDOW),
        ((far, 2), "delivered"),  # the second in a row: resynchronised
        ((far, 2 + COUNTER_WINDOW + 1), FrameStatus.OUT_OF_WINDOW),
        ((far, jump), "delivered"),
    ]
    for e2e, ((trip, counter), expected) in enumerate(frames):
        got = vehicle.receive(MRM_ID, authentic(trip, counter, e2e), e2e * 0.05).status
        assert got.delivered if expected == "delivered" else got is expected, (trip, counter)


def test_an_unreadable_freshness_state_is_an_error_that_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "vehicle.json"
    path.write_text("{not json")
    with pytest.raises(ConfigError, match=r"vehicle\.json"):
        FreshnessStore(path)


@pytest.mark.parametrize(
    ("value", "reason"),
    [("", "set but empty"), ("  \n", "set but empty"), ("abcd", "at least 16"), ("zz" * 20, "hex")],
)
def test_a_node_refuses_to_start_with_an_empty_or_short_key(
    value: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, value)
    with pytest.raises(ConfigError, match=reason):
        load_keys("ecu")
    with pytest.raises(ConfigError, match=reason):
        load_master()


def test_a_ring_file_gives_a_node_its_keys_and_no_more(tmp_path: Path) -> None:
    path = tmp_path / "cluster.keys"
    path.write_text(ring("cluster").to_text())
    assert load_keys("cluster", path) == ring("cluster")
    with pytest.raises(ConfigError, match="lacks what a ecu node needs"):
        load_keys("ecu", path)
    with pytest.raises(ConfigError, match="needs the master secret"):
        load_master(path)


def test_a_bad_ring_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.keys"
    path.write_text("# ring\ncontrol.ecu = " + "ab" * 32 + "\nsteering.ecu = 00\n")
    with pytest.raises(ConfigError, match=r"bad.keys:3"):
        load_keys("ecu", path)


def test_a_frame_authentic_under_one_key_fails_under_another_in_the_same_process() -> None:
    frame = Publisher(None, ring("vehicle")).encode(CAR, 1.0)
    assert Receiver(keys=ring("ecu")).receive_can(frame, 1.0).status is FrameStatus.OK
    other = KeyRing.from_master(bytes(range(32)), "ecu")
    assert Receiver(keys=other).receive_can(frame, 1.0).status is FrameStatus.MAC_FAILURE
    assert Receiver(keys=ring("ecu")).receive_can(frame, 1.0).status is FrameStatus.OK


def test_a_sleeping_drivers_frames_reach_the_ecu_only_from_the_camera_module() -> None:
    """The vehicle's ring can verify DMS frames by nothing: it must not act on them."""
    frame = Publisher(None, ring("dms")).encode(dataclasses.replace(ALERT, sleep=True), 1.0)
    assert Receiver(keys=ring("ecu")).receive_can(frame, 1.0).message is not None
    assert Receiver(keys=ring("vehicle")).receive_can(frame, 1.0).status is FrameStatus.MAC_FAILURE
    assert isinstance(Receiver(keys=ring("cluster")).receive_can(frame, 1.0).message, DmsDrowsiness)
