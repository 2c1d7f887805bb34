"""One sync in this process, measured: ``python -m benchmarks.engine_child --data-dir D [--only stock]``.

The benchmark runs the engine in its own process so that the figures belong to the sync alone: the
sandbox (a child of its own) would otherwise inflate the peak memory and compete for the same interpreter.
It is the same engine the CLI and the app build (:mod:`app.runner`, keys from
``SVYAZKA_RETAILCRM_API_KEY`` / ``SVYAZKA_MOYSKLAD_TOKEN``); this wrapper only adds what ``svyazka sync
--json`` does not print: each client's request statistics per endpoint, the plans' numbers, and the peak
resident memory of this process. It prints exactly one JSON line on stdout.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import sys
import threading
import time
from typing import Any


def _plan_figures(report: Any) -> dict[str, dict[str, int]]:
    """What each flow planned to write, in numbers (the benchmark derives the minimum requests from them)."""
    from app.sync.model import Flow

    figures: dict[str, dict[str, int]] = {}
    for flow, plan in report.plans.items():
        stats = plan.stats.as_dict() if plan.stats is not None else {}
        work = plan.work
        if flow is Flow.CATALOG and work is not None:
            stats.update(
                rc_creates=len(work.rc_creates),
                rc_edits=len(work.rc_edits),
                group_creates=len(work.group_creates),
                ms_creates=len(work.ms_creates),
            )
        if flow is Flow.ORDERS and work is not None:
            stats["delivery_service_create"] = int(bool(work.delivery.create))
        figures[flow.value] = stats
    return figures


def _rss_mb() -> float:
    """Resident memory now (Linux ``/proc``), MB; the peak comes from ``getrusage``."""
    try:
        with open("/proc/self/statm") as statm:
            return round(int(statm.read().split()[1]) * resource.getpagesize() / 2**20, 1)
    except OSError:
        return 0.0


class _RssTimeline:
    """Resident memory sampled every ``every`` seconds in a daemon thread: where in the run the peak is (the
    stages only show memory at their ends, and the peak of a long stage can come and go within it)."""

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="bench-rss", daemon=True)

    def start(self) -> None:
        self._started = time.monotonic()
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append((round(time.monotonic() - self._started, 2), _rss_mb()))

    def stop(self) -> list[tuple[float, float]]:
        self._stop.set()
        self._thread.join()
        return self.samples


def _per_second_max(samples: list[tuple[float, float]]) -> list[list[float]]:
    """[second, highest RSS sampled in it]: short enough for the JSON, and a peak is not sampled away."""
    highest: dict[int, float] = {}
    for at, rss in samples:
        highest[int(at)] = max(rss, highest.get(int(at), 0.0))
    return [[second, rss] for second, rss in sorted(highest.items())]


class _Staged:
    """Wraps a flow runner to note, after its plan and its apply, the time and memory (what a profile of a
    long run needs first: which stage is slow, which one holds the memory)."""

    def __init__(self, inner: Any, stages: list[dict[str, Any]], started: float) -> None:
        self.inner = inner
        self.flow = inner.flow
        self.stages = stages
        self.started = started

    def _note(self, stage: str) -> None:
        self.stages.append({
            "stage": f"{self.flow.value} {stage}",
            "at_seconds": round(time.monotonic() - self.started, 2),
            "rss_mb": _rss_mb(),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        })

    def prefetch(self, ctx: Any) -> None:
        prefetch = getattr(self.inner, "prefetch", None)
        if prefetch is not None:
            prefetch(ctx)

    def plan(self, ctx: Any) -> Any:
        plan = self.inner.plan(ctx)
        self._note("plan")
        return plan

    def apply(self, ctx: Any, plan: Any) -> Any:
        counts = self.inner.apply(ctx, plan)
        self._note("apply")
        return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine_child")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--only", help="comma-separated flows (default: all)")
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--profile", help="write cProfile statistics of the run to this file")
    args = parser.parse_args(argv)

    from app.paths import data_dir, database_path
    from app.runner import Mode, RunRequest, run_sync
    from app.runner.build import default_flows
    from app.runner.tuning import tune_sync_process
    from app.secrets import SecretStore
    from app.store import Database
    from app.sync.model import ALL_FLOWS, Flow

    tune_sync_process()  # as the window's sync child and the CLI's sync do, before any thread starts
    flows = tuple(Flow(n.strip()) for n in args.only.split(",")) if args.only else ALL_FLOWS
    db = Database.open(database_path(data_dir(args.data_dir)))
    try:
        profile = db.profiles.list()[0]
        stages: list[dict[str, Any]] = []
        started = time.monotonic()
        staged = {flow: _Staged(runner, stages, started) for flow, runner in default_flows().items()}
        # the same run the CLI makes, with the flows wrapped to time their stages
        request = RunRequest.for_profile(db, profile.id, SecretStore(), flows=tuple(f.value for f in flows),
                                         full=args.full, trigger="cli")
        engines: list[Any] = []
        profiler = cProfile.Profile() if args.profile else None
        timeline = _RssTimeline()
        timeline.start()
        started = time.monotonic()
        for runner in staged.values():
            runner.started = started
        try:
            if profiler is not None:
                profiler.enable()
            outcome = run_sync(request, mode=Mode.THREAD, db=db, flows=staged, on_engine=engines.append)
        finally:
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(args.profile)
            wall = time.monotonic() - started
            samples = timeline.stop()
        report = outcome.unwrap()
        engine = engines[0]  # closed by the runner; its clients keep their statistics
        stats = {client.service: client.stats.snapshot() for client in (engine.retailcrm, engine.moysklad)}
    finally:
        db.close()
    result = {
        "report": report.as_json(),
        "wall_seconds": round(wall, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),  # KiB on Linux
        "clients": {
            service: {
                "requests": s.requests,
                "retries": s.retries,
                "rate_limited": s.rate_limited,
                "server_errors": s.server_errors,
                "transport_errors": s.transport_errors,
                "paced_seconds": s.paced_seconds,
                "per_endpoint": dict(sorted(s.per_endpoint.items())),
            }
            for service, s in stats.items()
        },
        "plans": _plan_figures(report),
        "stages": stages,
        "rss_timeline": _per_second_max(samples),
    }
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
