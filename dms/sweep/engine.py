"""Where many runs execute: in this process, on a local process pool, or on Ray.

:func:`execute` maps a picklable, module-level ``work`` function over ``jobs`` and yields
the results as they finish (so a caller can save and show progress). The results are the
same whatever the engine: each job carries all it needs (a scenario's text, not a path
another machine cannot see).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, TypeVar

from dms.errors import ConfigError

__all__ = ["ENGINES", "Engine", "execute", "progress", "worker_count"]

Engine = Literal["process", "ray"]
ENGINES: tuple[Engine, ...] = ("process", "ray")

J = TypeVar("J")
R = TypeVar("R")


def worker_count(jobs: int, asked: int) -> int:
    """``asked`` workers (0: one per CPU), never more than there are jobs."""
    return max(1, min(asked if asked > 0 else (os.cpu_count() or 1), jobs or 1))


def execute(
    work: Callable[[J], R],
    jobs: Sequence[J],
    *,
    workers: int,
    engine: Engine = "process",
    address: str | None = None,
) -> Iterator[R]:
    """``work(job)`` for every job, in the order they finish."""
    if engine != "ray" and address:
        raise ConfigError("--address is Ray's: give it with --engine ray")
    if engine == "ray":
        yield from _on_ray(work, jobs, workers, address)
    elif workers == 1:
        for job in jobs:
            yield work(job)
    else:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(work, job) for job in jobs]
            for future in concurrent.futures.as_completed(futures):
                yield future.result()


def _on_ray(
    work: Callable[[J], R], jobs: Sequence[J], workers: int, address: str | None
) -> Iterator[R]:
    """Each job as a Ray task: a local Ray with ``workers`` CPUs, or the cluster at
    ``address`` (its nodes need dms installed)."""
    try:
        import ray
    except ImportError:
        raise ConfigError("--engine ray needs Ray: pip install 'dms[ray]'") from None
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
    if address is None:
        options["num_cpus"] = workers
    try:
        ray.init(address=address, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"cannot start or reach Ray ({address or 'local'}): {exc}") from exc
    try:
        task = ray.remote(work)
        pending = [task.remote(job) for job in jobs]
        while pending:
            finished, pending = ray.wait(pending, num_returns=1)
            yield ray.get(finished[0])
    finally:
        ray.shutdown()


def progress(done: int, total: int, started: float, what: str = "runs") -> None:
    """A progress bar with the time left, on a terminal only."""
    if not total or not sys.stderr.isatty():
        return
    elapsed = time.monotonic() - started
    eta = elapsed / done * (total - done) if done else 0.0
    bar = "#" * round(30 * done / total)
    sys.stderr.write(
        f"\r[{bar:<30}] {done}/{total} {what}, ETA {int(eta) // 60}:{int(eta) % 60:02d}"
    )
    sys.stderr.flush()
