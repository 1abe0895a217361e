"""The alert area, the ADAS line and the status line: what the car says to the driver."""

from __future__ import annotations

import math

import pygame

from dms.bus.enums import AlertKind, AlertLevel, DmsState, MrmState, Sensitivity
from dms.ncap import MRM_WITHIN_S
from hud.draw import Fonts, panel, text
from hud.layout import COLOURS, REGIONS, Rect
from hud.view import HudState

__all__ = ["AdasLine", "AlertArea", "StatusLine"]

#: What a driver reads at a glance, per alert kind.
MESSAGES = {
    AlertKind.DISTRACTION: "Eyes on the road",
    AlertKind.PHONE_USE: "Put the phone away",
    AlertKind.DROWSINESS_ADVISORY: "Time for a break",
    AlertKind.DROWSINESS: "You are drowsy - take a break",
    AlertKind.UNRESPONSIVE: "Wake up! Take the wheel",
    AlertKind.DMS_UNAVAILABLE: "Driver monitoring unavailable",
    AlertKind.DRIVER_NOT_VISIBLE: "Driver monitoring cannot see you",
    AlertKind.EYES_NOT_VISIBLE: "Driver monitoring cannot see your eyes",
    AlertKind.HANDS_OFF: "Hold the steering wheel",
}
MRM_TEXT = {
    MrmState.LANE_CHANGE: "Stopping safely: moving right",
    MrmState.DECELERATING: "Stopping safely in lane",
    MrmState.STANDSTILL: "Stopped - emergency call",
    MrmState.CANCELLED: "Driver took over",
}
LEVEL_COLOURS = {
    AlertLevel.VISUAL: COLOURS["level1"],
    AlertLevel.CHIME: COLOURS["level2"],
    AlertLevel.URGENT: COLOURS["level3"],
}
FLASH_HZ = 2.0


def alert_colour(level: AlertLevel) -> tuple[int, int, int]:
    return LEVEL_COLOURS.get(level, COLOURS["frame"])


class AlertArea:
    area = REGIONS.alert

    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        area = self.area
        hmi = state.hmi
        level = hmi.alert_level if hmi is not None else AlertLevel.NONE
        kind = hmi.alert_kind if hmi is not None else AlertKind.NONE
        colour = alert_colour(level)
        if state.warnings_lost:
            panel(surface, area, border=COLOURS["level2"], width=6)
            lines = (("WARNINGS UNAVAILABLE", -22, 34), ("no signal from the ECU", 24, 26))
            for words, dy, size in lines:
                text(
                    surface,
                    fonts,
                    words,
                    (area.centre[0], area.centre[1] + dy),
                    size=size,
                    colour=COLOURS["level2"],
                    anchor="center",
                    bold=size > 30,
                )
            return
        if level is AlertLevel.NONE:
            panel(surface, area)
            text(
                surface,
                fonts,
                "No warnings",
                area.centre,
                size=34,
                colour=COLOURS["ok"],
                anchor="center",
            )
            return
        flash_off = level is AlertLevel.URGENT and int(state.t_s * FLASH_HZ * 2) % 2 == 1
        fill = COLOURS["panel"] if level is AlertLevel.VISUAL or flash_off else colour
        panel(surface, area, fill=fill, border=colour, width=6)
        ink = COLOURS["background"] if fill == colour else colour
        _icon(surface, kind, Rect(area.x + 20, area.y + 30, 110, 110), ink)
        text(
            surface,
            fonts,
            f"LEVEL {int(level)}",
            (area.x + 150, area.y + 34),
            size=28,
            colour=ink,
            bold=True,
        )
        _wrapped(
            surface,
            fonts,
            MESSAGES.get(kind, ""),
            Rect(area.x + 150, area.y + 70, area.w - 165, 90),
            ink,
        )
        mrm = state.mrm
        if mrm is not None and mrm.state in MRM_TEXT:
            timing = _emergency_timing(state)
            text(
                surface,
                fonts,
                MRM_TEXT[mrm.state],
                (area.x + 20, area.y + area.h - (62 if timing else 40)),
                size=28 if timing else 30,
                colour=ink,
                bold=True,
            )
            if timing:
                text(
                    surface, fonts, timing, (area.x + 20, area.y + area.h - 28), size=20, colour=ink
                )


