"""Fixtures for the runner's tests: a small sandbox shop and a store with a finished profile for it (no Qt)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.clients.moysklad import MoySkladClient
from app.clients.retailcrm import RetailCrmClient
from app.runner import RunRequest
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.secrets import MOYSKLAD_TOKEN_ACCOUNT
from app.store import Database
from app.sync.accounts import check_moysklad, check_retailcrm, suggest_settings
from app.techlog import close_file_logging

SMALL_SHOP = SandboxOptions(products=40, orders=15, stores=2, rate_limit=False)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SMALL_SHOP) as sb:
        yield sb


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "svyazka.sqlite3")
    yield database
    database.close()
    close_file_logging()


@pytest.fixture
def profile_id(db: Database, sandbox: Sandbox) -> int:
    """A finished setup against the sandbox with the settings the wizard suggests (keys are not saved)."""
    profile = db.profiles.create("Test shop", sandbox.retailcrm_url, sandbox.moysklad_url, MOYSKLAD_TOKEN_ACCOUNT)
    with RetailCrmClient(sandbox.retailcrm_url, sandbox.retailcrm.api_key) as rc, \
            MoySkladClient(sandbox.moysklad.token, base_url=sandbox.moysklad_url) as ms:
        suggestion = suggest_settings(check_retailcrm(rc), check_moysklad(ms))
    db.settings(profile.id).save_sync(suggestion.settings)
    return profile.id


@pytest.fixture
def request_for(db: Database, sandbox: Sandbox, profile_id: int, tmp_path: Path) -> RunRequest:
    """A run of the profile with the sandbox's keys, as the window hands it to the runner."""
    return RunRequest(
        db_path=str(db.path),
        profile_id=profile_id,
        retailcrm_url=sandbox.retailcrm_url,
        retailcrm_key=sandbox.retailcrm.api_key,
        moysklad_url=sandbox.moysklad_url,
        moysklad_account=MOYSKLAD_TOKEN_ACCOUNT,
        moysklad_token=sandbox.moysklad.token,
        data_dir=str(tmp_path),
    )
