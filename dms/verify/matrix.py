"""The Euro NCAP 2026 Driver Monitoring matrix as the official rating calculator lays it
out: ``euroncap-rating-2026`` 5.4, Safe Driving template, sheet "DE - DM pred.".

Every row of that sheet is here with its sheet row, so our verdicts go back into the
workbook cell by cell (:mod:`dms.verify.workbook`). Points are the protocol's, per
scoring group (a movement type's rows together): a group scores a response only when
every one of its cells for that response is GREEN.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "CELLS",
    "GENERAL_REQUIREMENTS",
    "NOISE_VARIABLES",
    "POINTS",
    "PRED_SHEET",
    "ROWS",
    "Cell",
    "MatrixRow",
    "NoiseVariable",
    "Response",
    "Table",
    "columns",
    "total_points",
]

PRED_SHEET = "DE - DM pred."


class Table(str, enum.Enum):
    LONG_DISTRACTION = "Long distraction"
    SHORT_DISTRACTION = "Short distraction"
    PHONE_USE = "Phone use"
    NON_TRANSIENT = "Non-transient"


class Response(str, enum.Enum):
    WARNING = "Warning"
    FORWARD = "Forward support"
    LANE = "Lane support"
    FORWARD_AND_LANE = "Forward and lane support"
    EMERGENCY = "Emergency function"


#: The vehicle-response columns D, E, F of each table.
_COLUMNS: dict[Table, tuple[Response, Response, Response]] = {
    Table.LONG_DISTRACTION: (Response.WARNING, Response.FORWARD, Response.LANE),
    Table.SHORT_DISTRACTION: (Response.WARNING, Response.FORWARD, Response.LANE),
    Table.PHONE_USE: (Response.WARNING, Response.FORWARD, Response.LANE),
    Table.NON_TRANSIENT: (Response.WARNING, Response.FORWARD_AND_LANE, Response.EMERGENCY),
}


def columns(table: Table) -> tuple[Response, Response, Response]:
    """The vehicle responses of ``table``, in the sheet's column order."""
    return _COLUMNS[table]


_TRANSIENT = (Response.WARNING, Response.FORWARD, Response.LANE)
_DRIVING_TASK = (Response.FORWARD, Response.LANE)  # no warning is due for a driving task
_IMPAIRED = (Response.WARNING, Response.FORWARD_AND_LANE)


@dataclass(frozen=True, slots=True, kw_only=True)
class MatrixRow:
    table: Table
    task: str  # "Non-driving task", "Driving task", "Basic phone use", "Sleep", ...
    movement: str  # "Owl", "Lizard", "Body lean"; "" for the non-transient states
    location: str  # the gaze location, the phone's position or the impairment type
    sheet_row: int
    responses: tuple[Response, ...]  # the cells of this row that are predicted

    @property
    def group(self) -> str:
        """The scoring group: basic phone use scores owl and lizard together; each
        non-transient state scores alone."""
        if self.table is Table.NON_TRANSIENT:
            return f"{self.task} - {self.location}" if self.location else self.task
        if self.task == "Basic phone use":
            return "Basic phone use - Owl and lizard"
        return f"{self.task} - {self.movement}"

    @property
    def name(self) -> str:
        parts = (self.table.value, self.task, self.movement, self.location)
        return " / ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True, kw_only=True)
class Cell:
    """One predicted cell: a row's response."""

    row: MatrixRow
    response: Response

    @property
    def column(self) -> str:
        return "DEF"[_COLUMNS[self.row.table].index(self.response)]

    @property
    def ref(self) -> str:
        """The cell on the prediction sheet, e.g. ``D17``."""
        return f"{self.column}{self.row.sheet_row}"

    @property
    def name(self) -> str:
        return f"{self.row.name} / {self.response.value}"


@dataclass(frozen=True, slots=True, kw_only=True)
class NoiseVariable:
    sheet_row: int  # its "Performance" is column D of this row
    category: str
    element: str
    mandatory: bool  # not functional: no points at all (blank: not assessed)


