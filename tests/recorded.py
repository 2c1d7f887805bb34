"""Answers recorded from real RetailCRM accounts (``shared/retailcrm-fixtures``, see its README).

The folder lives next to the checkout (``<parent of the repo>/shared/retailcrm-fixtures``), not in it; tests
that need it are skipped, saying why, where it is absent (a clean clone on its own).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path("shared") / "retailcrm-fixtures"


@cache
def fixtures_dir() -> Path | None:
    """The first ``shared/retailcrm-fixtures`` found walking up from this file, or None."""
    for folder in Path(__file__).resolve().parents:
        candidate = folder / FIXTURES
        if (candidate / "README.md").is_file():
            return candidate
    return None


def recorded_file(name: str) -> dict[str, Any]:
    """The whole record (``source``, ``endpoint``, ``method``, ``response``) of e.g. ``Orders/testGet.json``."""
    folder = fixtures_dir()
    if folder is None:
        pytest.skip(f"no {FIXTURES} above {Path(__file__).resolve().parent}: the recorded RetailCRM answers "
                    "are kept beside the checkout, not in it")
    path = folder / name
    if not path.is_file():
        pytest.skip(f"recorded answer {name} is not in {folder}")
    return json.loads(path.read_text(encoding="utf-8"))


def recorded(name: str) -> dict[str, Any]:
    """The recorded answer body of e.g. ``References/testSites.json``."""
    response = recorded_file(name)["response"]
    assert isinstance(response, dict)
    return response
