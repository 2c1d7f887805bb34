"""Process tuning for a sync (app/runner/tuning.py): once, in a process that exists to sync, never in the engine."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from app.allocator import ARENA_ENV
from app.runner import Mode, RunRequest, run_sync
from app.runner.child import _context
from app.runner.tuning import child_environment_set


def _environment_of_a_child(queue: object) -> None:
    queue.put(os.environ.get(ARENA_ENV))  # type: ignore[attr-defined]


def test_a_sync_child_starts_with_the_arena_cap_in_its_environment_and_the_parent_keeps_its_own() -> None:
    ctx = _context()
    queue = ctx.Queue()
    before = os.environ.get(ARENA_ENV)
    with child_environment_set():
        process = ctx.Process(target=_environment_of_a_child, args=(queue,))
        process.start()
    assert queue.get(timeout=60) == (before or "1")
    process.join(30)
    assert os.environ.get(ARENA_ENV) == before


def test_tuning_happens_once_in_a_fresh_process() -> None:
    code = (
        "import gc, sys\n"
        "from app.runner.tuning import tune_sync_process\n"
        "tune_sync_process(); first = (gc.get_threshold()[0], sys.getswitchinterval())\n"
        "gc.set_threshold(700); tune_sync_process()\n"
        "print(first[0], first[1], gc.get_threshold()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    threshold, interval, after_second = done.stdout.split()
    assert int(threshold) >= 100_000 and float(interval) <= 0.001
    assert after_second == "700"  # the second call did nothing


def test_a_run_in_the_calling_thread_leaves_the_process_settings_alone(request_for: RunRequest) -> None:
    gc.set_threshold(*gc.get_threshold())
    threshold, interval = gc.get_threshold(), sys.getswitchinterval()
    seen: list[tuple[object, float]] = []

    def watch(event: object) -> None:
        seen.append((gc.get_threshold(), sys.getswitchinterval()))

    from app.sync.model import Callbacks

    outcome = run_sync(request_for, Callbacks(on_log=watch), mode=Mode.THREAD)
    assert outcome.report is not None
    assert seen and all(s == (threshold, interval) for s in seen)  # not even during the run
