"""Attack "a trickling answer" (issue 12, major 4): a server that sends one byte every few seconds.

Each read gets its byte long before the per-read timeout, so before the fix a request, and the run waiting on
it, never ended. Now every request has an overall deadline (connect + the whole answer, app/clients/deadline.py)
and every run a watchdog (app/sync/watchdog.py). The trickling server is the hostile proxy in front of the
sandbox (tests/reliability/hostile_proxy.py), bounded in time so a failing test still ends.
"""

from __future__ import annotations

import json
import random
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import EXIT_FAILED, EXIT_PROBLEMS
from app.clients.errors import ServiceUnavailable
from app.clients.moysklad import MoySkladClient
from app.clients.retailcrm import RetailCrmClient
from app.clients.retry import RetryPolicy
from app.paths import database_path
from app.runner.build import close_engine
from app.runner.build import engine_for_profile as build_engine
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.secrets import SecretStore
from app.store import Database
from app.store.run_lock import RunLock
from app.sync.watchdog import RunLimits
from tests.reliability.hostile_proxy import HostileProxy
from tests.reliability.support import CHILD_TIMEOUT, ROOT, app_command, child_env, setup_profile

pytestmark = pytest.mark.timeout(240)

TRICKLE = {"interval": 0.2, "limit": 25.0}  # 5 bytes a second; the proxy hangs up after 25 s
DEADLINE = 1.5


def quick_retry() -> RetryPolicy:
    return RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, max_total=30.0, rng=random.Random(0))


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(products=20, orders=5, stores=1, seed=3, rate_limit=False)) as sb:
        yield sb


def test_a_trickling_moysklad_answer_ends_at_the_deadline(sandbox: Sandbox) -> None:
    with HostileProxy(sandbox.moysklad_url) as proxy:
        rule = proxy.trickle("GET", "/entity/organization", **TRICKLE)
        client = MoySkladClient(sandbox.moysklad.token, base_url=proxy.url, retry=quick_retry(), deadline=DEADLINE)
        started = time.monotonic()
        with client, pytest.raises(ServiceUnavailable) as caught:
            client.organizations()
        took = time.monotonic() - started
    assert rule.hits >= 1
    # the 60 s read timeout never fires here: each read gets its byte in time
    assert took < DEADLINE + 3, took  # one try of 1.5 s (a crawl is not retried), not the proxy's 25 s
    assert "отвечает слишком медленно" in caught.value.message
    assert "1.5 с" in caught.value.message


def test_a_trickling_head_is_bounded_too(sandbox: Sandbox) -> None:
    """The status line and headers crawl as well: the deadline covers them, not only the body."""
    with HostileProxy(sandbox.retailcrm_url) as proxy:
        proxy.trickle("GET", "/api/v5/reference/sites", headers_too=True, **TRICKLE)
        client = RetailCrmClient(proxy.url, sandbox.retailcrm.api_key, retry=quick_retry(), deadline=DEADLINE)
        started = time.monotonic()
        with client, pytest.raises(ServiceUnavailable) as caught:
            client.sites()
        took = time.monotonic() - started
    assert took < DEADLINE + 3, took
    assert "RetailCRM отвечает слишком медленно" in caught.value.message


def test_answers_in_time_are_untouched_by_the_deadline(sandbox: Sandbox) -> None:
    """Connections are reused across requests: the deadline is per request, not per connection."""
    with MoySkladClient(sandbox.moysklad.token, base_url=sandbox.moysklad_url, deadline=DEADLINE) as client:
        for _ in range(3):
            assert client.organizations()
            time.sleep(DEADLINE / 2)


# --- the run's watchdog -----------------------------------------------------------------------------------


def _cli(data_dir: Path, sandbox: Sandbox, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        app_command(data_dir, *args), cwd=ROOT, env={**child_env(sandbox), **env},
        capture_output=True, text=True, timeout=CHILD_TIMEOUT,
    )


def _store(data_dir: Path) -> tuple[Database, int]:
    db = Database.open(database_path(data_dir))
    return db, db.profiles.list()[0].id


