"""The cluster drawn headless for the states that matter, checked by its pixels."""

from __future__ import annotations

import dataclasses

import numpy as np
import pygame
import pytest

from dms.bus import (
    DmsStatus,
    EcuAdas,
    EcuAssist,
    EcuHmi,
    EcuMrm,
    VehEnv,
)
from dms.bus.enums import (
    AlertKind,
    AlertLevel,
    Chime,
    DmsFault,
    DmsState,
    Fallback,
    LineType,
    MrmState,
    Sensitivity,
    TargetKind,
)
from hud.cluster import Cluster
from hud.layout import COLOURS, REGIONS, Rect
from hud.view import BusStats, EmergencyTiming, HudState
from hud.widgets.road import blink_on
from tests.messages import ACTIVE, ALERT, CAR, FACE, ON_ROAD

CALM = HudState(
    t_s=100.0,
    face=FACE,
    distraction=ON_ROAD,
    drowsiness=ALERT,
    status=ACTIVE,
    vehicle=CAR,
    hmi=EcuHmi(AlertLevel.NONE, AlertKind.NONE, Chime.NONE, False, False, False, 0),
    adas=EcuAdas(Sensitivity.NORMAL, Sensitivity.NORMAL, False, True, Fallback.NONE),
    mrm=EcuMrm(MrmState.INACTIVE, 0.0, 0, False, False),
)


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    pygame.init()
    return Cluster()


def pixels(cluster: Cluster, state: HudState, area: Rect) -> np.ndarray:
    canvas = cluster.draw(state)
    rgb: np.ndarray = pygame.surfarray.array3d(canvas).transpose(1, 0, 2)
    return rgb[area.y : area.y + area.h, area.x : area.x + area.w]


def share(region: np.ndarray, colour: tuple[int, int, int], tolerance: int = 12) -> float:
    """The share of a region's pixels that are ``colour``."""
    close = np.all(np.abs(region.astype(int) - np.array(colour)) <= tolerance, axis=2)
    return float(close.mean())


def alerted(level: AlertLevel, kind: AlertKind, t_s: float = 100.0) -> HudState:
    chime = {
        AlertLevel.VISUAL: Chime.NONE,
        AlertLevel.CHIME: Chime.REPEATED,
        AlertLevel.URGENT: Chime.CONTINUOUS,
    }[level]
    hmi = EcuHmi(
        level, kind, chime, level is AlertLevel.URGENT, kind is AlertKind.DMS_UNAVAILABLE, False, 0
    )
    return dataclasses.replace(CALM, hmi=hmi, t_s=t_s)


def test_no_alert_shows_a_calm_panel(cluster: Cluster) -> None:
    area = pixels(cluster, CALM, REGIONS.alert)
    assert share(area, COLOURS["ok"]) > 0.005  # "No warnings" in green
    for level in ("level1", "level2", "level3"):
        assert share(area, COLOURS[level]) == 0.0


@pytest.mark.parametrize(
    ("level", "fill"),
    [(AlertLevel.VISUAL, "panel"), (AlertLevel.CHIME, "level2"), (AlertLevel.URGENT, "level3")],
)
def test_each_level_has_its_own_styling(cluster: Cluster, level: AlertLevel, fill: str) -> None:
    state = alerted(level, AlertKind.DISTRACTION, t_s=100.0)  # flash phase: on
    area = pixels(cluster, state, REGIONS.alert)
    assert share(area, COLOURS[fill]) > 0.5
    if level is AlertLevel.VISUAL:
        assert share(area, COLOURS["level1"]) > 0.03  # amber frame, amber words


def test_level_3_flashes(cluster: Cluster) -> None:
    on = pixels(
        cluster, alerted(AlertLevel.URGENT, AlertKind.UNRESPONSIVE, t_s=100.0), REGIONS.alert
    )
    off = pixels(
        cluster, alerted(AlertLevel.URGENT, AlertKind.UNRESPONSIVE, t_s=100.3), REGIONS.alert
    )
    assert share(on, COLOURS["level3"]) > 0.5 > share(off, COLOURS["level3"])


def test_every_alert_kind_has_its_own_icon(cluster: Cluster) -> None:
    icon = Rect(REGIONS.alert.x + 20, REGIONS.alert.y + 30, 110, 110)
    kinds = [
        k for k in AlertKind if k is not AlertKind.NONE and k is not AlertKind.DROWSINESS_ADVISORY
    ]
    drawings = {
        kind: pixels(cluster, alerted(AlertLevel.CHIME, kind), icon).tobytes() for kind in kinds
    }
    assert len(set(drawings.values())) == len(kinds)