def _emergency_timing(state: HudState) -> str:
    """How fast the emergency function answered: the manoeuvre's start after the urgent
    warning, against Euro NCAP's limit, and when the car stood still."""
    timing = state.emergency
    delay = timing.mrm_delay_s if timing is not None else None
    if timing is None or delay is None:
        return ""
    words = f"MRM {delay:.1f} s after warning (max {MRM_WITHIN_S:.0f} s)"
    if timing.standstill_s is not None:
        words += f", stopped at +{timing.standstill_s - timing.warned_s:.0f} s"
    return words


def _wrapped(
    surface: pygame.Surface, fonts: Fonts, words: str, area: Rect, colour: tuple[int, int, int]
) -> None:
    font = fonts.get(34, bold=True)
    line, y = "", area.y
    for word in words.split():
        trial = f"{line} {word}".strip()
        if font.size(trial)[0] > area.w and line:
            text(surface, fonts, line, (area.x, y), size=34, colour=colour, bold=True)
            line, y = word, y + 36
        else:
            line = trial
    if line:
        text(surface, fonts, line, (area.x, y), size=34, colour=colour, bold=True)


def _icon(surface: pygame.Surface, kind: AlertKind, box: Rect, ink: tuple[int, int, int]) -> None:
    """A simple pictogram per alert kind, drawn with primitives (no image assets)."""
    cx, cy = box.centre
    if kind is AlertKind.DISTRACTION:  # an eye, struck through
        pygame.draw.ellipse(surface, ink, (box.x, cy - 25, box.w, 50), width=6)
        pygame.draw.circle(surface, ink, (cx, cy), 14)
        pygame.draw.line(
            surface, ink, (box.x + 8, box.y + box.h - 8), (box.x + box.w - 8, box.y + 8), 7
        )
    elif kind is AlertKind.PHONE_USE:  # a phone
        pygame.draw.rect(
            surface, ink, (cx - 28, box.y + 5, 56, box.h - 10), width=6, border_radius=10
        )
        pygame.draw.circle(surface, ink, (cx, box.y + box.h - 22), 6)
    elif kind in (AlertKind.DROWSINESS, AlertKind.DROWSINESS_ADVISORY):  # a coffee cup
        pygame.draw.rect(surface, ink, (box.x + 15, cy - 20, 60, 55), width=6, border_radius=6)
        pygame.draw.arc(surface, ink, (box.x + 62, cy - 10, 34, 34), -math.pi / 2, math.pi / 2, 6)
        for k in range(3):
            x = box.x + 28 + 17 * k
            pygame.draw.line(surface, ink, (x, cy - 30), (x + 6, cy - 48), 4)
    elif kind is AlertKind.HANDS_OFF:  # a wheel and two hands off it
        pygame.draw.circle(surface, ink, (cx, cy + 8), 40, width=8)
        for side in (-1, 1):
            pygame.draw.circle(surface, ink, (cx + side * 46, cy - 38), 11)
            pygame.draw.line(surface, ink, (cx + side * 40, cy - 24), (cx + side * 30, cy - 12), 5)
    elif kind is AlertKind.EYES_NOT_VISIBLE:  # dark glasses
        for side in (-1, 1):
            pygame.draw.ellipse(surface, ink, (cx + side * 27 - 24, cy - 18, 48, 36))
        pygame.draw.line(surface, ink, (cx - 6, cy - 8), (cx + 6, cy - 8), 5)
    elif kind is AlertKind.DRIVER_NOT_VISIBLE:  # a head and shoulders, struck through
        pygame.draw.circle(surface, ink, (cx, cy - 18), 22, width=6)
        pygame.draw.arc(surface, ink, (cx - 42, cy + 8, 84, 70), 0.0, math.pi, 6)
        pygame.draw.line(
            surface, ink, (box.x + 5, box.y + box.h - 10), (box.x + box.w - 5, box.y + 10), 7
        )
    elif kind is AlertKind.UNRESPONSIVE:  # a steering wheel with hands missing
        pygame.draw.circle(surface, ink, (cx, cy), 50, width=8)
        pygame.draw.circle(surface, ink, (cx, cy), 12)
        for angle in (math.pi / 2, math.pi * 7 / 6, -math.pi / 6):
            end = (cx + 46 * math.cos(angle), cy + 46 * math.sin(angle))
            pygame.draw.line(surface, ink, (cx, cy), end, 6)
    elif kind is AlertKind.DMS_UNAVAILABLE:  # a camera, struck through
        pygame.draw.rect(surface, ink, (box.x + 10, cy - 25, 70, 50), width=6, border_radius=6)
        pygame.draw.polygon(
            surface,
            ink,
            [
                (box.x + 80, cy - 10),
                (box.x + 105, cy - 25),
                (box.x + 105, cy + 25),
                (box.x + 80, cy + 10),
            ],
            width=5,
        )
        pygame.draw.line(
            surface, ink, (box.x + 5, box.y + box.h - 10), (box.x + box.w - 5, box.y + 10), 7
        )