NOISE_VARIABLES = (
    NoiseVariable(sheet_row=2, category="Lighting", element="Daytime - Night-time", mandatory=True),
    NoiseVariable(sheet_row=3, category="Eyewear", element="Clear sunglasses", mandatory=True),
    NoiseVariable(sheet_row=4, category="Eyewear", element="Dark sunglasses", mandatory=False),
    NoiseVariable(sheet_row=5, category="Facial hair", element="Short facial hair", mandatory=True),
    NoiseVariable(sheet_row=6, category="Facial hair", element="Long facial hair", mandatory=True),
    NoiseVariable(
        sheet_row=7,
        category="Hand on wheel",
        element="Hand on wheel at 12 o'clock position",
        mandatory=False,
    ),
    NoiseVariable(sheet_row=8, category="Facial occlusion", element="Face-mask", mandatory=True),
    NoiseVariable(sheet_row=9, category="Facial occlusion", element="Cap", mandatory=False),
    NoiseVariable(sheet_row=10, category="Facial occlusion", element="Hat", mandatory=False),
    NoiseVariable(
        sheet_row=11,
        category="Facial occlusion",
        element="Long head hair fringe obscuring eyes",
        mandatory=False,
    ),
    NoiseVariable(
        sheet_row=12, category="Eyelash makeup", element="Thick eyelash makeup", mandatory=False
    ),
    NoiseVariable(sheet_row=13, category="Talking", element="", mandatory=False),
)

_NOTICE = "Inform with visual and/or auditory cues of non functional system within 10 seconds"
#: What the lab checks before any points ("DE - DM verif.", written there by the
#: calculator's ``preprocess``): one FAIL and the Driver Monitoring score is 0.
GENERAL_REQUIREMENTS = (
    "Default ON at the start of every journey",
    "Deactivation is not possible with a momentary single push on a button",
    "Detection sensitivity shall not be manually adjustable",
    "Continuous monitoring of the driver state",
    "Speed activation condition for the distraction, microsleep, sleep and unresponsive"
    " driver states",
    "Speed activation condition for the impairment driver states, when the vehicle is moving"
    " forward at a speed of at least 50 km/h",
    "Assisted Driving prerequisite (\u226550% of Driving collaboration and \u226550% of Driver"
    " monitoring)",
    f"{_NOTICE} after the driver obstructs the sensor by gripping the upper portion of the"
    " steering wheel",
    f"{_NOTICE} after the driver wears a cap",
    f"{_NOTICE} after the driver wears a hat",
    f"{_NOTICE} after the driver wears dark sunglasses",
    f"{_NOTICE} for a driver with long head hair fringe obscuring eyes",
    f"{_NOTICE} for a driver with thick eyelash makeup",
    "Visual information about non-functional system shown permanently or every [10] minutes",
)


def _rows(
    table: Table, first_row: int, task: str, movement: str, locations: tuple[str, ...]
) -> tuple[MatrixRow, ...]:
    responses = _DRIVING_TASK if task == "Driving task" else _TRANSIENT
    return tuple(
        MatrixRow(
            table=table,
            task=task,
            movement=movement,
            location=location,
            sheet_row=first_row + k,
            responses=responses,
        )
        for k, location in enumerate(locations)
    )


def _state(
    sheet_row: int, task: str, location: str = "", responses: tuple[Response, ...] = _IMPAIRED
) -> MatrixRow:
    """A non-transient state's row (no movement type)."""
    return MatrixRow(
        table=Table.NON_TRANSIENT,
        task=task,
        movement="",
        location=location,
        sheet_row=sheet_row,
        responses=responses,
    )


