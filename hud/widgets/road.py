"""Speed and a view of the road from behind the car: lanes, the ego car, its lights."""

from __future__ import annotations

import pygame

from dms.bus.enums import TurnSignal
from dms.units import KPH
from hud.draw import Fonts, panel, text
from hud.layout import COLOURS, REGIONS
from hud.view import HudState

__all__ = ["Road"]

BLINK_HZ = 1.5  # hazard and turn lights blink at 1-2 Hz (UN R48: 90 +- 30 per minute)
CAR_W, CAR_H = 46, 80
ROAD_TOP_W = 120  # the road's width at the horizon, px
LANE_PX = 110  # a lane's width at the car, px


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
        for k in range(lanes + 1):
            x0 = left + k * LANE_PX
            x1 = top_left + k * ROAD_TOP_W / lanes
            dashed = 0 < k < lanes
            _line(surface, (x0, bottom), (x1, top), dashed)
        offset_px = (vehicle.lane_offset_m / 3.5 * LANE_PX) if vehicle is not None else 0.0
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


def _line(
    surface: pygame.Surface, start: tuple[float, float], end: tuple[float, float], dashed: bool
) -> None:
    if not dashed:
        pygame.draw.line(surface, COLOURS["lane"], start, end, 3)
        return
    steps = 12
    for k in range(0, steps, 2):
        a = (start[0] + (end[0] - start[0]) * k / steps, start[1] + (end[1] - start[1]) * k / steps)
        b = (
            start[0] + (end[0] - start[0]) * (k + 1) / steps,
            start[1] + (end[1] - start[1]) * (k + 1) / steps,
        )
        pygame.draw.line(surface, COLOURS["lane"], a, b, 2)


def _hazard_sign(surface: pygame.Surface, centre: tuple[int, int], *, lit: bool) -> None:
    x, y = centre
    colour = COLOURS["level3"] if lit else COLOURS["grey"]
    outer = [(x, y - 30), (x + 30, y + 22), (x - 30, y + 22)]
    inner = [(x, y - 14), (x + 15, y + 12), (x - 15, y + 12)]
    pygame.draw.polygon(surface, colour, outer, width=6)
    pygame.draw.polygon(surface, colour, inner, width=4)
