"""The car as separate processes on udp_multicast, in a private network namespace: the
same warnings and MRM as the in-process replay, a simulator of one's own that knows only
the DBC, and bus logs played back to live listeners."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from dms.bus.enums import Sensitivity
from dms.events import Event, EventKind
from dms.scenario.loader import load_scenario
from dms.scenario.runner import run_scenario
from dms.units import KPH
from dms.vehicle.assist import AssistSettings
from dms.vehicle.road import braking_distance_m
from tests.netns import run_in_namespace

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "own_simulator.py"
DMS = f"{sys.executable} -m dms.cli"
#: The driver falls asleep 3 s into the drive: warnings from 4 s, the MRM near 9.7 s.
SCENARIO = """\
description: asleep 3 s into a short motorway drive
duration_s: 13
seed: 5
vehicle: {speed_kph: 100}
timeline:
  - {at_s: 3, do: sleep, duration_s: 10}
"""


def _events(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


def _start_s(sensor_log: Path) -> float:
    found = re.search(r"starts at ([\d.]+) on the process clock", sensor_log.read_text())
    assert found, sensor_log.read_text()
    return float(found.group(1))


def _warnings(events: list[Event]) -> list[tuple[float, int, str]]:
    return [
        (e.t_s, int(e.level or 0), e.alert.name.lower() if e.alert else "")
        for e in events
        if e.kind is EventKind.WARNING
    ]


def _mrm_s(events: list[Event]) -> float:
    return next(e.t_s for e in events if e.kind is EventKind.MRM_STARTED)


def _run(tmp_path: Path, script: str) -> None:
    result = run_in_namespace(f"cd {tmp_path}\n{textwrap.dedent(script)}", timeout_s=120)
    logs = "\n".join(f"--- {p.name}\n{p.read_text()[-2000:]}" for p in tmp_path.glob("*.err"))
    assert result.returncode == 0, result.stderr + logs
    assert "Traceback" not in logs, logs


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Event]]:
    """The scenario file and what the in-process replay makes of it."""
    path = tmp_path_factory.mktemp("scenario") / "asleep.yaml"
    path.write_text(SCENARIO)
    return path, run_scenario(load_scenario(path)).events


def test_own_simulator_gets_its_mrm_where_the_replay_puts_it(
    tmp_path: Path, replay: tuple[Path, list[Event]]
) -> None:
    scenario, replayed = replay
    _run(
        tmp_path,
        f"""
        export SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
        {DMS} bus catalog --dbc dms.dbc 2> catalog.err
        {DMS} ecu --bus udp_multicast --seconds 18 > ecu.jsonl 2> ecu.err &
        {DMS} hud --bus udp_multicast --seconds 18 > hud.out 2> hud.err &
        {DMS} bus record --bus udp_multicast -o drive.blf --seconds 18 2> record.err &
        {sys.executable} {EXAMPLE} --dbc dms.dbc --seconds 18 > sim.out 2> sim.err &
        sleep 2
        {DMS} sensor --bus udp_multicast --scenario {scenario} > sensor.jsonl 2> sensor.err
        wait
        """,
    )
    start = _start_s(tmp_path / "sensor.err")
    decelerating = [
        float(line.split()[0]) - start
        for line in (tmp_path / "sim.out").read_text().splitlines()
        if line.endswith("ECU_Mrm DECELERATING")
    ]
    assert decelerating, (tmp_path / "sim.out").read_text()
    assert abs(decelerating[0] - _mrm_s(replayed)) <= 1.0
    # The ECU in its own process warns as the replay's ECU does, within 0.3 s.
    during = [e for e in _events(tmp_path / "ecu.jsonl") if 0.5 < float(e["t_s"]) - start < 13]  # type: ignore[arg-type]
    live = [
        (float(e["t_s"]) - start, int(e.get("level", 0)), str(e.get("alert", "")))  # type: ignore[arg-type, call-overload]
        for e in during
        if e["kind"] == "warning"
    ]
    expected = _warnings(replayed)
    assert [(level, alert) for _, level, alert in live] == [(lv, a) for _, lv, a in expected]
    for (t_live, _, _), (t_replay, _, _) in zip(live, expected, strict=True):
        assert abs(t_live - t_replay) <= 0.3
    hud = (tmp_path / "hud.out").read_text()
    assert int(re.search(r"decoded (\d+) frames", hud).group(1)) > 1000  # type: ignore[union-attr]


def test_the_readme_recipe_and_a_played_back_log_keep_every_listener_up(
    tmp_path: Path, replay: tuple[Path, list[Event]]
) -> None:
    scenario, replayed = replay
    _run(
        tmp_path,
        f"""
        {DMS} ecu --bus udp_multicast --seconds 24 > ecu.jsonl 2> ecu.err &
        {DMS} sim --bus udp_multicast --seconds 24 > sim.out 2> sim.err &
        {DMS} bus dump --bus udp_multicast --json --seconds 24 > dump.jsonl 2> dump.err &
        sleep 2
        {DMS} sensor --bus udp_multicast --scenario {scenario} > sensor.jsonl 2> sensor.err
        {DMS} bus record --bus udp_multicast -o again.blf --seconds 6 2> record.err &
        sleep 1
        {DMS} bus play drive.blf --bus udp_multicast --speed 0 2> play.err || true
        wait
        """.replace("drive.blf", str(_a_log(tmp_path))),
    )
    start = _start_s(tmp_path / "sensor.err")
    events = _events(tmp_path / "ecu.jsonl")
    mrm = [float(e["t_s"]) - start for e in events if e["kind"] == "mrm_started"]  # type: ignore[arg-type]
    assert mrm and abs(mrm[0] - _mrm_s(replayed)) <= 0.3
    # Every listener survived the played log: the dump decoded its frames, all intact.
    dumped = _events(tmp_path / "dump.jsonl")
    played = [d for d in dumped if float(d["t_s"]) > start + 13]  # type: ignore[arg-type]
    assert len(played) > 100
    # A log played as fast as it goes is a babbler: beyond the rate budget, contained.
    allowed = {"ok", "ok_some_lost", "repeated", "wrong_sequence", "over_budget"}
    assert {d["status"] for d in dumped} <= allowed
    assert "recorded" in (tmp_path / "record.err").read_text()


def _a_log(tmp_path: Path) -> Path:
    """A BLF of a replay, as CAN tools store it (CAN FD lengths only)."""
    from dms.bus import read_frames

    log = tmp_path / "replayed.blf"
    path = tmp_path / "short.yaml"
    path.write_text("duration_s: 4\nseed: 2\n")
    run_scenario(load_scenario(path), log_path=log)
    assert all(len(frame.data) in (16, 20, 32, 48) for frame in read_frames(log))
    return log


CUT_STREAM = """
import json, time
from dms.bus import Publisher, open_bus
from dms.vehicle.ecu import EcuNode
from tests.messages import ACTIVE, ALERT, ON_ROAD

