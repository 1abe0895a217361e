"""Each cell of the matrix as test drives: the behaviour the protocol names, performed by
the synthetic driver at the protocol's speeds, for one driver of the population and seed.

The tested behaviour starts at :data:`ONSET_S`, after the camera module has settled. A
forward-support drive puts the protocol's target (CCRs, CMRs or CCRm at an impact
location of 25, 50 or 75 % and a VUT speed of 30-80 km/h, drawn per drive as the lab
draws it) in the lane so that the car would hit it about 1.5 s after the DMS can first
know of the distraction, while the eyes are still away; a lane-support drive drifts the
car at 0.2 m/s (Euro NCAP LSS: 0.2-0.5 m/s) at 72 km/h on a dashed line. Either is
run twice, with and without the DMS raising the sensitivity (:mod:`dms.scenario.support`).
Lane-support drives are steered by the test rig (``do: drift``), not the driver: the car
would cross the line 2 s after the DMS can know, whatever the driver looks at.

Gaze locations go to the cabin zone the synthetic driver can look at (a left-hand-drive
cabin): several share one zone where the cabin model has no finer area (the passenger's
face and footwell, the glovebox: ``passenger``). Cells the synthetic driver cannot
perform yet, or the module cannot sense at all, say why (:func:`not_testable`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dms.bus.enums import GazeZone
from dms.verify.matrix import Cell, Response, Table

__all__ = [
    "LANE_DRIFT_MPS",
    "LANE_SPEED_KPH",
    "NOISE",
    "ONSET_S",
    "WARNING_SPEED_KPH",
    "Case",
    "ForwardDraw",
    "Timing",
    "cases_for",
    "not_testable",
]

ONSET_S = 10.0
WARNING_SPEED_KPH = 80.0  # above ADDW's 50 km/h and LKA's 60 km/h
LANE_SPEED_KPH = 72.0  # Euro NCAP's LKA tests
LANE_DRIFT_MPS = 0.2
#: The car's side is this far from the line in the lane's centre (3.5 m lane, 1.8 m car).
LINE_GAP_M = (3.5 - 1.8) / 2
CROSS_AFTER_FLAG_S = 2.0
OVER_FOR_S = 1.5
#: The protocol's forward-support draws (the calculator's "Test scenario" column).
FORWARD_TESTS = ("ccrs", "cmrs", "ccrm")
IMPACT_LOCATIONS_PCT = (25, 50, 75)
VUT_SPEEDS_KPH = (30, 40, 50, 60, 70, 80)
#: The target meets the car this long after the DMS can first know of the distraction.
HIT_AFTER_FLAG_S = 1.5

LONG_GLANCE_S = 4.0  # a long distraction: one glance away >= 3 s
LONG_FLAG_S = 3.0
LANE_GLANCE_S = 6.0
#: A VATS pattern: 2 s glances, 0.8 s back on the road (< the 2 s that resets the window);
#: 10 s away within 30 s is reached at the end of the fifth glance.
VATS_GLANCE_S, VATS_GAP_S, VATS_GLANCES = 2.0, 0.8, 7
VATS_FLAG_S = 5 * VATS_GLANCE_S + 4 * VATS_GAP_S
PHONE_S = 24.0
PHONE_FLAG_S = 10.0  # the VATS bound: 10 s of looking at the phone within 30 s
MICROSLEEP_S = 2.0  # Euro NCAP: an eye closure of 1-3 s
SLEEP_S = 8.0  # eyes closed >= 3 s is sleep; 6 s makes the driver unresponsive
SLEEP_FLAG_S = 3.0
UNRESPONSIVE_SLEEP_S = 30.0
DROWSY_RAMP_S = 540.0

_ZONES: dict[str, GazeZone] = {
    "Driver side window": GazeZone.WINDOW_LEFT,
    "In-vehicle infotainment system": GazeZone.INFOTAINMENT,
    "Passenger footwell": GazeZone.PASSENGER,
    "Passenger face": GazeZone.PASSENGER,
    "Passenger side window": GazeZone.WINDOW_RIGHT,
    "Glovebox": GazeZone.PASSENGER,
    "Driver side mirror": GazeZone.MIRROR_LEFT,
    "Rear view mirror": GazeZone.MIRROR_REAR,
    "Passenger side mirror": GazeZone.MIRROR_RIGHT,
    "Instrument cluster": GazeZone.CLUSTER,
    # where the synthetic driver looks for a phone in each basic position
    "Phone mounted on dashboard outboard": GazeZone.MIRROR_LEFT,
    "Driver knee outboard": GazeZone.LAP,
    "Driver lap": GazeZone.LAP,
    "Driver inboard": GazeZone.LAP,
    "Phone mounted on dedicated position": GazeZone.INFOTAINMENT,
    "Phone held centre of steering wheel": GazeZone.CLUSTER,
}
#: The noise variables the synthetic driver can perform, as a timeline entry for a drive
#: of the given length: dark lenses on from the start, talking all along.
NOISE: dict[str, Callable[[float], dict[str, Any]]] = {
    "Dark sunglasses": lambda _: {"at_s": 0.0, "do": "sunglasses"},
    "Talking": lambda duration_s: {"at_s": 0.0, "do": "talk", "duration_s": duration_s},
}
#: A multi-target VATS: each glance somewhere else.
_MULTI_TARGET = (GazeZone.INFOTAINMENT, GazeZone.PASSENGER, GazeZone.LAP)


@dataclass(frozen=True, slots=True, kw_only=True)
class Timing:
    """When the tested behaviour starts, and by when the DMS can know of it."""

    onset_s: float
    flag_s: float  # onset + the protocol's time to detect (3 s for a long glance, ...)


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One test drive of one cell: its scenario (YAML data) for a driver and a seed."""

    cell: Cell
    response: Response  # forward or lane, where the cell is "Forward and lane support"
    driver: int
    seed: int
    scenario: dict[str, Any]
    timing: Timing
    paired: bool  # judged against the same drive without the DMS's raise
    draw: str = ""  # the forward test drawn for it, e.g. "CCRs, IL 25%, VUT 50 km/h"
    noise: str = ""  # the noise variable performed with it

    @property
    def case_id(self) -> str:
        part = "-lane" if self.cell.response is Response.FORWARD_AND_LANE else ""
        if part and self.response is Response.FORWARD:
            part = "-forward"
        noise = f"-{self.noise.lower().replace(' ', '-')}" if self.noise else ""
        return f"{self.cell.ref}{part}{noise}-d{self.driver:03d}-s{self.seed}"


