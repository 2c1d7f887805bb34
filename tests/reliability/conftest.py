"""Fixtures of the reliability tests: the clean reference sync that every scenario is compared with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from app.sandbox.sandbox import Sandbox
from tests.reliability.killing import CleanProfile
from tests.reliability.support import SHOP, final_state, no_duplicates, setup_profile, sync_once


@dataclass
class Reference:
    state: dict[str, Any]  # what a clean sync leaves behind (support.final_state)
    profile: CleanProfile  # how the clean sync went: requests, writes, log lines per flow, seconds


@pytest.fixture(scope="session")
def reliability_reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """A fresh sandbox of the tests' shop, set up and synced once by the CLI without any interruption."""
    data_dir = tmp_path_factory.mktemp("clean")
    with Sandbox(SHOP) as sandbox:
        setup_profile(sandbox, data_dir)
        first = len(sandbox.log)
        result = sync_once(sandbox, data_dir)
        assert result.report is not None and result.report["errors"] == 0, result.log[-20:]
        assert not no_duplicates(sandbox)
        profile = CleanProfile.of(sandbox.log.entries()[first:], result.log)
        return Reference(final_state(sandbox, data_dir), profile)
