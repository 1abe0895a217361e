"""Cabin geometry: which gaze direction falls in which zone (ISO 15007 areas of interest).

Angles are relative to the driver's calibrated road-ahead direction: yaw positive to the
driver's left, pitch positive down. The boxes are for a left-hand-drive car (the driver
sits on the left, the centre console is to the driver's right); a right-hand-drive cabin
mirrors them. Earlier boxes win where boxes overlap.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from dms.bus.enums import GazeZone
from dms.errors import ConfigError

__all__ = [
    "DISTRACTING",
    "DRIVING_RELATED",
    "Cabin",
    "DriveSide",
    "ZoneBox",
    "ZoneClassifier",
    "default_zones",
]

#: Glances that belong to driving (mirrors, speedometer): not distraction by themselves.
DRIVING_RELATED = frozenset(
    {GazeZone.MIRROR_LEFT, GazeZone.MIRROR_RIGHT, GazeZone.MIRROR_REAR, GazeZone.CLUSTER}
)
#: Glances that count as distraction: away from the road, and not for driving.
DISTRACTING = frozenset(GazeZone) - DRIVING_RELATED - {GazeZone.ROAD, GazeZone.UNKNOWN}


@dataclass(frozen=True, slots=True)
class ZoneBox:
    zone: GazeZone
    yaw_deg: tuple[float, float]  # (min, max), + to the driver's left
    pitch_deg: tuple[float, float]  # (min, max), + down

    def contains(self, yaw_deg: float, pitch_deg: float) -> bool:
        return (
            self.yaw_deg[0] <= yaw_deg <= self.yaw_deg[1]
            and self.pitch_deg[0] <= pitch_deg <= self.pitch_deg[1]
        )

    @property
    def centre(self) -> tuple[float, float]:
        return (sum(self.yaw_deg) / 2.0, sum(self.pitch_deg) / 2.0)

    def mirrored(self) -> ZoneBox:
        swap = {
            GazeZone.MIRROR_LEFT: GazeZone.MIRROR_RIGHT,
            GazeZone.MIRROR_RIGHT: GazeZone.MIRROR_LEFT,
            GazeZone.WINDOW_LEFT: GazeZone.WINDOW_RIGHT,
            GazeZone.WINDOW_RIGHT: GazeZone.WINDOW_LEFT,
        }
        return replace(
            self,
            zone=swap.get(self.zone, self.zone),
            yaw_deg=(-self.yaw_deg[1], -self.yaw_deg[0]),
        )


def default_zones() -> tuple[ZoneBox, ...]:
    """A mid-size left-hand-drive car, angles from the driver's eye point."""
    return (
        ZoneBox(GazeZone.ROAD, (-18.0, 18.0), (-12.0, 12.0)),
        ZoneBox(GazeZone.CLUSTER, (-14.0, 14.0), (12.0, 32.0)),
        ZoneBox(GazeZone.INFOTAINMENT, (-48.0, -14.0), (12.0, 40.0)),
        ZoneBox(GazeZone.LAP, (-45.0, 30.0), (32.0, 90.0)),
        ZoneBox(GazeZone.MIRROR_REAR, (-42.0, -18.0), (-30.0, -6.0)),
        ZoneBox(GazeZone.MIRROR_LEFT, (35.0, 62.0), (-8.0, 18.0)),
        ZoneBox(GazeZone.MIRROR_RIGHT, (-72.0, -50.0), (-8.0, 12.0)),
        ZoneBox(GazeZone.PASSENGER, (-95.0, -48.0), (12.0, 45.0)),
        ZoneBox(GazeZone.WINDOW_LEFT, (62.0, 110.0), (-35.0, 30.0)),
        ZoneBox(GazeZone.WINDOW_RIGHT, (-110.0, -72.0), (-35.0, 12.0)),
    )


#: How far past the widest zone box an off-camera glance looks.
OFF_CAMERA_MARGIN_DEG = 20.0


DriveSide = Literal["left", "right"]


@dataclass(frozen=True, slots=True)
class Cabin:
    """The car around the driver: which side the wheel is on, where the camera sits.

    ``camera_yaw_deg`` / ``camera_pitch_deg`` say where the camera is as the driver sees it
    when looking straight ahead at the road: yaw positive to the driver's left, pitch
    positive below the line of sight (a camera on the steering column is about 15 degrees
    below it; one on the centre console about 25 degrees to the right of a left-hand
    driver: yaw -25). Head pose is measured relative to the line to the camera, so a driver
    looking straight ahead reads the opposite angles.
    """

    drive_side: DriveSide = "left"
    camera_yaw_deg: float = 0.0
    camera_pitch_deg: float = 0.0
    zones: tuple[ZoneBox, ...] = field(default_factory=default_zones)

    def straight_ahead(self) -> tuple[float, float]:
        """(yaw, pitch) the camera reads for a driver looking straight down the road."""
        return -self.camera_yaw_deg, -self.camera_pitch_deg

    def boxes(self) -> tuple[ZoneBox, ...]:
        """The zone boxes for this car's drive side."""
        if self.drive_side == "left":
            return self.zones
        return tuple(box.mirrored() for box in self.zones)

    def classifier(self) -> ZoneClassifier:
        return ZoneClassifier(self.boxes())

    def centre(self, zone: GazeZone) -> tuple[float, float]:
        """Where a glance to ``zone`` looks: (yaw, pitch) in degrees.

        Off-camera is no box but what lies beyond them all: over the driver's shoulder on
        the window side (turned to the back seat or out of the side window), past the widest
        box by ``OFF_CAMERA_MARGIN_DEG``.
        """
        boxes = self.boxes()
        if zone is GazeZone.OFF_CAMERA:
            window_side = 1.0 if self.drive_side == "left" else -1.0
            widest = max(max(abs(yaw) for yaw in box.yaw_deg) for box in boxes)
            return window_side * (widest + OFF_CAMERA_MARGIN_DEG), 0.0
        for box in boxes:
            if box.zone is zone:
                return box.centre
        raise ConfigError(f"the cabin has no gaze zone {zone.name.lower()!r}")


class ZoneClassifier:
    """Gaze direction -> zone; anything outside every box is off-camera."""

    __slots__ = ("_boxes",)

    def __init__(self, boxes: tuple[ZoneBox, ...]) -> None:
        self._boxes = tuple((b.zone, *b.yaw_deg, *b.pitch_deg) for b in boxes)

    def __call__(self, yaw_deg: float, pitch_deg: float) -> GazeZone:
        for zone, yaw_lo, yaw_hi, pitch_lo, pitch_hi in self._boxes:
            if yaw_lo <= yaw_deg <= yaw_hi and pitch_lo <= pitch_deg <= pitch_hi:
                return zone
        return GazeZone.OFF_CAMERA
