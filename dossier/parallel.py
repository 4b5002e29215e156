"""Spread a build's work over the machine's cores: forked workers that inherit everything they need.

Forking means the workers get the loaded pages, the gazetteer and the compiled layouts for free;
only the work's bounds go to them and only its results (page objects, bytes) come back. Where
fork is not available, or the work is too small to be worth a process, it runs here in order.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from typing import Callable, Sequence, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS = 200  # below this, starting workers costs more than it saves
CHUNKS_PER_WORKER = 8  # small enough chunks that a slow one does not leave a core idle

_task: tuple[Callable, Sequence] | None = None  # set just before the fork, read by the workers


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def parallel_map(
    function: Callable[[Item], Result], items: Sequence[Item], workers: int
) -> list[Result]:
    """Return [function(item) for item in items], computed by forked workers when that is worth it.

    ``function`` must return its problems as values, not raise them: only results travel back.
    """
    global _task
    if (
        workers < 2
        or len(items) < MIN_ITEMS
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return [function(item) for item in items]
    size = max(1, -(-len(items) // (workers * CHUNKS_PER_WORKER)))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    _task = (function, items)
    try:
        with multiprocessing.get_context("fork").Pool(
            workers, initializer=_default_sigterm
        ) as pool:
            parts = pool.map(_run_chunk, bounds, chunksize=1)
    finally:
        _task = None
    return [result for part in parts for result in part]


def _default_sigterm() -> None:
    """A worker dies at SIGTERM (the pool stops its workers so), whatever handler the build set."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_chunk(bounds: tuple[int, int]) -> list:
    function, items = _task
    return [function(items[index]) for index in range(*bounds)]
