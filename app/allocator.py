"""Keep a long sync's C heap compact on Linux.

glibc gives every thread that allocates under contention a heap ("arena") of its own, up to eight per core,
and an arena's free memory is rarely handed back to the system. A sync reads with several threads at once
(MoySklad pages, the stock report, RetailCRM uploads), so the answers' buffers end up spread over many
arenas: at 50,000 offers that was ~115 MB of resident memory holding nothing (benchmarks/README.md).
Python objects themselves come from Python's own allocator, under the interpreter lock, so a thread rarely
waits for another thread's malloc. Measured on the 50k benchmark: one arena, the same wall time as eight and
~23 MB less at the peak than two.

Windows and macOS allocators do not work this way; there (and on a libc without ``mallopt``) this does
nothing.

A process started to sync (the window's sync child) gets the cap as ``MALLOC_ARENA_MAX`` in its environment
(app/runner/tuning.py): glibc reads it at start-up, before any thread exists, with the same effect as
``mallopt(M_ARENA_MAX)``. :func:`limit_heap_arenas` is the fallback for a process already running (the CLI).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys

M_ARENA_MAX = -8  # <malloc.h>
SYNC_ARENAS = 1
ARENA_ENV = "MALLOC_ARENA_MAX"  # glibc's own name for M_ARENA_MAX (mallopt(3))


@functools.cache
def limit_heap_arenas(arenas: int = SYNC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process (once; the first call wins). True when it took effect.

    Call it before the threads that allocate start: arenas that already exist stay.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl or another libc without mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, arenas))
