"""Fixtures for the store, secrets, redaction and paths tests. Nothing here touches the real user dirs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app import redact
from app.secrets import ENV_MOYSKLAD_TOKEN, ENV_RETAILCRM_KEY, InMemoryKeyring, forget_session_secrets
from app.store import Database, Profile


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "svyazka.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database.open(db_path)
    yield database
    database.close()


@pytest.fixture
def profile(db: Database) -> Profile:
    return db.profiles.create(
        "Demo shop", "https://demo.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "admin@demo"
    )


@pytest.fixture(autouse=True)
def _isolated_secrets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts without env secrets, session secrets or registered secrets, and gets the
    process-wide keyring backend restored afterwards, whatever it installed."""
    monkeypatch.delenv(ENV_RETAILCRM_KEY, raising=False)
    monkeypatch.delenv(ENV_MOYSKLAD_TOKEN, raising=False)
    previous = keyring.get_keyring()
    redact.clear_secrets()
    forget_session_secrets()
    yield
    keyring.set_keyring(previous)
    redact.clear_secrets()
    forget_session_secrets()


@pytest.fixture
def memory_keyring() -> InMemoryKeyring:
    backend = InMemoryKeyring()
    keyring.set_keyring(backend)
    return backend