_LD, _SD, _PHONE = Table.LONG_DISTRACTION, Table.SHORT_DISTRACTION, Table.PHONE_USE
_IVI = "In-vehicle infotainment system"
ROWS: tuple[MatrixRow, ...] = (
    *_rows(
        _LD,
        17,
        "Non-driving task",
        "Owl",
        (
            "Driver side window",
            _IVI,
            "Passenger footwell",
            "Passenger face",
            "Passenger side window",
        ),
    ),
    *_rows(_LD, 22, "Non-driving task", "Lizard", (_IVI, "Glovebox")),
    *_rows(_LD, 24, "Non-driving task", "Body lean", ("Passenger footwell", "Rear passenger")),
    *_rows(
        _LD,
        26,
        "Driving task",
        "Owl",
        ("Driver side mirror", "Rear view mirror", "Passenger side mirror"),
    ),
    *_rows(
        _LD,
        29,
        "Driving task",
        "Lizard",
        ("Driver side mirror", "Instrument cluster", "Rear view mirror"),
    ),
    *_rows(_SD, 35, "Non-driving task", "Owl", (_IVI, "Passenger footwell")),
    *_rows(_SD, 37, "Non-driving task", "Lizard", (_IVI, "Passenger footwell")),
    *_rows(
        _SD,
        39,
        "Driving task",
        "Owl",
        (
            "Driver side mirror",
            "Rear view mirror",
            "Passenger side mirror",
            "Passenger side window",
        ),
    ),
    *_rows(
        _SD,
        43,
        "Driving task",
        "Lizard",
        ("Driver side window", "Driver side mirror", "Instrument cluster", "Rear view mirror"),
    ),
    *_rows(_SD, 47, "Multi-target", "Lizard", ("",)),
    *_rows(
        _PHONE,
        51,
        "Basic phone use",
        "Owl",
        (
            "Phone mounted on dashboard outboard",
            "Driver knee outboard",
            "Driver lap",
            "Driver inboard",
            "Phone mounted on dedicated position",
        ),
    ),
    *_rows(
        _PHONE,
        56,
        "Basic phone use",
        "Lizard",
        (
            "Driver knee outboard",
            "Driver lap",
            "Driver inboard",
            "Phone mounted on dedicated position",
            "Phone held centre of steering wheel",
        ),
    ),
    *_rows(
        _PHONE,
        61,
        "Advanced phone use",
        "Lizard",
        (
            "Phone mounted on dashboard outboard",
            "Phone held in 9-11 or 1-3 o'clock",
            "Phone held in view of windscreen",
            "Phone held in view of instrument cluster",
        ),
    ),
    _state(68, "Impairment", "Drowsiness"),
    _state(69, "Impairment", "Non-fatigue"),
    _state(70, "Microsleep"),
    _state(71, "Sleep"),
    _state(72, "Unresponsive", responses=(Response.EMERGENCY,)),
)
CELLS: tuple[Cell, ...] = tuple(
    Cell(row=row, response=response) for row in ROWS for response in row.responses
)

#: Points per scoring group and response (Euro NCAP 2026 Safe Driving, Driver Engagement:
#: each distraction group Warning 0.5, Forward support 0.4, Lane support 0.1; a driving
#: task's glances 0.8 / 0.2 with no warning due; phone use 1.25 / 1.0 / 0.25; each
#: non-transient state Warning 0.5 and Forward and lane support 1.5; the unresponsive
#: driver the Emergency function 2.0). 25 in all.
_DISTRACTION = {Response.WARNING: 0.5, Response.FORWARD: 0.4, Response.LANE: 0.1}
_DRIVING = {Response.FORWARD: 0.8, Response.LANE: 0.2}
_PHONE_POINTS = {Response.WARNING: 1.25, Response.FORWARD: 1.0, Response.LANE: 0.25}
_STATE = {Response.WARNING: 0.5, Response.FORWARD_AND_LANE: 1.5}
POINTS: dict[tuple[Table, str], dict[Response, float]] = {}
for _row in ROWS:
    if _row.table is Table.NON_TRANSIENT:
        _points = {Response.EMERGENCY: 2.0} if _row.task == "Unresponsive" else _STATE
    elif _row.table is Table.PHONE_USE:
        _points = _PHONE_POINTS
    else:
        _points = _DRIVING if _row.task == "Driving task" else _DISTRACTION
    POINTS[(_row.table, _row.group)] = _points


def total_points(table: Table | None = None) -> float:
    """The most points there are (of ``table``, or of the whole matrix)."""
    return sum(
        sum(points.values()) for (of, _), points in POINTS.items() if table is None or of is table
    )