def not_testable(cell: Cell) -> str | None:
    """Why ``cell`` cannot be run (N/A), or ``None``."""
    row = cell.row
    if row.task == "Advanced phone use":
        return "needs a phone detector: the module reads the face only, not what the hand holds"
    if row.location == "Non-fatigue":
        return "needs an impairment (alcohol, drugs) classifier: the module has none"
    if row.movement == "Body lean":
        return "the synthetic driver cannot lean its body yet (head and eyes only)"
    if row.location == "Drowsiness" and cell.response is Response.FORWARD_AND_LANE:
        return "not built yet: a drowsy driver's forward and lane support test"
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class ForwardDraw:
    """A forward test as the lab draws it (the calculator's "Test scenario")."""

    test: str  # ccrs, cmrs, ccrm
    impact_location_pct: int
    vut_kph: int

    @classmethod
    def parse(cls, text: str) -> ForwardDraw | None:
        """``"CCRs, IL 25%, VUT 50 km/h, Target 0 km/h"`` (None where it is not one)."""
        found = re.match(r"\s*(CCRs|CMRs|CCRm)\s*,\s*IL\s*(\d+)\s*%\s*,\s*VUT\s*(\d+)", text, re.I)
        if found is None:
            return None
        test, location, vut = found.groups()
        return cls(test=test.lower(), impact_location_pct=int(location), vut_kph=int(vut))


def cases_for(
    cell: Cell,
    *,
    driver: int,
    seed: int,
    dress: Callable[[dict[str, Any]], None],
    forward: ForwardDraw | None = None,
    noise: str = "",
) -> list[Case]:
    """The drives of ``cell`` for one driver (``dress`` gives a scenario the driver's
    traits) and seed; forward and lane support for a non-transient state are one drive
    each. ``forward``: the lab's draw of the forward test (default: drawn here, seeded);
    ``noise``: a noise variable the driver performs all along (one of :data:`NOISE`)."""
    responses = (
        (Response.FORWARD, Response.LANE)
        if cell.response is Response.FORWARD_AND_LANE
        else (cell.response,)
    )
    cases = []
    for response in responses:
        timeline, timing, extra = _behaviour(cell, response)
        data: dict[str, Any] = {
            "name": f"{cell.ref} {cell.name}",
            "seed": seed,
            "fps": 30,
            "vehicle": {"speed_kph": WARNING_SPEED_KPH},
            "timeline": timeline,
            "driver": {"drift_mps": 0.0},
        }
        draw = ""
        if noise:
            timeline.append(NOISE[noise](extra))
        if response is Response.FORWARD:
            rng = random.Random(f"{cell.ref}/{driver}/{seed}")
            draw = _forward(data, timing, forward or _draw(rng))
        elif response is Response.LANE:
            data["vehicle"] = {"speed_kph": LANE_SPEED_KPH}
            data["road"] = {"lane_width_m": 3.5, "lines": "dashed"}
            timeline.append(_rig_drift(timing))
        data["duration_s"] = extra
        dress(data)
        cases.append(
            Case(
                cell=cell,
                response=response,
                driver=driver,
                seed=seed,
                scenario=data,
                timing=timing,
                paired=response in (Response.FORWARD, Response.LANE),
                draw=draw,
                noise=noise,
            )
        )
    return cases


