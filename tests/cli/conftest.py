"""Fixtures every CLI test module shares: keys kept in memory, and the sandbox's keys in the environment.

Each module starts its own ``sandbox`` (sized for what it tests); ``keys`` takes that module's.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.sandbox.sandbox import Sandbox
from app.secrets import use_in_memory_keyring


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    """The in-memory keyring, installed explicitly (it never becomes the default: app/secrets.py)."""
    import keyring

    previous = keyring.get_keyring()
    use_in_memory_keyring()
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def keys(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVYAZKA_RETAILCRM_API_KEY", sandbox.retailcrm.api_key)
    monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", sandbox.moysklad.token)