def test_an_mrm_blinks_the_hazard_lights(cluster: Cluster) -> None:
    stopping = dataclasses.replace(
        alerted(AlertLevel.URGENT, AlertKind.UNRESPONSIVE),
        vehicle=dataclasses.replace(CALM.vehicle, hazard_lights=True, lane_index=0, speed_mps=12.0),  # type: ignore[type-var]
        mrm=EcuMrm(MrmState.DECELERATING, 2.5, 0, True, False),
    )
    lit_t = next(t / 10 for t in range(1000, 1010) if blink_on(t / 10))
    dark_t = next(t / 10 for t in range(1000, 1010) if not blink_on(t / 10))
    lit = pixels(cluster, dataclasses.replace(stopping, t_s=lit_t), REGIONS.road)
    dark = pixels(cluster, dataclasses.replace(stopping, t_s=dark_t), REGIONS.road)
    assert share(lit, COLOURS["hazard"]) > 0.001
    assert share(dark, COLOURS["hazard"]) == 0.0
    calm = pixels(cluster, CALM, REGIONS.road)
    assert share(calm, COLOURS["hazard"]) == 0.0


def test_dms_unavailable_shows_its_telltale_and_a_silent_dms(cluster: Cluster) -> None:
    silent = dataclasses.replace(
        alerted(AlertLevel.VISUAL, AlertKind.DMS_UNAVAILABLE),
        bus=BusStats(timed_out=frozenset({"DMS_Status", "DMS_Distraction", "DMS_Drowsiness"})),
    )
    assert silent.dms_silent
    area = pixels(cluster, silent, REGIONS.alert)
    assert share(area, COLOURS["level1"]) > 0.03
    status = pixels(cluster, silent, REGIONS.status_line)
    assert share(status, COLOURS["level3"]) > 0.01  # "DMS silent" in red
    bus = pixels(cluster, silent, REGIONS.bus_panel)
    assert share(bus, COLOURS["level3"]) > 0.005  # the timed-out messages in red


def test_driver_not_visible_draws_no_face(cluster: Cluster) -> None:
    seen = pixels(cluster, CALM, REGIONS.avatar)
    gone = dataclasses.replace(
        CALM,
        face=dataclasses.replace(FACE, face_present=False, eyes_visible=False),
        status=DmsStatus(DmsState.DRIVER_NOT_VISIBLE, DmsFault.NONE, 30.0, 100, 2.0),
    )
    lost = pixels(cluster, gone, REGIONS.avatar)
    assert share(seen, COLOURS["skin"]) > 0.1
    assert share(lost, COLOURS["skin"]) == 0.0
    assert share(lost, COLOURS["level1"]) > 0.003  # "driver not visible"


def test_the_avatar_closes_its_eyes_and_hides_them_behind_lenses(cluster: Cluster) -> None:
    open_eyes = share(pixels(cluster, CALM, REGIONS.avatar), COLOURS["eye"], 4)
    shut = dataclasses.replace(
        CALM,
        face=dataclasses.replace(
            FACE, eye_open_left_ratio=0.0, eye_open_right_ratio=0.0, eyes_closed=True
        ),
    )
    shades = dataclasses.replace(CALM, face=dataclasses.replace(FACE, eyes_visible=False))
    assert share(pixels(cluster, shut, REGIONS.avatar), COLOURS["eye"], 4) < open_eyes / 5
    assert share(pixels(cluster, shades, REGIONS.avatar), COLOURS["lens"], 4) > 0.01


def test_the_privacy_mark_is_always_there(cluster: Cluster) -> None:
    assert share(pixels(cluster, CALM, REGIONS.privacy), COLOURS["privacy"]) > 0.01
    empty = HudState(t_s=0.0)
    assert share(pixels(cluster, empty, REGIONS.privacy), COLOURS["privacy"]) > 0.01


def test_perclos_has_no_bar_until_its_window_is_valid(cluster: Cluster) -> None:
    """A PERCLOS of 30 % from a window not yet filled is drawn as no value at all: the
    same as PERCLOS 0, unlike the same 30 % once valid."""
    drowsy = dataclasses.replace(ALERT, perclos_pct=30.0)
    shown = {
        name: pixels(cluster, dataclasses.replace(CALM, drowsiness=message), REGIONS.gauges)
        for name, message in (
            ("invalid", dataclasses.replace(drowsy, perclos_valid=False)),
            ("valid", drowsy),
            ("zero", dataclasses.replace(ALERT, perclos_pct=0.0, perclos_valid=False)),
        )
    }
    assert (shown["invalid"] == shown["zero"]).all()
    assert (shown["invalid"] != shown["valid"]).any()