def test_a_run_over_its_limit_is_stopped_and_failed(sandbox: Sandbox, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A run whose every answer comes, but slowly: the watchdog stops it between pages and fails it."""
    setup_profile(sandbox, tmp_path)
    db, profile_id = _store(tmp_path)
    monkeypatch.setenv("SVYAZKA_RETAILCRM_API_KEY", sandbox.retailcrm.api_key)
    monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", sandbox.moysklad.token)
    engine = build_engine(db, profile_id, SecretStore(memory_only=True))
    engine.limits = RunLimits(run_seconds=1.0, grace_seconds=60.0)
    sandbox.set_latency(300)
    try:
        started = time.monotonic()
        report = engine.run()
        took = time.monotonic() - started
    finally:
        sandbox.set_latency(0)
        close_engine(engine)
    try:
        assert took < 15, took
        assert report.status == "failed" and not report.cancelled
        assert report.message.startswith("Синхронизация шла дольше 1 с")
        errors = [e.message for e in db.log(profile_id).query(level="error", run_id=report.run_id, limit=10)]
        assert any("шла дольше 1 с" in line for line in errors), errors
        assert not any("Остановлено пользователем" in e.message for e in db.log(profile_id).query(limit=50))
        run = db.runs(profile_id).get(report.run_id or 0)
        assert run is not None and run.status == "failed"
    finally:
        db.close()


def test_a_cli_run_stuck_in_a_trickle_exits_2_and_frees_the_profile(sandbox: Sandbox, tmp_path: Path) -> None:
    """The request deadline set far away (as if it failed): the watchdog alone ends the stuck run."""
    with HostileProxy(sandbox.moysklad_url) as proxy:
        done = _cli(tmp_path, sandbox, {}, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                    "--moysklad-url", proxy.url, "--auto")
        assert done.returncode == 0, done.stderr
        proxy.trickle("GET", "/entity/product", interval=0.5, limit=60.0)
        limits = {"SVYAZKA_REQUEST_TIMEOUT": "100", "SVYAZKA_RUN_TIMEOUT": "2", "SVYAZKA_RUN_STOP_GRACE": "2"}
        started = time.monotonic()
        stuck = _cli(tmp_path, sandbox, limits, "sync", "--json")
        took = time.monotonic() - started
    assert stuck.returncode == EXIT_FAILED, stuck.stderr
    assert took < 30, took  # startup + 2 s + 2 s, not the proxy's 60 s
    assert "Traceback" not in stuck.stderr
    assert "Синхронизация не остановилась за 2 с после предела в 2 с" in stuck.stderr
    assert json.loads(stuck.stdout.strip().splitlines()[-1])["ok"] is False
    db, profile_id = _store(tmp_path)
    try:
        run = db.runs(profile_id).recent(1)[0]
        assert run.status == "failed" and "не остановилась" in run.message
        errors = [e.message for e in db.log(profile_id).query(level="error", limit=20)]
        assert any("шла дольше 2 с" in line for line in errors), errors
        assert any("не остановилась" in line for line in errors), errors
        with RunLock(db, profile_id, "cli"):  # the process is gone, and the profile's lock with it
            pass
    finally:
        db.close()


def test_a_cli_run_meeting_a_trickle_ends_at_the_request_deadline(sandbox: Sandbox, tmp_path: Path) -> None:
    with HostileProxy(sandbox.moysklad_url) as proxy:
        done = _cli(tmp_path, sandbox, {}, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                    "--moysklad-url", proxy.url, "--auto")
        assert done.returncode == 0, done.stderr
        proxy.trickle("GET", "/entity/product", interval=0.5, limit=60.0)
        started = time.monotonic()
        ended = _cli(tmp_path, sandbox, {"SVYAZKA_REQUEST_TIMEOUT": "2"}, "sync")
        took = time.monotonic() - started
    assert took < 25, took  # startup and a 2 s deadline per request, not the proxy's 60 s
    assert ended.returncode in (EXIT_PROBLEMS, EXIT_FAILED), ended.stderr
    assert "МойСклад отвечает слишком медленно: ответ не пришёл целиком за 2 с" in ended.stdout
    assert "Traceback" not in ended.stderr