with open_bus("udp_multicast") as dms_bus, open_bus("udp_multicast") as ecu_bus:
    ecu = EcuNode(ecu_bus, Publisher(ecu_bus))
    dms = Publisher(dms_bus)
    trace = []
    start = time.monotonic()
    for k in range(300):  # 3 s at 10 ms; the DMS sends for the first 2 s only
        t = round(k * 0.01, 3)
        if t < 2.0 and k % 10 == 0:
            dms.send(ACTIVE, t)
            dms.send(ON_ROAD, t)
            if k % 20 == 0:
                dms.send(ALERT, t)
        time.sleep(max(0.0, start + t - time.monotonic()))
        ecu.step(t)
        trace.append((t, ecu.dms_ok(t)))
print(json.dumps(trace))
"""


def test_on_multicast_a_replay_keeps_its_results_and_a_cut_stream_times_out(
    tmp_path: Path, replay: tuple[Path, list[Event]]
) -> None:
    scenario, replayed = replay
    (tmp_path / "cut.py").write_text(CUT_STREAM)
    root = Path(__file__).resolve().parents[1]
    _run(
        tmp_path,
        f"""
        {DMS} replay {scenario} --realtime --bus udp_multicast --report rt \\
            > replay.out 2> replay.err
        PYTHONPATH={root} {sys.executable} cut.py > cut.json 2> cut.err
        """,
    )
    report = json.loads((tmp_path / "rt" / "report.json").read_text())
    live = [(e["t_s"], e["kind"]) for e in report["events"]]
    expected = [(e.t_s, e.kind.value) for e in replayed]
    assert [kind for _, kind in live] == [kind for _, kind in expected]
    assert all(abs(a - b) <= 0.1 for (a, _), (b, _) in zip(live, expected, strict=True))
    trace = json.loads((tmp_path / "cut.json").read_text())
    assert all(ok for t, ok in trace if 0.3 <= t < 2.0)
    # The last DMS_Status went out at 1.9 s: three 100 ms periods later it has timed out.
    first_unavailable = next(t for t, ok in trace if t > 1.9 and not ok)
    assert 2.2 <= first_unavailable <= 2.26


def _dumped_speeds(dump: Path) -> list[tuple[float, float]]:
    return [
        (float(d["t_s"]), float(d["signals"]["speed_mps"]))  # type: ignore[arg-type, index]
        for d in _events(dump)
        if d["name"] == "VEH_State" and d["status"] == "ok"
    ]


def test_a_keyed_drive_under_attack_warns_and_stops_as_an_unattacked_one(
    tmp_path: Path, replay: tuple[Path, list[Event]]
) -> None:
    """Drive 1 is recorded. In drive 2 an attacker floods the bus with junk and malformed
    datagrams and plays drive 1's log into it (its ECU_Mrm DECELERATING frames included):
    every node stays up, nothing recorded is taken, the car stops when the driver sleeps."""
    scenario, replayed = replay
    (tmp_path / "master.key").write_text("c0ffee" * 6)
    nodes = "ecu", "vehicle", "dms", "cluster"
    rings = "\n".join(
        f"{DMS} bus keys --role {role} -o {role}.keys --key-file master.key 2>> keys.err"
        for role in nodes
    )
    drive = f"""
        {DMS} ecu --bus udp_multicast --key-file ecu.keys --seconds 17 > ecu$N.jsonl 2> ecu$N.err &
        {DMS} sim --bus udp_multicast --key-file vehicle.keys --seconds 17 \
            > sim$N.out 2> sim$N.err &
        {DMS} bus dump --bus udp_multicast --json --key-file cluster.keys --seconds 17 \\
            > dump$N.jsonl 2> dump$N.err &
        sleep 2
        """
    _run(
        tmp_path,
        f"""
        export DMS_STATE_DIR=$PWD/state
        {rings}
        N=1
        {drive}
        {DMS} bus record --bus udp_multicast -o drive1.blf --seconds 15 2> record.err &
        {DMS} sensor --bus udp_multicast --key-file dms.keys --scenario {scenario} \\
            > sensor1.jsonl 2> sensor1.err
        wait
        N=2
        {drive}
        {DMS} bus flood --bus udp_multicast --rate 3000 --seconds 13 --malformed 50 \\
            2> flood.err &
        (sleep 1; {DMS} bus play drive1.blf --bus udp_multicast --speed 0 2> play.err) &
        {DMS} sensor --bus udp_multicast --key-file dms.keys --scenario {scenario} \\
            > sensor2.jsonl 2> sensor2.err
        wait
        """,
    )
    start = _start_s(tmp_path / "sensor2.err")
    mrm = [
        float(e["t_s"]) - start  # type: ignore[arg-type]
        for e in _events(tmp_path / "ecu2.jsonl")
        if e["kind"] == "mrm_started"
    ]
    assert mrm and abs(mrm[0] - _mrm_s(replayed)) <= 1.0, mrm
    dumped = _events(tmp_path / "dump2.jsonl")
    replays = [d for d in dumped if d["status"] == "replayed"]
    assert len(replays) > 200  # drive 1's frames, each recognised
    assert {d["name"] for d in replays} >= {"ECU_Mrm", "DMS_Drowsiness", "VEH_State"}
    # The car kept its speed until the genuine MRM: no recorded command was obeyed.
    before = [v for t, v in _dumped_speeds(tmp_path / "dump2.jsonl") if start < t < start + mrm[0]]
    assert len(before) > 50 and min(before) > 26.0
    assert "sent" in (tmp_path / "flood.err").read_text()
    assert "junk" in (tmp_path / "flood.err").read_text()


def test_on_multicast_the_ecu_brakes_for_a_stationary_car_in_time(tmp_path: Path) -> None:
    """CCRs at 50 km/h, 60 m ahead, with the ECU and the car in processes of their own
    and no DMS on the bus: the ECU's fallback raises the sensitivity to high, so FCW and
    AEB come at high's times to collision, and full braking stops the car short of the
    target by what the physics leaves."""
    _run(
        tmp_path,
        f"""
        {DMS} ecu --bus udp_multicast --seconds 9 > ecu.jsonl 2> ecu.err &
        {DMS} sim --bus udp_multicast --seconds 9 --speed-kph 50 \\
            --target ccrs --target-distance-m 60 > sim.jsonl 2> sim.err &
        wait
        """,
    )
    s = AssistSettings()
    events = _events(tmp_path / "ecu.jsonl") + _events(tmp_path / "sim.jsonl")
    by_kind: dict[str, list[dict[str, object]]] = {}
    for event in events:
        by_kind.setdefault(str(event["kind"]), []).append(event)
    assert "collision" not in by_kind, events
    (fcw,), (aeb,), (avoided,) = by_kind["fcw"], by_kind["aeb"], by_kind["avoided"]
    assert fcw["level"] == aeb["level"] == int(Sensitivity.HIGH)
    fcw_ttc, aeb_ttc = float(fcw["ttc_s"]), float(aeb["ttc_s"])  # type: ignore[arg-type]
    assert s.fcw_ttc_high_s - 0.2 <= fcw_ttc <= s.fcw_ttc_high_s
    assert s.aeb_ttc_high_s - 0.2 <= aeb_ttc <= s.aeb_ttc_high_s
    speed = 50 * KPH
    left_m = aeb_ttc * speed - braking_distance_m(speed, s.aeb_decel_mps2)
    assert abs(float(avoided["distance_m"]) - left_m) <= 1.5  # type: ignore[arg-type]
