"""The camera module running live: a camera (or a clip played as one) in its own thread.

Frames go through the face model and the module onto the bus at the camera's pace; a
frame that is already a frame period old when the module could take it is dropped (and
counted), so the module keeps real time on a loaded machine instead of falling behind. A
camera that is missing, busy or unplugged is a sensor fault on the bus, and the loop
keeps trying to reopen it; a bus that refuses a frame is counted and the next frame tries
again. Nothing here raises into the caller: what stopped the module for good is in
``stats.failed``, for the command to exit non-zero. Timestamps come from the process clock
(:mod:`dms.clock`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from dms.clock import now_s
from dms.errors import BusError, DmsError, SensorError
from dms.sensor.landmarker import FaceLandmarker
from dms.sensor.module import CameraModule
from dms.sensor.observation import FaceObservation
from dms.sensor.sources import Frame, FrameSource

__all__ = ["CameraLoop", "LoopStats"]

RETRY_S = 2.0
FAULT_REPORT_S = 0.1
#: A frame later than this (or than one frame period, if longer) is dropped.
MIN_LATE_S = 0.01


@dataclass
class LoopStats:
    frames: int = 0
    dropped: int = 0  # frames too late to process: skipped to keep real time
    faults: int = 0
    reopened: int = 0
    bus_errors: int = 0  # sends the bus refused (the frame's messages are lost)
    model_s: float = 0.0
    #: capture time (process clock) of each published frame, newest last (for latency figures)
    captured: deque[float] = field(default_factory=lambda: deque(maxlen=10_000))
    last_error: str = ""
    #: why the module stopped working for good (the face model failed, the thread died)
    failed: str = ""
    bad_input: bool = False  # ... because of what it was given (a model, a file)

    @property
    def fps(self) -> float:
        """Frames per second over the frames kept."""
        times = self.captured
        if len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])


class CameraLoop:
    """Source -> face model -> camera module, until stopped or a file ends."""

    def __init__(
        self,
        open_source: Callable[[], FrameSource],
        module: CameraModule,
        *,
        pace_files: bool = True,
        seconds: float | None = None,
        on_frame: Callable[[Frame, FaceObservation | None], None] | None = None,
        model_path: str | None = None,
        log: Callable[[str], None] = print,
        give_up_after: int | None = None,
    ) -> None:
        """``give_up_after``: faults in a row (no frame between them) after which the loop
        stops and fails: a file that cannot be read will not read on the next try either,
        where a camera may come back (``None``: keep trying)."""
        self._open = open_source
        self._give_up_after = give_up_after
        self._faults_in_a_row = 0
        self._source_live = False
        self._module = module
        self._pace = pace_files
        self._seconds = seconds
        self._on_frame = on_frame
        self._model_path = model_path
        self._log = log
        self._stop = threading.Event()
        self.stats = LoopStats()
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self._run, name="camera-module", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5.0)

    def _run(self) -> None:
        started = time.monotonic()
        try:
            with FaceLandmarker(self._model_path, video=True) as landmarker:
                while not self._stop.is_set() and not self._out_of_time(started):
                    if not self._stream(landmarker, started) or self._gave_up():
                        break
        except DmsError as exc:  # the model itself failed: bad input, the module cannot run
            self.stats.last_error = self.stats.failed = str(exc)
            self.stats.bad_input = True
            self._log(f"camera module: {exc}")
        except Exception as exc:  # a bug: the thread ends, and the command must not pass
            self.stats.failed = f"the camera thread died: {type(exc).__name__}: {exc}"
            self._log(f"camera module: {self.stats.failed}")
        finally:
            self.finished.set()

    def _gave_up(self) -> bool:
        limit = self._give_up_after
        if limit is None or self._faults_in_a_row < limit:
            return False
        self.stats.failed = f"gave up after {limit} tries: {self.stats.last_error}"
        self.stats.bad_input = True
        return True

    def _out_of_time(self, started: float) -> bool:
        return self._seconds is not None and time.monotonic() - started >= self._seconds

    def _stream(self, landmarker: FaceLandmarker, started: float) -> bool:
        """Run one opened source; True to try again (a fault), False when done."""
        try:
            source = self._open()
        except SensorError as exc:
            self._fault(exc, started)
            return True
        self._source_live = source.live
        with source:
            first_wall: float | None = None
            previous_t: float | None = None
            try:
                for frame in source:
                    if self._stop.is_set() or self._out_of_time(started):
                        return False
                    now = now_s()
                    period = frame.t_s - previous_t if previous_t is not None else 0.0
                    previous_t = frame.t_s
                    late = 0.0  # a camera source keeps only its newest frame itself
                    if self._pace and not source.live:  # a clip plays as a camera would
                        first_wall = first_wall if first_wall is not None else now - frame.t_s
                        delay = first_wall + frame.t_s - now
                        if delay > 0:
                            time.sleep(delay)
                        now = now_s()
                        late = -delay
                    if late > max(period, MIN_LATE_S):  # the next frame is due already
                        self.stats.dropped += 1
                        continue
                    self._process(landmarker, frame, now)
            except SensorError as exc:
                self._fault(exc, started)
                return True
            finally:
                self.stats.dropped += source.dropped
        return source.live  # a camera that ends is a fault; a file that ends is the end

    def _process(self, landmarker: FaceLandmarker, frame: Frame, now: float) -> None:
        if self._source_live:  # a camera that delivers again has come back; a file that
            self._faults_in_a_row = 0  # fails again after its first frames has not
        observation = landmarker.detect(Frame(frame.rgb, now, frame.index))
        self.stats.captured.append(now)
        self._sending(self._module.process, observation, now)
        self.stats.frames += 1
        self.stats.model_s = landmarker.model_s
        if self._on_frame is not None:
            self._on_frame(frame, observation)

    def _fault(self, error: SensorError, started: float) -> None:
        """Report the fault on the bus until it is time to try the camera again."""
        self.stats.faults += 1
        self._faults_in_a_row += 1
        self.stats.last_error = str(error)
        self._log(f"camera module: sensor fault: {error}; retrying in {RETRY_S:g} s")
        until = time.monotonic() + RETRY_S
        while (
            not self._stop.is_set() and time.monotonic() < until and not self._out_of_time(started)
        ):
            self._sending(self._module.fault, now_s())
            time.sleep(FAULT_REPORT_S)
        self.stats.reopened += 1

    def _sending(self, step: Callable[..., object], *args: object) -> None:
        """Run a module step that sends on the bus; a send the bus refuses is counted (and
        said once in a while), and the next step sends again."""
        try:
            step(*args)
        except BusError as exc:
            self.stats.bus_errors += 1
            self.stats.last_error = str(exc)
            if self.stats.bus_errors in (1, 10, 100) or self.stats.bus_errors % 1000 == 0:
                self._log(f"camera module: bus error #{self.stats.bus_errors}: {exc}")
