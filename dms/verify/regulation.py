"""The EU's type-approval rules for driver monitoring, as pass tables over generated drives.

* ADDW, Commission Delegated Regulation (EU) 2023/2590: a distraction is warned once it
  lasts more than 3.5 s at 50 km/h or more, more than 6 s between 20 and 50 km/h, and the
  warning is visual plus acoustic. A distraction that goes on past 4 s at 50 km/h or more
  without that warning is a false negative; for 20-50 km/h we apply the same 0.5 s beyond
  the threshold (6.5 s), a stated allowance.
* DDAW, Commission Delegated Regulation (EU) 2021/1341: the warning *may* come at KSS 7
  and *must* come at KSS 8 or more. A drowsiness warning while the driver is below KSS 7 is
  early; one later than :data:`DDAW_LATENCY_S` after the driver reaches KSS 8 is missed.

The drives are the matrix's own kinds (:mod:`dms.verify.cases`): single long glances to
each distraction area, owl and lizard, at several speeds of each band; drowsiness ramps of
several lengths and an alert control drive. The synthetic driver's KSS is its drowsiness
mapped through :data:`KSS_OF_DROWSINESS`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import yaml

from dms.bus.enums import AlertKind, Chime, GazeZone
from dms.events import Event, EventKind
from dms.settings import Assignment
from dms.sweep.engine import Engine, execute
from dms.sweep.population import Population
from dms.verify.cases import ONSET_S

__all__ = [
    "ADDW_BANDS",
    "DDAW_LATENCY_S",
    "KSS_OF_DROWSINESS",
    "Band",
    "Drive",
    "DriveVerdict",
    "Line",
    "LineVerdict",
    "Regulation",
    "judge_lines",
    "plan_drives",
    "run_drives",
]


class Regulation(str, enum.Enum):
    ADDW = "eu-addw"
    DDAW = "eu-ddaw"

    @property
    def law(self) -> str:
        return {
            Regulation.ADDW: "EU ADDW, Reg. (EU) 2023/2590",
            Regulation.DDAW: "EU DDAW, Reg. (EU) 2021/1341",
        }[self]


@dataclass(frozen=True, slots=True, kw_only=True)
class Band:
    """An ADDW speed band: the distraction it must warn, and by when."""

    name: str
    speeds_kph: tuple[float, ...]  # the drives' speeds, inside the band
    threshold_s: float  # a distraction longer than this is warned
    false_negative_s: float  # no visual plus acoustic warning by then: a false negative
    glance_s: float  # the drives' glance, past the false-negative time


ADDW_BANDS = (
    Band(name=">= 50 km/h", speeds_kph=(50, 80, 120), threshold_s=3.5, false_negative_s=4.0,
         glance_s=5.0),
    Band(name="20-50 km/h", speeds_kph=(25, 40), threshold_s=6.0, false_negative_s=6.5,
         glance_s=8.0),
)  # fmt: skip
#: The distraction areas: away from the road ahead and the driving-task areas (mirrors,
#: cluster), as the matrix's non-driving tasks look.
ADDW_ZONES = (
    GazeZone.WINDOW_LEFT,
    GazeZone.INFOTAINMENT,
    GazeZone.PASSENGER,
    GazeZone.WINDOW_RIGHT,
    GazeZone.LAP,
)
#: Warned, for ADDW: distracted, on the phone, or gaze away so long it is unresponsive.
_DISTRACTION_ALERTS = frozenset(
    {AlertKind.DISTRACTION, AlertKind.PHONE_USE, AlertKind.UNRESPONSIVE}
)
_DROWSY_ALERTS = frozenset({AlertKind.DROWSINESS_ADVISORY, AlertKind.DROWSINESS})

#: The synthetic driver's drowsiness (0..1) as KSS: its mean blink lasts the alert
#: driver's (about 0.1 s, KSS 2) times 1 + 2 d, so d = 0.4 gives the 0.2-0.3 s that
#: Anund, Fors & Ahlström (2017) measured at KSS >= 7; from d = 0.6, slow closures of
#: 0.5-0.9 s come in about one blink in ten (KSS 8), and at d = 1 one in four (KSS 9).
KSS_OF_DROWSINESS = ((0.0, 2.0), (0.4, 7.0), (0.6, 8.0), (1.0, 9.0))
#: A drowsiness warning is due this long after the driver reaches KSS 8: one 60 s window
#: of eye closures, which any PERCLOS-like measure needs to see it (stated, ours).
DDAW_LATENCY_S = 60.0
DDAW_SPEEDS_KPH = (80.0, 120.0)
DDAW_RAMPS_S = (300.0, 540.0, 900.0)  # from alert to KSS 9
DDAW_START_S = 60.0
DDAW_TAIL_S = 120.0
#: The alert control drive: tired at most to KSS 5, for ten minutes; no warning may come.
DDAW_CONTROL_DROWSINESS = 0.2
DDAW_CONTROL_S = 600.0


def _drowsiness_at(level: float) -> float:
    xs, ys = zip(*KSS_OF_DROWSINESS, strict=True)
    return float(np.interp(level, ys, xs))


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One line of a regulation's pass table."""

    regulation: Regulation
    ref: str  # e.g. "ADDW >= 50 km/h / infotainment / owl"
    text: str  # what it asks


