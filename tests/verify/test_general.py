"""The general requirements dms drives, judged as the lab states them: the notice of a
non-functional system within 10 s, shown permanently; default on; the speed condition."""

from __future__ import annotations

import dataclasses

import pytest

from dms.bus.enums import AlertKind
from dms.errors import ConfigError
from dms.events import Event, EventKind
from dms.verify.general import (
    NOTICE_DUE_S,
    PERMANENT,
    SPEED,
    SUNGLASSES,
    TESTED,
    WHEEL_GRIP,
    GeneralResult,
    Held,
    Never,
    Warned,
    general_answers,
    general_drives,
    general_results,
    judge,
    run_general,
)
from dms.verify.matrix import GENERAL_REQUIREMENTS
from dms.verify.run import DEFAULT_POPULATION

NOT_SEEN = frozenset({AlertKind.EYES_NOT_VISIBLE})
ONE_DRIVER = dataclasses.replace(DEFAULT_POPULATION, drivers=1)


def notice(t_s: float) -> Event:
    return Event(t_s, EventKind.WARNING, level=1, alert=AlertKind.EYES_NOT_VISIBLE)


def test_every_driver_drives_every_testable_requirement() -> None:
    drives = general_drives(DEFAULT_POPULATION)
    assert set(TESTED) <= set(GENERAL_REQUIREMENTS)
    for d in range(DEFAULT_POPULATION.drivers):
        assert {drive.requirement for drive in drives if drive.driver == d} == set(TESTED)
    speeds = {d.scenario["vehicle"]["speed_kph"] for d in drives if d.requirement == SPEED}
    assert speeds == {25.0}  # inside ADDW's 20-50 km/h band


def test_a_notice_is_due_within_10_s() -> None:
    due = (Warned(what="notice", alerts=NOT_SEEN, start_s=10.0, by_s=10.0 + NOTICE_DUE_S),)
    assert judge(due, [notice(15.5)])[0]
    late = judge(due, [notice(20.5)])
    assert not late[0] and "+10.50 s" in late[1]
    assert not judge(due, [])[0]


def test_a_permanent_notice_fails_when_it_clears_or_gives_way() -> None:
    held = (Held(what="notice", alerts=NOT_SEEN, start_s=10.0, by_s=20.0, until_s=670.0),)
    assert judge(held, [notice(16.0)])[0]
    cleared = judge(held, [notice(16.0), Event(400.0, EventKind.WARNING_CLEARED)])
    assert not cleared[0] and "gone at 400.0 s" in cleared[1]
    other = Event(300.0, EventKind.WARNING, level=1, alert=AlertKind.DISTRACTION)
    assert not judge(held, [notice(16.0), other])[0]
    after = Event(680.0, EventKind.WARNING_CLEARED)  # the lenses are off by then
    assert judge(held, [notice(16.0), after])[0]


def test_continuous_monitoring_fails_on_any_unavailability() -> None:
    never = (Never(what="always available", kind=EventKind.DMS_UNAVAILABLE),)
    assert judge(never, [])[0]
    assert not judge(never, [Event(300.0, EventKind.DMS_UNAVAILABLE)])[0]


def test_measured_answers_stand_and_declarations_fill_only_the_rest() -> None:
    measured = [GeneralResult(requirement=SUNGLASSES, passed=False, reason="late")]
    answers = general_answers(measured, {"all": "PASS"})
    assert answers[SUNGLASSES] == "FAIL"
    assert set(answers) == set(GENERAL_REQUIREMENTS)
    assert {a for t, a in answers.items() if t != SUNGLASSES} == {"PASS"}
    assert general_answers(measured, {}) == {SUNGLASSES: "FAIL"}
    with pytest.raises(ConfigError, match="dms tests it"):
        general_answers(measured, {SUNGLASSES: "PASS"})
    with pytest.raises(ConfigError, match="'PASS', 'FAIL' or 'N/A'"):
        general_answers([], {"all": "yes"})
    with pytest.raises(ConfigError, match="not a general requirement"):
        general_answers([], {"Default on": "PASS"})


def test_the_notices_come_within_10_s_and_fail_when_told_12_s_late() -> None:
    drives = [d for d in general_drives(ONE_DRIVER) if d.requirement in (SUNGLASSES, WHEEL_GRIP)]
    results = general_results(list(run_general(drives, [], workers=1)))
    assert {r.requirement: r.passed for r in results} == {SUNGLASSES: True, WHEEL_GRIP: True}
    late = [("fallback.notice_after_s", 12.0, "test")]
    results = general_results(list(run_general(drives, late, workers=1)))
    for result in results:
        assert not result.passed and "non-functional notice" in result.reason


def test_the_permanent_notice_stays_up_for_11_minutes_behind_dark_lenses() -> None:
    drives = [d for d in general_drives(ONE_DRIVER) if d.requirement == PERMANENT]
    (result,) = general_results(list(run_general(drives, [], workers=1)))
    assert result.passed, result.reason
