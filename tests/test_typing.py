"""mypy stays clean on app/ (issue 14): run as part of the default suite, so the README's test command checks it.

Skipped where mypy is not installed (it is in the ``dev`` extras). mypy keeps its incremental cache in
``.mypy_cache/`` (git-ignored): about 10 s once warm, under a minute on a fresh clone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_is_clean_on_app() -> None:
    pytest.importorskip("mypy")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "app"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
