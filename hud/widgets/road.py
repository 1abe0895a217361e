"""Speed and a view of the road from behind the car: lanes, the ego car, its lights, the
target ahead with its distance and time to collision, and the driver assistance acting."""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from dms.bus import EcuAssist, VehEnv
from dms.bus.enums import LineType, TargetKind, TurnSignal
from dms.units import KPH
from dms.vehicle.road import TARGET_WIDTH_M, ttc_s
from hud.draw import Fonts, panel, text
from hud.layout import COLOURS, REGIONS
from hud.view import HudState

__all__ = ["Road"]

BLINK_HZ = 1.5  # hazard and turn lights blink at 1-2 Hz (UN R48: 90 +- 30 per minute)
CAR_W, CAR_H = 46, 80
ROAD_TOP_W = 120  # the road's width at the horizon, px
LANE_PX = 110  # a lane's width at the car, px
LANE_M = 3.5
VIEW_M = 120.0  # how far ahead the view reaches


def blink_on(t_s: float) -> bool:
    return int(t_s * BLINK_HZ * 2) % 2 == 0


class Road:
    area = REGIONS.road

    def render(self, surface: pygame.Surface, state: HudState, fonts: Fonts) -> None:
        area = self.area
        panel(surface, area)
        vehicle = state.vehicle
        speed = f"{vehicle.speed_mps / KPH:3.0f}" if vehicle is not None else "---"
        text(
            surface,
            fonts,
            speed,
            (area.centre[0], area.y + 50),
            size=96,
            bold=True,
            anchor="center",
        )
        text(
            surface,
            fonts,
            "km/h",
            (area.centre[0] + 110, area.y + 66),
            size=28,
            colour=COLOURS["dim"],
            anchor="center",
        )
        lanes = vehicle.lane_count if vehicle is not None else 3
        lane = vehicle.lane_index if vehicle is not None else 1
        # Lanes counted from the right: lane 0 is drawn rightmost.
        bottom, top = area.y + area.h - 20, area.y + 130
        road_w = LANE_PX * lanes
        left = area.centre[0] - road_w // 2
        top_left = area.centre[0] - ROAD_TOP_W // 2
        pygame.draw.polygon(
            surface,
            COLOURS["road"],
            [
                (left, bottom),
                (left + road_w, bottom),
                (top_left + ROAD_TOP_W, top),
                (top_left, top),
            ],
        )
        env, assist = state.env, state.assist
        ego_right = lanes - 1 - lane  # the ego lane's lines: k = ego_right and ego_right + 1
        for k in range(lanes + 1):
            x0 = left + k * LANE_PX
            x1 = top_left + k * ROAD_TOP_W / lanes
            dashed = 0 < k < lanes
            colour = COLOURS["lane"]
            if env is not None and k in (ego_right, ego_right + 1):
                kind = env.line_left if k == ego_right else env.line_right
                dashed = kind is LineType.DASHED
                colour = _line_colour(env, assist, left_line=k == ego_right)
            _line(surface, (x0, bottom), (x1, top), dashed, colour)
        if env is not None and env.target is not TargetKind.NONE:
            view = _Perspective(
                left=left, bottom=bottom, top_left=top_left, top=top, lanes=lanes, lane=lane
            )
            _target(surface, fonts, env, view=view, front_y=bottom - 20 - CAR_H)
        offset_px = (vehicle.lane_offset_m / LANE_M * LANE_PX) if vehicle is not None else 0.0
        car_x = left + (lanes - 1 - lane) * LANE_PX + LANE_PX / 2 - offset_px
        car = pygame.Rect(0, 0, CAR_W, CAR_H)
        car.midbottom = (int(car_x), bottom - 20)
        pygame.draw.rect(surface, COLOURS["car"], car, border_radius=10)
        pygame.draw.rect(
            surface, COLOURS["background"], car.inflate(-14, -44).move(0, -8), border_radius=4
        )
        if vehicle is None:
            return
        hazards = vehicle.hazard_lights and blink_on(state.t_s)
        turning = vehicle.turn_signal is not TurnSignal.OFF and blink_on(state.t_s)
        for side, x in ((TurnSignal.LEFT, car.left), (TurnSignal.RIGHT, car.right)):
            lit = hazards or (turning and vehicle.turn_signal is side)
            colour = COLOURS["hazard"] if lit else COLOURS["grey"]
            for y in (car.top + 6, car.bottom - 6):
                pygame.draw.circle(surface, colour, (x, y), 9 if lit else 5)
        if vehicle.hazard_lights:
            _hazard_sign(surface, (area.x + area.w - 50, area.y + 40), lit=blink_on(state.t_s))
        _assist_badges(surface, fonts, state, (area.x + 16, area.y + 16))


