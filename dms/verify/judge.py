"""Whether one test drive passes its cell's criterion, with the figures behind it.

The protocol's timing rules are sourced (DESIGN.md, "Driver state"): a long distraction
is one glance away of 3 s, a VATS pattern 10 s away within 30 s, a microsleep an eye
closure of 1-3 s, sleep a closure of 3 s. The latency a warning may take beyond that
moment, :data:`WARNING_LATENCY_S`, is ours (stated, as the lab's protocol text with its
exact tolerances is not public here). Support and the emergency function are the verdicts
of :mod:`dms.scenario.support`, which also state their criteria: the car avoids the
target or hits it at least 20 % slower than without the raise, keeps its lane or goes
half as far over; a drive where the car avoids or keeps its lane either way passes, as
the lab's test (run once, with the DMS) would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dms.bus.enums import AlertKind
from dms.events import Event, EventKind
from dms.scenario.support import SupportVerdict, judge
from dms.verify.cases import Case
from dms.verify.matrix import Response, Table

__all__ = ["DROWSY_LATENCY_S", "WARNING_LATENCY_S", "RunVerdict", "due_s", "judge_run"]

WARNING_LATENCY_S = 0.5
#: A drowsiness warning may come this long after the ramp reaches its end (KSS 9).
DROWSY_LATENCY_S = 60.0
_DISTRACTION_ALERTS = frozenset({AlertKind.DISTRACTION, AlertKind.PHONE_USE})
_DROWSY_ALERTS = frozenset(
    {AlertKind.DROWSINESS, AlertKind.DROWSINESS_ADVISORY, AlertKind.UNRESPONSIVE}
)
_FUNCTIONS = {
    Response.FORWARD: "forward support",
    Response.LANE: "lane support",
    Response.EMERGENCY: "emergency function",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class RunVerdict:
    case_id: str
    cell: str  # the cell's reference on the prediction sheet, e.g. "D17"
    response: Response  # what this drive tested (forward or lane of a non-transient cell)
    driver: int
    seed: int
    passed: bool
    reason: str
    draw: str = ""
    latency_s: float | None = None  # a warning's, from the behaviour's onset
    scenario_sha256: str = ""  # of the drive's scenario file, to reproduce it by
    #: the drive's timeline for the report (not part of the verdict's record)
    timeline_png: bytes = field(default=b"", repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "cell": self.cell,
            "response": self.response.value,
            "driver": self.driver,
            "seed": self.seed,
            "passed": self.passed,
            "reason": self.reason,
            "draw": self.draw,
            "latency_s": self.latency_s,
            "scenario_sha256": self.scenario_sha256,
        }


def judge_run(case: Case, raised: list[Event], baseline: list[Event] | None) -> RunVerdict:
    """``raised``: the drive's events; ``baseline``: the same drive's without the raise."""
    response = case.response
    if response is Response.WARNING:
        passed, reason, latency = _warning(case, raised)
        return _verdict(case, passed, reason, latency)
    verdict = _support(response, raised, baseline or [], has_target="target" in case.scenario)
    if verdict is None:
        return _verdict(case, False, "no unresponsive warning, so no emergency function")
    return _verdict(case, verdict.given, verdict.figures)


def _verdict(case: Case, passed: bool, reason: str, latency: float | None = None) -> RunVerdict:
    return RunVerdict(
        case_id=case.case_id,
        cell=case.cell.ref,
        response=case.response,
        driver=case.driver,
        seed=case.seed,
        passed=passed,
        reason=reason,
        draw=case.draw,
        latency_s=latency,
    )


def _support(
    response: Response, raised: list[Event], baseline: list[Event], *, has_target: bool
) -> SupportVerdict | None:
    function = _FUNCTIONS[response]
    for verdict in judge(raised, baseline, has_target=has_target):
        if verdict.function == function:
            return verdict
    if response is Response.LANE:  # judged only where a drive left the lane
        return SupportVerdict(
            function="lane support", given=True, figures="kept in lane, as without the raise"
        )
    return None


def due_s(case: Case) -> float | None:
    """By when a warning drive's warning is due (``None`` for a support drive)."""
    return _deadline(case) if case.response is Response.WARNING else None


def _deadline(case: Case) -> float:
    latency = DROWSY_LATENCY_S if case.cell.row.location == "Drowsiness" else WARNING_LATENCY_S
    return case.timing.flag_s + latency


def _warning(case: Case, events: list[Event]) -> tuple[bool, str, float | None]:
    row, timing = case.cell.row, case.timing
    alerts = _DROWSY_ALERTS if row.table is Table.NON_TRANSIENT else _DISTRACTION_ALERTS
    due = _deadline(case)
    warnings = [
        e
        for e in events
        if e.kind is EventKind.WARNING and (e.level or 0) >= 1 and e.alert in alerts
    ]
    early = [e for e in warnings if e.t_s < timing.onset_s]
    if early:
        return False, f"a false warning at {early[0].t_s:.2f} s, before the behaviour", None
    first = min((e.t_s for e in warnings), default=None)
    rel_due = due - timing.onset_s
    if first is None:
        return False, f"no warning (due by +{rel_due:.2f} s)", None
    after = first - timing.onset_s
    if first > due:
        return False, f"warning at +{after:.2f} s, late (due by +{rel_due:.2f} s)", after
    return True, f"warning at +{after:.2f} s (due by +{rel_due:.2f} s)", after
