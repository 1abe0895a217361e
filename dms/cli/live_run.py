"""The work behind ``live_cmd``'s commands: imported when one runs."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from dms.bus import Publisher, load_master, open_bus
from dms.cli.cabin_args import cabin_from
from dms.cli.event_log import print_events
from dms.cli.hud_runner import make_app, show_bus
from dms.cli.key_args import node_keys
from dms.cli.settings_args import settings_from, user_settings
from dms.clock import now_s
from dms.errors import ConfigError
from dms.sensor.module import CameraModule
from dms.settings import resolve

if TYPE_CHECKING:
    from dms.scenario.model import Scenario
    from dms.sensor.live import LoopStats
    from dms.sensor.sources import FrameSource

__all__ = ["hud", "live", "sensor"]


def _source_opener(args: argparse.Namespace) -> tuple[Callable[[], FrameSource], str]:
    from dms.sensor.sources import CameraSource, VideoFileSource

    if args.video is not None:
        if not args.video.is_file():
            raise ConfigError(f"video {args.video} does not exist")
        return functools.partial(VideoFileSource, args.video), f"video {args.video.name}"
    index = args.camera if args.camera is not None else 0
    return functools.partial(CameraSource, index), f"camera {index}"


def live(args: argparse.Namespace) -> int:
    from dms.cli.live_session import LiveSession

    opener, name = _source_opener(args)
    preview = None
    if args.preview:
        from dms.sensor.preview import Preview

        preview = Preview(log=_log)
    session = LiveSession(
        opener,
        bus_spec=args.bus,
        master=load_master(args.key_file),
        settings=settings_from(args),
        speed_kph=args.speed_kph,
        seconds=args.seconds,
        model=args.model,
        log_path=args.log,
        cabin=cabin_from(args),
        on_frame=preview.show if preview is not None else None,
        log=_log,
        print_events=args.no_hud,
        give_up_after=_tries(args),
    )
    # The cluster is up before the camera starts, so it (and its video) sees the whole drive.
    app = None if args.no_hud else make_app(args, Path("out/live/hud"), f"dms - live: {name}")
    try:
        with session, contextlib.suppress(KeyboardInterrupt):
            if app is None:
                session.run()
            else:
                session.run_with_hud(app, f"live: {name}")
    finally:
        if app is not None:
            app.close()
        if preview is not None:
            preview.close()
    print(f"live: {_summary(session.stats, name)}")
    return _verdict(session.failed, bad_input=session.bad_input)


def sensor(args: argparse.Namespace) -> int:
    node = node_keys(args, "dms")
    scenario = _scenario(args)
    cabin = cabin_from(args, scenario.cabin if scenario is not None else None)
    layers = ((scenario.settings if scenario is not None else ()), user_settings(args))
    settings = resolve(*layers)[0]
    with open_bus(args.bus) as bus, contextlib.closing(node):
        module = CameraModule(
            Publisher(bus, node.keys, freshness=node.freshness),
            listen=bus,
            keys=node.keys,
            freshness=node.freshness,
            monitor=dataclasses.replace(settings.monitor, cabin=cabin),
            features=settings.features,
        )
        if scenario is not None:
            return _synthetic_sensor(args, dataclasses.replace(scenario, cabin=cabin), module)
        from dms.sensor.live import CameraLoop

        opener, name = _source_opener(args)
        camera = CameraLoop(
            opener,
            module,
            seconds=args.seconds,
            model_path=args.model,
            log=_log,
            give_up_after=_tries(args),
        )
        camera.start()
        with contextlib.suppress(KeyboardInterrupt):
            camera.finished.wait()
        camera.stop()
        print(f"sensor: {_summary(camera.stats, name)}")
    return _verdict(camera.stats.failed, bad_input=camera.stats.bad_input)


def _summary(stats: LoopStats, name: str) -> str:
    text = (
        f"{stats.frames} frames from {name} at {stats.fps:.1f} fps, {stats.dropped} dropped "
        f"to keep real time, {stats.faults} sensor faults"
    )
    return text + (f", {stats.bus_errors} bus errors" if stats.bus_errors else "")


#: A clip that fails this many times in a row will not read on the next try either.
FILE_TRIES = 3


def _tries(args: argparse.Namespace) -> int | None:
    """How many failures the camera loop takes before it gives up (a camera: no limit)."""
    return FILE_TRIES if args.video is not None else None


def _verdict(failed: str, *, bad_input: bool) -> int:
    """Exit status when the module (or the car) stopped working, with the reason: 2 when
    what it was given is bad (a face model, a clip), 1 otherwise."""
    if failed:
        _log(f"dms: error: {failed}")
        return 2 if bad_input else 1
    return 0


def _scenario(args: argparse.Namespace) -> Scenario | None:
    if getattr(args, "scenario", None) is None:
        return None
    from dms.scenario.loader import load_scenario

    return load_scenario(args.scenario)


def _synthetic_sensor(args: argparse.Namespace, scenario: Scenario, module: CameraModule) -> int:
    """The camera module watching a scenario's synthetic driver, in real time."""
    from dms.scenario.behaviour import build_ground_truth, sensor_rng
    from dms.scenario.model import BehaviourKind
    from dms.sensor.synthetic import SyntheticFace

    truth = build_ground_truth(scenario)
    face = SyntheticFace(
        sensor_rng(scenario),
        eye_aperture=scenario.driver.eye_aperture,
        noise_px=scenario.sensor.noise_px,
    )
    start = now_s()
    frames = (
        len(truth) if args.seconds is None else min(len(truth), round(args.seconds * scenario.fps))
    )
    lost = scenario.behaviours(BehaviourKind.CAMERA_LOST)
    _log(f"sensor: {scenario.path.name} starts at {start:.3f} on the process clock")
    for i in range(frames):
        due = start + i / scenario.fps
        delay = due - now_s()
        if delay > 0:
            time.sleep(delay)
        if any(b.covers(i / scenario.fps) for b in lost):
            module.fault(due)  # the scenario's camera delivers no frame
        else:
            print_events(module.process(face.observe(truth.pose(i)), due).events, "sensor")
    print(f"sensor: {frames} frames of {scenario.path.name}")
    return 0


def hud(args: argparse.Namespace) -> int:
    node = node_keys(args, "cluster")
    with open_bus(args.bus) as bus, contextlib.closing(node):
        frames = show_bus(
            bus, args, keys=node.keys, freshness=node.freshness, source=f"bus: {args.bus}"
        )
    print(f"hud: decoded {frames} frames from {args.bus}")
    return 0


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