@dataclass(frozen=True, slots=True, kw_only=True)
class Drive:
    line: Line
    driver: int
    seed: int
    speed_kph: float
    scenario: dict[str, Any]
    onset_s: float
    variant: str = ""  # what tells it from the line's other drives, e.g. "300 s ramp"
    #: ADDW: the band; DDAW: the times the driver reaches KSS 7 and KSS 8 (None: never)
    band: Band | None = None
    kss7_s: float | None = None
    kss8_s: float | None = None

    @property
    def drive_id(self) -> str:
        slug = "".join(c if c.isalnum() else "-" for c in self.line.ref.lower()).strip("-")
        while "--" in slug:
            slug = slug.replace("--", "-")
        variant = f"-{self.variant.replace(' ', '-')}" if self.variant else ""
        return f"{slug}{variant}-{self.speed_kph:.0f}kph-d{self.driver:03d}-s{self.seed}"


@dataclass(frozen=True, slots=True, kw_only=True)
class DriveVerdict:
    drive_id: str
    line: str
    driver: int
    seed: int
    speed_kph: float
    passed: bool
    reason: str
    scenario_sha256: str = ""
    timeline_png: bytes = field(default=b"", repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "drive": self.drive_id,
            "line": self.line,
            "driver": self.driver,
            "seed": self.seed,
            "speed_kph": self.speed_kph,
            "passed": self.passed,
            "reason": self.reason,
            "scenario_sha256": self.scenario_sha256,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LineVerdict:
    line: Line
    passed: bool
    reason: str
    drives: tuple[DriveVerdict, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line.ref,
            "text": self.line.text,
            "passed": self.passed,
            "reason": self.reason,
            "drives": [drive.as_dict() for drive in self.drives],
        }


def plan_drives(
    regulation: Regulation, population: Population, seeds: Sequence[int]
) -> list[Drive]:
    """Every drive of ``regulation``'s pass table, for each driver and seed."""
    plan = _addw if regulation is Regulation.ADDW else _ddaw
    drives = []
    for d, traits in enumerate(population.draw()):

        def dress(data: dict[str, Any], traits: tuple[tuple[str, Any], ...] = traits) -> None:
            population.apply(data, traits, owner=f"verify {regulation.value}: trait")

        drives += [drive for seed in seeds for drive in plan(d, seed, dress)]
    return drives


def _scenario(name: str, seed: int, speed_kph: float, duration_s: float) -> dict[str, Any]:
    return {
        "name": name,
        "seed": seed,
        "fps": 30,
        "duration_s": duration_s,
        "vehicle": {"speed_kph": speed_kph},
        "driver": {"drift_mps": 0.0},
        "timeline": [],
    }


def _addw(driver: int, seed: int, dress: Callable[[dict[str, Any]], None]) -> Iterator[Drive]:
    for band in ADDW_BANDS:
        for zone in ADDW_ZONES:
            for movement in ("owl", "lizard"):
                line = Line(
                    regulation=Regulation.ADDW,
                    ref=f"ADDW {band.name} / {zone.name.lower()} / {movement}",
                    text=f"a distraction > {band.threshold_s:g} s at {band.name} is warned, "
                    f"visual plus acoustic, by {band.false_negative_s:g} s",
                )
                for speed in band.speeds_kph:
                    data = _scenario(line.ref, seed, speed, ONSET_S + band.glance_s + 10.0)
                    data["timeline"].append(
                        {
                            "at_s": ONSET_S,
                            "do": "glance",
                            "zone": zone.name.lower(),
                            "duration_s": band.glance_s,
                            "movement": movement,
                        }
                    )
                    dress(data)
                    yield Drive(
                        line=line,
                        driver=driver,
                        seed=seed,
                        speed_kph=speed,
                        scenario=data,
                        onset_s=ONSET_S,
                        band=band,
                    )


def _ddaw(driver: int, seed: int, dress: Callable[[dict[str, Any]], None]) -> Iterator[Drive]:
    must = Line(
        regulation=Regulation.DDAW,
        ref="DDAW drowsiness ramp",
        text="no warning below KSS 7; a warning by "
        f"{DDAW_LATENCY_S:g} s after the driver reaches KSS 8",
    )
    control = Line(
        regulation=Regulation.DDAW,
        ref="DDAW alert driver",
        text=f"no drowsiness warning in {DDAW_CONTROL_S / 60:g} minutes below KSS 7",
    )
    for speed in DDAW_SPEEDS_KPH:
        for ramp_s in DDAW_RAMPS_S:
            data = _scenario(
                f"{must.ref} {ramp_s:g} s", seed, speed, DDAW_START_S + ramp_s + DDAW_TAIL_S
            )
            data["timeline"].append(
                {"at_s": DDAW_START_S, "do": "drowsiness_ramp", "duration_s": ramp_s}
            )
            dress(data)

            def at(level: float, ramp_s: float = ramp_s) -> float:
                return DDAW_START_S + ramp_s * _drowsiness_at(level)

            yield Drive(
                line=must,
                driver=driver,
                seed=seed,
                speed_kph=speed,
                scenario=data,
                onset_s=DDAW_START_S,
                variant=f"{ramp_s:.0f}s-ramp",
                kss7_s=at(7.0),
                kss8_s=at(8.0),
            )
    data = _scenario(control.ref, seed, DDAW_SPEEDS_KPH[0], DDAW_START_S + DDAW_CONTROL_S)
    data["timeline"].append(
        {
            "at_s": DDAW_START_S,
            "do": "drowsiness_ramp",
            "duration_s": DDAW_CONTROL_S / 2,
            "intensity": DDAW_CONTROL_DROWSINESS,
        }
    )
    dress(data)
    yield Drive(
        line=control,
        driver=driver,
        seed=seed,
        speed_kph=DDAW_SPEEDS_KPH[0],
        scenario=data,
        onset_s=DDAW_START_S,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Job:
    drive: Drive
    text: str
    settings: tuple[Assignment, ...]
    plot: bool


def run_drives(
    drives: Sequence[Drive],
    settings: Sequence[Assignment],
    *,
    workers: int,
    engine: Engine = "process",
    address: str | None = None,
    plot: bool = False,
) -> Iterator[DriveVerdict]:
    jobs = [
        _Job(
            drive=drive,
            text=yaml.safe_dump(drive.scenario, sort_keys=False),
            settings=tuple(settings),
            plot=plot,
        )
        for drive in drives
    ]
    yield from execute(_run_one, jobs, workers=workers, engine=engine, address=address)


def _run_one(job: _Job) -> DriveVerdict:
    from dms.scenario.runner import run_scenario
    from dms.verify.run import generated_scenario

    drive = job.drive
    scenario = generated_scenario(drive.drive_id, job.text)
    result = run_scenario(scenario, settings=job.settings)
    passed, reason, due = judge_drive(drive, result.events)
    png = b""
    if job.plot:
        from dms.verify.plots import drive_timeline_png

        png = drive_timeline_png(
            result.samples,
            result.events,
            title=f"{drive.drive_id}: {reason}",
            onset_s=drive.onset_s,
            due_s=due,
            passed=passed,
        )
    return DriveVerdict(
        drive_id=drive.drive_id,
        line=drive.line.ref,
        driver=drive.driver,
        seed=drive.seed,
        speed_kph=drive.speed_kph,
        passed=passed,
        reason=reason,
        scenario_sha256=scenario.sha256,
        timeline_png=png,
    )


def _warnings(events: Sequence[Event], alerts: frozenset[AlertKind]) -> list[Event]:
    return [
        e
        for e in events
        if e.kind is EventKind.WARNING and (e.level or 0) >= 1 and e.alert in alerts
    ]


def judge_drive(drive: Drive, events: Sequence[Event]) -> tuple[bool, str, float | None]:
    """(passed, the figures behind it, the deadline) of one drive."""
    if drive.band is not None:
        return _addw_verdict(drive, drive.band, events)
    return _ddaw_verdict(drive, events)


def _addw_verdict(drive: Drive, band: Band, events: Sequence[Event]) -> tuple[bool, str, float]:
    due = drive.onset_s + band.false_negative_s
    warnings = _warnings(events, _DISTRACTION_ALERTS)
    early = [e for e in warnings if e.t_s < drive.onset_s]
    if early:
        return False, f"a false warning at {early[0].t_s:.2f} s, before the glance", due
    visual = next((e.t_s for e in warnings), None)
    acoustic = next((e.t_s for e in warnings if e.chime not in (None, Chime.NONE)), None)
    if visual is None:
        return False, f"no warning (a false negative: due by +{band.false_negative_s:g} s)", due
    seen = f"visual at +{visual - drive.onset_s:.2f} s"
    if acoustic is None:
        return False, f"{seen}, never acoustic (due by +{band.false_negative_s:g} s)", due
    heard = f"acoustic at +{acoustic - drive.onset_s:.2f} s"
    if acoustic > due:
        return (
            False,
            f"{seen}, {heard}: a false negative (due by +{band.false_negative_s:g} s)",
            due,
        )
    return True, f"{seen}, {heard} (due by +{band.false_negative_s:g} s)", due


def _ddaw_verdict(drive: Drive, events: Sequence[Event]) -> tuple[bool, str, float | None]:
    warnings = _warnings(events, _DROWSY_ALERTS)
    first = warnings[0].t_s if warnings else None
    if drive.kss7_s is None or drive.kss8_s is None:  # the alert control drive
        if first is not None:
            return False, f"a drowsiness warning at {first:.1f} s for an alert driver", None
        return True, "no drowsiness warning for an alert driver", None
    due = drive.kss8_s + DDAW_LATENCY_S
    truth = f"KSS 7 at {drive.kss7_s:.0f} s, KSS 8 at {drive.kss8_s:.0f} s"
    if first is None:
        return False, f"no drowsiness warning ({truth}; due by {due:.0f} s)", due
    if first < drive.kss7_s:
        return False, f"warning at {first:.1f} s, below KSS 7 ({truth})", due
    if first > due:
        return False, f"warning at {first:.1f} s, late ({truth}; due by {due:.0f} s)", due
    return True, f"warning at {first:.1f} s ({truth}; due by {due:.0f} s)", due


def judge_lines(drives: Sequence[Drive], verdicts: Sequence[DriveVerdict]) -> list[LineVerdict]:
    """Each pass-table line: PASS when every one of its drives passed."""
    by_line: dict[str, list[DriveVerdict]] = {}
    for verdict in verdicts:
        by_line.setdefault(verdict.line, []).append(verdict)
    lines = list({drive.line.ref: drive.line for drive in drives}.values())
    judged = []
    for line in lines:
        done = sorted(by_line.get(line.ref, []), key=lambda v: v.drive_id)
        failed = [v for v in done if not v.passed]
        if not done:
            reason, passed = "no drive ran", False
        elif failed:
            reason = f"{len(failed)} of {len(done)} drives failed; {failed[0].drive_id}: "
            reason += failed[0].reason
            passed = False
        else:
            reason, passed = f"all {len(done)} drives passed; e.g. {done[0].reason}", True
        judged.append(LineVerdict(line=line, passed=passed, reason=reason, drives=tuple(done)))
    return judged
