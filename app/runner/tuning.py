"""Process-wide tuning for a sync, done once where a process exists to sync: at the start of the window's sync
child (app/runner/child.py) and of the CLI's ``sync`` command. Never in library code: the engine runs the same
in any process, and a window running a sync in its own thread (debugging) keeps Python's defaults.

* glibc heap arenas (app/allocator.py): the sync child gets ``MALLOC_ARENA_MAX`` in its environment, which glibc
  reads when the process starts, before any thread exists; a process that is already running (the CLI) caps them
  through ``mallopt`` instead, as early as it can.
* the cyclic garbage collector runs rarely, and threads switch every millisecond (see the functions below).
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator

from app.allocator import ARENA_ENV, SYNC_ARENAS, limit_heap_arenas

_tuned = False


def child_environment() -> dict[str, str]:
    """What a sync child's environment adds to the parent's (glibc reads it at start-up)."""
    return {ARENA_ENV: str(SYNC_ARENAS)}


@contextlib.contextmanager
def child_environment_set() -> Iterator[None]:
    """``os.environ`` with :func:`child_environment` while a child (or the fork server) starts; the parent's own
    allocator read its environment long ago, so this changes nothing for the parent itself."""
    added = {name: value for name, value in child_environment().items() if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def tune_sync_process() -> None:
    """Once per process, before the run's threads start (the first call wins)."""
    global _tuned
    if _tuned:
        return
    _tuned = True
    if os.environ.get(ARENA_ENV) is None:  # started without it (the CLI): the mallopt fallback
        limit_heap_arenas()
    few_collections()
    quick_thread_switches()


def few_collections() -> None:
    """Python's cyclic garbage collector at its default pace walks every object the run holds again and again
    while a big catalog is being read (millions of them at 50,000 offers: a third of the reading's CPU). The
    run's data are plain trees freed by reference counting; collecting rarely loses nothing."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], 100_000), max(previous[1], 50), max(previous[2], 100))


def quick_thread_switches() -> None:
    """While the engine's thread plans (seconds of pure Python), the upload threads only need the interpreter
    for moments: to send the next batch when the rate limit allows, to note the answer. At the default 5 ms
    switch interval each of those moments waits its turn behind the planning, and RetailCRM's window goes
    unused (measured at 50,000 offers: ~0.8 s of a 40 s run). 1 ms costs the planning nothing measurable."""
    sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