def _line_colour(env: VehEnv, assist: EcuAssist | None, *, left_line: bool) -> tuple[int, int, int]:
    """A line the car is at: amber while the departure warning sounds, green while lane
    keeping steers away from it."""
    near = env.line_left_m if left_line else env.line_right_m
    other = env.line_right_m if left_line else env.line_left_m
    if assist is None or near > other:
        return COLOURS["lane"]
    if assist.lka:
        return COLOURS["ok"]
    return COLOURS["level1"] if assist.ldw else COLOURS["lane"]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Perspective:
    """The road's trapezoid on screen: the ego lane's span at any height."""

    left: float  # the road's left edge at the bottom
    bottom: float
    top_left: float  # ... and at the horizon
    top: float
    lanes: int
    lane: int  # the ego's, 0 = rightmost

    def ego_lane(self, y: float) -> tuple[float, float]:
        """The ego lane's left edge and width at screen height ``y``."""
        depth = (self.bottom - y) / (self.bottom - self.top)
        road_left = self.left + (self.top_left - self.left) * depth
        lane_w = LANE_PX + (ROAD_TOP_W / self.lanes - LANE_PX) * depth
        return road_left + (self.lanes - 1 - self.lane) * lane_w, lane_w


def _target(
    surface: pygame.Surface, fonts: Fonts, env: VehEnv, *, view: _Perspective, front_y: float
) -> None:
    """The target ahead in the ego lane, in perspective from the ego's front at
    ``front_y``, with its range and time to collision."""
    ahead = min(env.target_range_m, VIEW_M) / VIEW_M
    y = front_y + (view.top - front_y) * ahead
    lane_left, lane_w = view.ego_lane(y)
    scale = lane_w / LANE_PX
    width = max(4, int(TARGET_WIDTH_M[env.target] / LANE_M * LANE_PX * scale))
    height = max(4, int(CAR_H * (1.0 if env.target is TargetKind.CAR else 0.8) * scale))
    body = pygame.Rect(0, 0, width, height)
    body.midbottom = (int(lane_left + lane_w / 2), int(y))
    colour = COLOURS["level3"] if env.collision else COLOURS["dim"]
    pygame.draw.rect(surface, colour, body, border_radius=max(2, width // 6))
    if env.collision:
        label = "COLLISION"
    else:
        ttc = ttc_s(env.target_range_m, env.target_closing_mps)
        label = f"{env.target_range_m:.0f} m" + (f"  TTC {ttc:.1f} s" if ttc < 10 else "")
    text(surface, fonts, label, (body.centerx, body.top - 14), size=20, anchor="center")


_BADGES = (
    ("fcw", "FCW", "level2"),
    ("aeb", "AEB", "level3"),
    ("ldw", "LDW", "level1"),
    ("lka", "LKA", "ok"),
)


def _assist_badges(
    surface: pygame.Surface, fonts: Fonts, state: HudState, corner: tuple[int, int]
) -> None:
    """FCW, AEB, LDW and LKA telltales while each acts (warnings blink)."""
    assist = state.assist
    if assist is None:
        return
    active = {
        "fcw": assist.fcw and blink_on(state.t_s),
        "aeb": assist.aeb_decel_mps2 > 0.0,
        "ldw": assist.ldw and blink_on(state.t_s),
        "lka": assist.lka,
    }
    x, y = corner
    for key, label, colour in _BADGES:
        if active[key]:
            badge = pygame.Rect(x, y, 64, 30)
            pygame.draw.rect(surface, COLOURS[colour], badge, border_radius=6)
            text(
                surface,
                fonts,
                label,
                badge.center,
                size=20,
                bold=True,
                anchor="center",
                colour=COLOURS["background"],
            )
            y += 36


def _line(
    surface: pygame.Surface,
    start: tuple[float, float],
    end: tuple[float, float],
    dashed: bool,
    colour: tuple[int, int, int] = COLOURS["lane"],
) -> None:
    if not dashed:
        pygame.draw.line(surface, colour, start, end, 3)
        return
    steps = 12
    for k in range(0, steps, 2):
        a = (start[0] + (end[0] - start[0]) * k / steps, start[1] + (end[1] - start[1]) * k / steps)
        b = (
            start[0] + (end[0] - start[0]) * (k + 1) / steps,
            start[1] + (end[1] - start[1]) * (k + 1) / steps,
        )
        pygame.draw.line(surface, colour, a, b, 2)


def _hazard_sign(surface: pygame.Surface, centre: tuple[int, int], *, lit: bool) -> None:
    x, y = centre
    colour = COLOURS["level3"] if lit else COLOURS["grey"]
    outer = [(x, y - 30), (x + 30, y + 22), (x - 30, y + 22)]
    inner = [(x, y - 14), (x + 15, y + 12), (x - 15, y + 12)]
    pygame.draw.polygon(surface, colour, outer, width=6)
    pygame.draw.polygon(surface, colour, inner, width=4)