class AdasLine:
    """ADAS sensitivity, assisted-driving lockout and the fallback, in one line."""

    area = REGIONS.adas

    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        area = self.area
        panel(surface, area)
        adas, hmi = state.adas, state.hmi
        sensitivity = adas.fcw_sensitivity if adas is not None else Sensitivity.NORMAL
        colour = {
            Sensitivity.NORMAL: COLOURS["dim"],
            Sensitivity.HIGH: COLOURS["level1"],
            Sensitivity.MAXIMUM: COLOURS["level3"],
        }[sensitivity]
        text(
            surface,
            fonts,
            f"ADAS {sensitivity.name.lower()}",
            (area.x + 12, area.y + 16),
            size=26,
            colour=colour,
        )
        if adas is not None and adas.brake_prefill:
            text(
                surface,
                fonts,
                "brakes ready",
                (area.x + 170, area.y + 16),
                size=22,
                colour=COLOURS["level2"],
            )
        if hmi is not None and hmi.lockout:
            text(
                surface,
                fonts,
                "ASSIST LOCKED",
                (area.x + area.w - 12, area.y + 16),
                size=24,
                colour=COLOURS["level3"],
                bold=True,
                anchor="topright",
            )
        elif adas is not None and adas.fallback.value:
            text(
                surface,
                fonts,
                "hands on wheel",
                (area.x + area.w - 12, area.y + 16),
                size=22,
                colour=COLOURS["level1"],
                anchor="topright",
            )


class StatusLine:
    """Where the data comes from and what the DMS can do right now."""

    area = REGIONS.status_line

    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        area = self.area
        status = state.status
        if state.dms_silent:
            words, colour = "DMS silent", COLOURS["level3"]
        elif status is None:
            words, colour = "waiting for the DMS", COLOURS["dim"]
        else:
            words = {
                DmsState.INIT: "DMS starting",
                DmsState.CALIBRATING: f"DMS calibrating {status.calibration_pct:.0f} %",
                DmsState.ACTIVE: "DMS active",
                DmsState.DRIVER_NOT_VISIBLE: "DRIVER NOT VISIBLE",
                DmsState.EYES_NOT_VISIBLE: "EYES NOT VISIBLE",
                DmsState.SENSOR_FAULT: "CAMERA FAULT",
            }[status.state]
            colour = (
                COLOURS["ok"]
                if status.state in (DmsState.ACTIVE, DmsState.CALIBRATING)
                else COLOURS["level1"]
            )
            if status.fps_hz:
                words += f"  {status.fps_hz:.0f} fps"
        text(surface, fonts, words, (area.x, area.y + 4), size=26, colour=colour, bold=True)
        right = f"{state.source}   t = {state.elapsed_s:7.1f} s" + ("   PAUSED" * state.paused)
        text(
            surface,
            fonts,
            right,
            (area.x + area.w, area.y + 4),
            size=24,
            colour=COLOURS["dim"],
            anchor="topright",
        )