def _behaviour(cell: Cell, response: Response) -> tuple[list[dict[str, Any]], Timing, float]:
    """The timeline, its timing and the drive's duration for ``cell``."""
    row, t = cell.row, ONSET_S
    movement = row.movement.lower() if row.movement in ("Owl", "Lizard") else "owl"
    if row.table is Table.LONG_DISTRACTION:
        glance = LANE_GLANCE_S if response is Response.LANE else LONG_GLANCE_S + 1.0
        if response is Response.WARNING:
            glance = LONG_GLANCE_S
        zone = _ZONES[row.location].name.lower()
        entry = {"at_s": t, "do": "glance", "zone": zone, "movement": movement}
        return [{**entry, "duration_s": glance}], _timing(LONG_FLAG_S), t + glance + 12.0
    if row.table is Table.SHORT_DISTRACTION:
        if row.task == "Multi-target":
            timeline = [
                {
                    "at_s": round(t + k * (VATS_GLANCE_S + VATS_GAP_S), 3),
                    "do": "glance",
                    "zone": _MULTI_TARGET[k % len(_MULTI_TARGET)].name.lower(),
                    "duration_s": VATS_GLANCE_S,
                    "movement": movement,
                }
                for k in range(VATS_GLANCES)
            ]
        else:
            timeline = [
                {
                    "at_s": t,
                    "do": "glances",
                    "zone": _ZONES[row.location].name.lower(),
                    "count": VATS_GLANCES,
                    "duration_s": VATS_GLANCE_S,
                    "gap_s": VATS_GAP_S,
                    "movement": movement,
                }
            ]
        span = VATS_GLANCES * VATS_GLANCE_S + (VATS_GLANCES - 1) * VATS_GAP_S
        return timeline, _timing(VATS_FLAG_S), t + span + 12.0
    if row.table is Table.PHONE_USE:
        zone = _ZONES[row.location].name.lower()
        entry = {"at_s": t, "do": "phone", "zone": zone, "movement": movement}
        return [{**entry, "duration_s": PHONE_S}], _timing(PHONE_FLAG_S), t + PHONE_S + 12.0
    if row.task == "Microsleep":
        entry = {"at_s": t, "do": "microsleep", "duration_s": MICROSLEEP_S}
        return [entry], _timing(MICROSLEEP_S), t + MICROSLEEP_S + 15.0
    if row.task == "Sleep":
        entry = {"at_s": t, "do": "sleep", "duration_s": SLEEP_S}
        return [entry], _timing(SLEEP_FLAG_S), t + SLEEP_S + 15.0
    if row.task == "Unresponsive":
        entry = {"at_s": t, "do": "sleep", "duration_s": UNRESPONSIVE_SLEEP_S}
        return [entry], _timing(6.0), t + UNRESPONSIVE_SLEEP_S + 10.0
    start = 60.0  # drowsiness: a slow ramp to the DDAW warning range, as drowsiness-ramp.yaml
    entry = {"at_s": start, "do": "drowsiness_ramp", "duration_s": DROWSY_RAMP_S}
    timing = Timing(onset_s=start, flag_s=start + DROWSY_RAMP_S)
    return [{**entry, "intensity": 1.0}], timing, start + DROWSY_RAMP_S + 120.0


def _rig_drift(timing: Timing) -> dict[str, Any]:
    """The lane test's steering robot: the car drifts toward the line so that it would
    cross it :data:`CROSS_AFTER_FLAG_S` after the DMS can know, and goes on
    :data:`OVER_FOR_S` beyond (0.3 m over at 0.2 m/s) where nothing steers back."""
    to_line_s = LINE_GAP_M / LANE_DRIFT_MPS
    start = timing.flag_s + CROSS_AFTER_FLAG_S - to_line_s
    return {
        "at_s": round(max(start, 0.0), 3),
        "do": "drift",
        "duration_s": round(to_line_s + OVER_FOR_S, 3),
        "lateral_mps": LANE_DRIFT_MPS,
    }


def _timing(flag_after_s: float) -> Timing:
    return Timing(onset_s=ONSET_S, flag_s=ONSET_S + flag_after_s)


def _draw(rng: random.Random) -> ForwardDraw:
    return ForwardDraw(
        test=rng.choice(FORWARD_TESTS),
        impact_location_pct=rng.choice(IMPACT_LOCATIONS_PCT),
        vut_kph=rng.choice(VUT_SPEEDS_KPH),
    )


def _forward(data: dict[str, Any], timing: Timing, draw: ForwardDraw) -> str:
    """A forward test placed to meet the car while the eyes are away: the target comes
    into play at the flag (or, for a VATS, at the glance after it)."""
    test, location, vut = draw.test, draw.impact_location_pct, draw.vut_kph
    data["vehicle"] = {"speed_kph": vut}
    appear = timing.flag_s
    if timing.flag_s - timing.onset_s == VATS_FLAG_S:
        appear += VATS_GAP_S  # the next glance: the driver is not looking at the road
    data["target"] = {
        "test": test,
        "at_s": round(appear, 3),
        "ttc_s": round(timing.flag_s + HIT_AFTER_FLAG_S - appear + 0.3, 3),
        "impact_location_pct": location,
    }
    target_kph = 20 if test == "ccrm" else 0
    name = {"ccrs": "CCRs", "cmrs": "CMRs", "ccrm": "CCRm"}[test]
    return f"{name}, IL {location}%, VUT {vut} km/h, Target {target_kph} km/h"
