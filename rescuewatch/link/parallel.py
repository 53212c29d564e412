"""Running independent pieces of a link on both cores, with results in a fixed order.

Time slabs (blocking and scoring) and connected components (clustering) do not depend on one
another, so they can run in forked worker processes that inherit the linking features
without copying them. Results are gathered in task order, so the outcome is the same, bit for
bit, as running the tasks one after another; on platforms without ``fork``, or for small
inputs, the tasks simply run in this process.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: Below this many claims a link runs in one process (forking costs more than it saves).
MIN_CLAIMS = 200_000

_TASK: Callable[[int], Any] | None = None


def workers_for(n_claims: int) -> int:
    """How many processes to use for a link of ``n_claims`` claims (1 or the core count, max 2).

    ``RESCUEWATCH_LINK_WORKERS`` overrides it (``1`` turns parallel work off).
    """
    forced = os.environ.get("RESCUEWATCH_LINK_WORKERS", "").strip()
    if forced:
        if not forced.isdigit():
            # a bare int() here ended the command with a traceback, the store unchanged
            from rescuewatch.errors import InputError

            raise InputError(f"RESCUEWATCH_LINK_WORKERS={forced[:20]!r} is not a whole number",
                             hint="set it to 1 (one process) or more, or unset it")
        return max(1, int(forced))
    if n_claims < MIN_CLAIMS or "fork" not in mp.get_all_start_methods():
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def _run(k: int) -> Any:
    assert _TASK is not None
    return _TASK(k)


def ordered_map(task: Callable[[int], T], n_tasks: int, workers: int) -> list[T]:
    """``[task(0), task(1), ...]``, computed by ``workers`` forked processes when above one.

    ``task`` is inherited by the workers through ``fork`` (it is never pickled); only task
    numbers go out and results come back.
    """
    global _TASK
    if workers <= 1 or n_tasks <= 1 or "fork" not in mp.get_all_start_methods():
        return [task(k) for k in range(n_tasks)]
    _TASK = task
    try:
        with mp.get_context("fork").Pool(min(workers, n_tasks)) as pool:
            return pool.map(_run, range(n_tasks), chunksize=1)
    finally:
        _TASK = None

