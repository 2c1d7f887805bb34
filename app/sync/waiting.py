"""Waiting for another thread's work in short steps, so that Stop and Ctrl+C act within a second.

On Windows, Python 3.11 cannot interrupt a lock wait without a timeout: a main thread blocked in
``Future.result()`` or ``concurrent.futures.wait()`` runs no signal handler until the wait ends, so the CLI's
Ctrl+C handler (which sets the run's cancel token) would wait for a whole catalog read. Waiting in steps of
:data:`POLL_SECONDS` returns to the interpreter between steps, where the handler runs, and lets the waiter see
a Stop itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import wait as futures_wait
from typing import Any, TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.5


def result_of(future: Future[T], check: Callable[[], None] | None = None, *, poll: float = POLL_SECONDS) -> T:
    """``future.result()``; between steps ``check()`` runs (e.g. ``CancelToken.check``: it raises ``Cancelled``
    on Stop, and the future is left to end on its own)."""
    while True:
        try:
            return future.result(timeout=poll)
        except TimeoutError:
            if future.done():  # the work's own TimeoutError, not the wait's: raise it as result() would
                return future.result()
            if check is not None:
                check()


def wait_all(futures: Iterable[Future[Any]], *, poll: float = POLL_SECONDS) -> None:
    """``concurrent.futures.wait(futures)`` in steps: Ctrl+C's handler runs meanwhile (the jobs themselves
    see the cancel token it sets and end at their next batch, so what they wrote is still counted)."""
    pending = set(futures)
    while pending:
        _, pending = futures_wait(pending, timeout=poll)
