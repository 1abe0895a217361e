"""Replaying scenarios: every shipped one holds, runs are repeatable, failures are seen."""

from __future__ import annotations

from pathlib import Path

import pytest

from dms.bus import CATALOG, FrameStatus, Receiver, read_frames
from dms.events import EventKind
from dms.scenario.loader import load_scenario
from dms.scenario.runner import ReplayResult, run_scenario
from dms.scenario.vocabulary import details_of

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
DMS_IDS = {spec.can_id for spec in CATALOG if spec.sender == "dms"}


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_holds_its_expectations(path: Path) -> None:
    result = run_scenario(load_scenario(path))
    failing = [f"{r.text} ({r.explain()})" for r in result.expectations if not r.passed]
    assert not failing, failing
    assert not _off_vocabulary(result)


def _off_vocabulary(result: ReplayResult) -> list[str]:
    """Events with a detail the loader's vocabulary says their kind never has: the table
    that validates expectations must describe what the chain really emits."""
    wrong = []
    for event in result.events:
        details = details_of(event.kind)
        if (
            (event.zone is not None and event.zone not in details.zones)
            or (event.level is not None and details.levels is None)
            or (
                event.level is not None
                and details.levels is not None
                and not details.levels[0] <= event.level <= details.levels[1]
            )
            or (event.reason is not None and event.reason not in details.reasons)
            or (event.alert is not None and not details.alert)
            or (event.duration_s is not None and not details.duration)
        ):
            wrong.append(str(event))
    return wrong


def test_perclos_on_the_bus_is_exact_and_valid_only_after_a_full_window() -> None:
    """perclos-jitter.yaml: 10 min of jittered frame times and lost frames."""
    result = run_scenario(load_scenario(SCENARIOS / "perclos-jitter.yaml"))
    values = [s.perclos_pct for s in result.samples]
    assert min(values) >= 0.0 and max(values) <= 100.0
    first_valid = next(s.t_s for s in result.samples if s.perclos_valid)
    assert 60.0 <= first_valid <= 61.0
    assert all(s.perclos_valid for s in result.samples if s.t_s > 61.0)
    alert = [s.perclos_pct for s in result.samples if 61.0 < s.t_s < 360.0]
    drowsy = [s.perclos_pct for s in result.samples if s.t_s > 520.0]
    assert max(alert) < 6.5 < min(drowsy)  # alert drivers stay under 6 %, drowsy ones over


def test_the_same_scenario_and_seed_give_byte_identical_bus_logs(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS / "microsleep.yaml")
    first, second = tmp_path / "a.blf", tmp_path / "b.blf"
    run_scenario(scenario, log_path=first)
    run_scenario(scenario, log_path=second)
    assert first.stat().st_size > 50_000
    assert first.read_bytes() == second.read_bytes()


def test_another_seed_gives_another_drive(tmp_path: Path) -> None:
    path = tmp_path / "seeded.yaml"
    text = (SCENARIOS / "microsleep.yaml").read_text()
    path.write_text(text.replace("seed: 13", "seed: 14"))
    a = run_scenario(load_scenario(SCENARIOS / "microsleep.yaml"))
    b = run_scenario(load_scenario(path))
    assert blinks(a) != blinks(b)


def blinks(result: ReplayResult) -> list[float]:
    return [e.t_s for e in result.events if e.kind is EventKind.BLINK]


def test_an_expectation_that_does_not_hold_fails_the_run(tmp_path: Path) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(
        "duration_s: 20\nseed: 1\ntimeline:\n  - {at_s: 5, do: microsleep, duration_s: 1.5}\n"
        "expect:\n  - {event: microsleep, never: true}\n  - {event: sleep, within_s: [5, 10]}\n"
        "  - {event: microsleep, within_s: [6.0, 6.2]}\n"
    )
    result = run_scenario(load_scenario(path))
    assert not result.passed
    assert [r.passed for r in result.expectations] == [False, False, True]
    never, sleep, _ = result.expectations
    assert "found 1 at 6.0" in never.explain()
    assert sleep.explain() == "found 0; no sleep in the whole run"


def test_a_failed_expectation_names_the_nearest_event_of_its_kind(tmp_path: Path) -> None:
    path = tmp_path / "late.yaml"
    path.write_text(
        "duration_s: 20\nseed: 1\ntimeline:\n  - {at_s: 5, do: microsleep, duration_s: 1.5}\n"
        "expect:\n  - {event: microsleep, within_s: [12, 14]}\n"
    )
    (result,) = run_scenario(load_scenario(path)).expectations
    assert not result.passed and result.nearest_s is not None
    assert 6.0 <= result.nearest_s <= 6.2
    assert f"nearest microsleep at {result.nearest_s:.2f} s" in result.explain()


def test_the_bus_log_holds_what_the_bus_carried_through_a_fault(tmp_path: Path) -> None:
    """bus-fault.yaml cuts the camera module off for 60-65 s and corrupts it for 100-105 s."""
    log = tmp_path / "fault.blf"
    run_scenario(load_scenario(SCENARIOS / "bus-fault.yaml"), log_path=log)
    receiver = Receiver()
    dms_frames = [
        (frame.timestamp, receiver.receive_can(frame).status)
        for frame in read_frames(log)
        if frame.arbitration_id in DMS_IDS
    ]
    during_cut = [status for t, status in dms_frames if 60.05 < t < 64.95]
    corrupt = [t for t, status in dms_frames if status is FrameStatus.CRC_ERROR]
    assert during_cut == []
    assert corrupt
    assert 100.0 <= min(corrupt) <= max(corrupt) < 105.0
    assert all(status is FrameStatus.OK for t, status in dms_frames if t < 60.0)


@pytest.mark.parametrize("name", ["sleep", "driver-not-visible"])
def test_python_cans_virtual_bus_gives_the_replay_of_the_private_bus(name: str) -> None:
    """python-can filters in software on ``virtual``; the nodes must still hear everything."""
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    private = run_scenario(scenario)
    virtual = run_scenario(scenario, bus_spec=f"virtual:replay-{name}")
    assert virtual.passed
    assert [(e.t_s, e.kind) for e in virtual.events] == [(e.t_s, e.kind) for e in private.events]
    assert EventKind.MRM_STARTED in {e.kind for e in virtual.events}
