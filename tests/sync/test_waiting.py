"""Waiting for another thread in steps (app/sync/waiting.py): Stop and Ctrl+C act within a second.

On Windows a bare ``Future.result()`` runs no signal handler until the future ends; these tests check the
part that is the same on every OS: the waiter sees a Stop set from another thread while the work never ends.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from app.sync.model import Cancelled, CancelToken
from app.sync.waiting import result_of, wait_all


def _stop_after(token: CancelToken, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, token.cancel)
    timer.start()
    return timer


def test_a_stop_ends_the_wait_for_work_that_never_ends_within_a_second() -> None:
    never: Future[int] = Future()  # nothing will ever complete it
    token = CancelToken()
    timer = _stop_after(token, 0.2)
    started = time.monotonic()
    with pytest.raises(Cancelled):
        result_of(never, token.check)
    timer.join()
    assert time.monotonic() - started < 1.2


def test_the_result_and_the_work_s_own_errors_come_through() -> None:
    token = CancelToken()
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert result_of(pool.submit(lambda: (time.sleep(0.7), 42)[1]), token.check, poll=0.1) == 42

        def times_out() -> None:
            raise TimeoutError("the work's own timeout")

        # the work's TimeoutError is not mistaken for the wait's own: it is raised, not waited on forever
        with pytest.raises(TimeoutError, match="own timeout"):
            result_of(pool.submit(times_out), token.check, poll=0.1)


def test_without_a_check_the_wait_goes_on_until_the_work_ends() -> None:
    """A deferred upload in flight is waited for even after Stop: what it wrote is still counted."""
    token = CancelToken()
    token.cancel()
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert result_of(pool.submit(lambda: (time.sleep(0.3), "done")[1]), poll=0.05) == "done"


def test_wait_all_returns_once_every_job_ended() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(time.sleep, 0.2), pool.submit(time.sleep, 0.4)]
        wait_all(futures, poll=0.05)
        assert all(f.done() for f in futures)
