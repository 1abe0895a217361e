"""The vehicle simulators by name, as python-can keeps its backends: each is imported only
when it is chosen (SUMO pulls in libsumo or TraCI, CARLA its client package)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, get_args

from dms.errors import ConfigError
from dms.vehicle.builtin import BuiltinSettings, BuiltinVehicle
from dms.vehicle.carla_vehicle import CarlaSettings
from dms.vehicle.model import Vehicle
from dms.vehicle.road import Road, Target
from dms.vehicle.sumo import SumoSettings

__all__ = ["SIMULATORS", "SimulatorName", "SimulatorOptions", "make_vehicle"]

SimulatorName = Literal["builtin", "sumo", "carla"]
SIMULATORS: tuple[SimulatorName, ...] = get_args(SimulatorName)


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulatorOptions:
    """Per simulator, how to reach it (the command line's SUMO and CARLA options)."""

    sumo: SumoSettings = field(default_factory=SumoSettings)
    carla: CarlaSettings = field(default_factory=CarlaSettings)


def make_vehicle(
    name: str,
    *,
    speed_mps: float,
    lanes: int = 3,
    start_lane: int = 1,
    seed: int = 0,
    road: Road | None = None,
    target: Target | None = None,
    options: SimulatorOptions | None = None,
) -> Vehicle:
    """The ego vehicle in the simulator ``name``, at ``speed_mps``. ``lanes`` and
    ``start_lane`` shape the built-in road and place the ego on SUMO's packaged one;
    ``road`` is the built-in vehicle's; ``target`` (a Euro NCAP test target) runs on
    the built-in vehicle and on SUMO's packaged network."""
    options = options or SimulatorOptions()
    if name == "builtin":
        settings = BuiltinSettings(
            lanes=lanes, start_lane=start_lane, road=road or Road(), target=target
        )
        return BuiltinVehicle(settings, speed_mps=speed_mps)
    if name == "sumo":
        from dms.vehicle.sumo import SumoVehicle

        sumo = replace(options.sumo, start_lane=start_lane, seed=seed, target=target)
        return SumoVehicle(sumo, speed_mps=speed_mps)
    if target is not None:
        raise ConfigError(f"test targets run on the built-in vehicle and SUMO, not on {name}")
    if name == "carla":
        from dms.vehicle.carla_vehicle import CarlaVehicle

        return CarlaVehicle(options.carla)
    raise ConfigError(f"unknown simulator {name!r}; one of {', '.join(SIMULATORS)}")