def test_lost_ecu_display_commands_never_show_as_no_warnings(cluster: Cluster) -> None:
    lost = dataclasses.replace(
        CALM,
        hmi=None,
        bus=BusStats(timed_out=frozenset({"ECU_Hmi"}), unavailable=frozenset({"ECU_Hmi"})),
    )
    assert lost.warnings_lost
    area = pixels(cluster, lost, REGIONS.alert)
    assert share(area, COLOURS["ok"]) == 0.0  # no green "No warnings"
    assert share(area, COLOURS["level2"]) > 0.03  # "WARNINGS UNAVAILABLE" in orange


AHEAD = VehEnv(
    target=TargetKind.CAR,
    target_range_m=25.0,
    target_closing_mps=13.9,
    target_overlap_pct=100,
    line_left=LineType.DASHED,
    line_right=LineType.DASHED,
    line_left_m=0.85,
    line_right_m=0.85,
    lateral_speed_mps=0.0,
    collision=False,
)
NO_HELP = EcuAssist(fcw=False, ldw=False, aeb_decel_mps2=0.0, lka=False, lka_lateral_mps=0.0)


def test_a_target_ahead_is_drawn_in_the_lane_and_a_collision_in_red(cluster: Cluster) -> None:
    lit_t = next(t / 10 for t in range(1000, 1010) if blink_on(t / 10))
    calm = pixels(cluster, dataclasses.replace(CALM, t_s=lit_t), REGIONS.road)
    ahead_state = dataclasses.replace(CALM, env=AHEAD, assist=NO_HELP, t_s=lit_t)
    ahead = pixels(cluster, ahead_state, REGIONS.road)
    assert share(ahead, COLOURS["dim"]) > share(calm, COLOURS["dim"]) + 0.002
    hit = dataclasses.replace(
        ahead_state, env=dataclasses.replace(AHEAD, target_range_m=0.0, collision=True)
    )
    assert share(pixels(cluster, hit, REGIONS.road), COLOURS["level3"]) > 0.005
    assert share(ahead, COLOURS["level3"]) == 0.0


@pytest.mark.parametrize(
    ("help_given", "colour"),
    [
        ({"fcw": True}, "level2"),
        ({"aeb_decel_mps2": 8.0}, "level3"),
        ({"ldw": True}, "level1"),
        ({"lka": True, "lka_lateral_mps": -0.3}, "ok"),
    ],
)
def test_each_assistance_shows_its_telltale(
    cluster: Cluster, help_given: dict[str, object], colour: str
) -> None:
    lit_t = next(t / 10 for t in range(1000, 1010) if blink_on(t / 10))
    quiet = dataclasses.replace(CALM, env=AHEAD, assist=NO_HELP, t_s=lit_t)
    acting = dataclasses.replace(quiet, assist=dataclasses.replace(NO_HELP, **help_given))  # type: ignore[arg-type]
    badge = Rect(REGIONS.road.x + 10, REGIONS.road.y + 10, 80, 160)
    assert share(pixels(cluster, acting, badge), COLOURS[colour]) > 0.05
    assert share(pixels(cluster, quiet, badge), COLOURS[colour]) < 0.01


def test_the_emergency_function_shows_how_soon_it_answered_the_warning(cluster: Cluster) -> None:
    stopping = dataclasses.replace(
        alerted(AlertLevel.URGENT, AlertKind.UNRESPONSIVE, t_s=100.2),  # the flash's "on"
        mrm=EcuMrm(MrmState.STANDSTILL, 0.0, 0, True, True),
    )
    timed = dataclasses.replace(
        stopping, emergency=EmergencyTiming(warned_s=80.0, mrm_s=82.4, standstill_s=95.0)
    )
    area = REGIONS.alert
    strip = Rect(area.x + 8, area.y + area.h - 30, area.w - 16, 24)
    plain, shown = pixels(cluster, stopping, strip), pixels(cluster, timed, strip)
    assert not np.array_equal(plain, shown)
    background = shown[0, 0]
    assert np.all(shown[:, -4:] == background)  # the line fits inside the panel
