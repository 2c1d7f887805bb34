"""Fixtures for the desktop app's tests: offscreen Qt, real emulators, a temp store, an in-memory keyring.

Nothing here touches the real user folders or the OS keyring. Every test ends by waiting for the
background threads it started, so no thread outlives its widgets.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest

from app import redact
from app.clients.moysklad import MoySkladClient
from app.clients.retailcrm import RetailCrmClient
from app.os_integration.command import OsEnv
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.secrets import (
    ENV_MOYSKLAD_TOKEN,
    ENV_RETAILCRM_KEY,
    MOYSKLAD_TOKEN_ACCOUNT,
    InMemoryKeyring,
    SecretStore,
    forget_session_secrets,
)
from app.store import Database
from app.sync.accounts import check_moysklad, check_retailcrm, suggest_settings
from app.ui.context import SETUP_DONE_KEY, AppContext
from app.ui.i18n import install_translators, remove_translators
from app.ui.qtcompat import install_signal_emit_fix
from app.ui.worker import wait_for_jobs

# what app/ui/main.py does first: the windows under test emit thousands of signals (app/ui/qtcompat.py)
install_signal_emit_fix()

SMALL_SHOP = SandboxOptions(products=60, orders=20, stores=2, rate_limit=False)


@pytest.fixture(scope="session", autouse=True)
def _english(qapp) -> Iterator[None]:
    """The tests read the English UI (the source language, with its plural forms), as ``--lang en`` shows it."""
    install_translators(qapp, "en")
    yield
    remove_translators(qapp)
    # A window the tests closed may still hold a timer (the main window looks for runs made outside it): let
    # nothing start after the last test, and let every background thread end before Python does, as the app
    # itself does at quit (a QThread destroyed while running aborts the process).
    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    qapp.processEvents()
    assert wait_for_jobs(60_000), "a background thread did not finish"
    qapp.processEvents()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemoryKeyring]:
    monkeypatch.delenv(ENV_RETAILCRM_KEY, raising=False)
    monkeypatch.delenv(ENV_MOYSKLAD_TOKEN, raising=False)
    previous = keyring.get_keyring()
    backend = InMemoryKeyring()
    keyring.set_keyring(backend)
    redact.clear_secrets()
    forget_session_secrets()
    yield backend
    assert wait_for_jobs(60_000), "a background thread did not finish"
    keyring.set_keyring(previous)
    redact.clear_secrets()
    forget_session_secrets()


@pytest.fixture
def memory_keyring(_isolated: InMemoryKeyring) -> InMemoryKeyring:
    return _isolated


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SMALL_SHOP) as sb:
        yield sb


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "svyazka.sqlite3")
    yield database
    wait_for_jobs(60_000)
    database.close()


def configure_profile(db: Database, sandbox: Sandbox, *, name: str = "Test shop") -> int:
    """A finished setup against the sandbox, as the wizard would save it (suggested settings)."""
    return configure_profile_for(
        db, sandbox.retailcrm_url, sandbox.retailcrm.api_key, sandbox.moysklad_url, sandbox.moysklad.token, name=name
    )


def configure_profile_for(db: Database, rc_url: str, rc_key: str, ms_url: str, token: str, *, name: str) -> int:
    profile = db.profiles.create(name, rc_url, ms_url, MOYSKLAD_TOKEN_ACCOUNT)
    secrets = SecretStore()
    secrets.set_retailcrm_key(rc_url, rc_key)
    secrets.set_moysklad_token(MOYSKLAD_TOKEN_ACCOUNT, token)
    with RetailCrmClient(rc_url, rc_key) as rc, MoySkladClient(token, base_url=ms_url) as ms:
        suggestion = suggest_settings(check_retailcrm(rc), check_moysklad(ms))
    db.settings(profile.id).save_sync(suggestion.settings)
    db.settings(profile.id).set(SETUP_DONE_KEY, True)
    return profile.id


@pytest.fixture
def context(db: Database, sandbox: Sandbox, tmp_path: Path) -> AppContext:
    profile_id = configure_profile(db, sandbox)
    return AppContext(db=db, data_dir=tmp_path, secrets=SecretStore(), profile_id=profile_id,
                      os_env=isolated_os_env(tmp_path))


def isolated_os_env(tmp_path: Path) -> OsEnv:
    """The Schedule tab reads the login start and the OS schedule: from temporary folders and keys of the tests'
    own, never the real user's (the tools themselves are only asked, read-only, when it shows the state)."""
    return OsEnv(home=tmp_path / "home", config_home=tmp_path / "xdg", run_key=r"Software\SvyazkaTests\Run",
                 task_folder="\\SvyazkaTests\\")


def wait_for_run(qtbot, controller, start, timeout: int = 60_000):
    """Call ``start()`` and wait for the controller's run to end; a failed run fails the test with its message."""
    outcome: list[tuple[str, object]] = []
    on_finished = lambda report: outcome.append(("finished", report))  # noqa: E731
    on_failed = lambda message: outcome.append(("failed", message))  # noqa: E731
    controller.finished.connect(on_finished)
    controller.failed.connect(on_failed)
    try:
        start()
        qtbot.waitUntil(lambda: bool(outcome), timeout=timeout)
    finally:
        controller.finished.disconnect(on_finished)
        controller.failed.disconnect(on_failed)
    kind, value = outcome[0]
    assert kind == "finished", f"the run failed: {value}"
    return value
