"""Sensor benchmark: per-frame time of the on-module perception on a 640×480 clip.

Targets (issue 3): everything but the model (result conversion, eye pixels, features) <= 0.5
ms per frame; a whole video processed at >= 80 frames/s on one core. MediaPipe's own calls
are the model: inference, and the copy of each frame into MediaPipe's image (a C call of
MediaPipe's input API, reported on its own line).

The process is pinned to one CPU (MediaPipe's worker threads included). Without
``--video`` the clip is made from the committed real-face fixture: its 256×256 frames scaled
to 480×480 and centred on a 640×480 canvas.

    python benchmarks/sensor.py [--video FILE] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from dms.sensor.features import FeatureExtractor
from dms.sensor.landmarker import FaceLandmarker
from dms.sensor.sources import open_source

FIXTURE = (
    Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "faces" / "d14-eyes-close.mp4"
)
REST_TARGET_MS = 0.5
FPS_TARGET = 80.0


def make_640x480(target: Path, repeat: int) -> Path:
    capture = cv2.VideoCapture(str(FIXTURE))
    frames = []
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        canvas = np.full((480, 640, 3), 40, dtype=np.uint8)
        canvas[:, 80:560] = cv2.resize(bgr, (480, 480), interpolation=cv2.INTER_LINEAR)
        frames.append(canvas)
    writer = cv2.VideoWriter(str(target), cv2.VideoWriter.fourcc(*"mp4v"), 30.0, (640, 480))
    for _ in range(repeat):
        for frame in frames + frames[::-1]:  # back and forth: no jump at the loop
            writer.write(frame)
    writer.release()
    return target


def run(path: Path) -> dict[str, float]:
    decode_s = 0.0
    frames = 0
    with open_source(path) as source, FaceLandmarker(video=True) as landmarker:
        extractor = FeatureExtractor()
        started = time.perf_counter()
        while True:
            read_at = time.perf_counter()
            frame = source.read()
            decode_s += time.perf_counter() - read_at
            if frame is None:
                break
            extractor.update(landmarker.detect(frame), frame.t_s)
            frames += 1
        total_s = time.perf_counter() - started
        model_s = landmarker.model_s
        image_s = landmarker.image_s
    rest_s = total_s - model_s - image_s - decode_s
    return {
        "frames": frames,
        "fps": frames / total_s,
        "model_ms": model_s / frames * 1e3,
        "image_ms": image_s / frames * 1e3,
        "rest_ms": rest_s / frames * 1e3,
        "decode_ms": decode_s / frames * 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--video", type=Path, help="a 640×480 clip (default: made from the fixture)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    parser.add_argument(
        "--cpu", type=int, default=max(os.sched_getaffinity(0)), help="CPU to pin to"
    )
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})

    with tempfile.TemporaryDirectory() as scratch:
        video = args.video or make_640x480(Path(scratch) / "face-640x480.mp4", repeat=3)
        runs = [run(video) for _ in range(args.repeat)]
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    print(
        f"clip: {video.name if args.video else 'fixture scaled to 640x480'},"
        f" {int(median['frames'])} frames, pinned to CPU {args.cpu}, median of {args.repeat} runs"
    )
    print(f"model: inference (MediaPipe C calls):   {median['model_ms']:6.2f} ms/frame")
    print(f"model: frame copied into mp.Image:      {median['image_ms']:6.2f} ms/frame")
    print(
        f"everything else (conversion, eye pixels, features): {median['rest_ms']:6.2f} ms/frame"
        f" (target <= {REST_TARGET_MS})"
    )
    print(f"video decode + BGR->RGB (the source): {median['decode_ms']:6.2f} ms/frame")
    print(f"whole video: {median['fps']:6.1f} frames/s on one core (target >= {FPS_TARGET:.0f})")


if __name__ == "__main__":
    main()
