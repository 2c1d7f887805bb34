"""Alerts tests: a local STARTTLS SMTP server and a fake Telegram Bot API on 127.0.0.1, the in-memory keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from app.secrets import SecretStore, use_in_memory_keyring
from app.store import Database, Profile

from .servers import FakeTelegram, SmtpServer


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    use_in_memory_keyring()
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[SmtpServer]:
    with SmtpServer(tmp_path) as server:
        yield server


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def trust_smtp(smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the app's own TLS context (app/clients/tls.py) trust the test server, the way the OS store would:
    truststore reads SSL_CERT_FILE on Linux (ssl.get_default_verify_paths)."""
    from app.clients.tls import client_context

    monkeypatch.setenv("SSL_CERT_FILE", str(smtp.cert))
    client_context.cache_clear()
    yield
    client_context.cache_clear()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "svyazka.sqlite3")
    yield database
    database.close()


@pytest.fixture
def profile(db: Database) -> Profile:
    return db.profiles.create("Магазин", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2",
                              "token")


@pytest.fixture
def secrets() -> SecretStore:
    return SecretStore()
