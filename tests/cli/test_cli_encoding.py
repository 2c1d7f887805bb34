"""The CLI writes UTF-8 into a file or a pipe under a locale that is not UTF-8 (issue 13, item 1).

On Windows a redirected stdout is cp1252/cp1251, where Russian text raised UnicodeEncodeError. Here the same
situation is made with a generated ISO-8859-1 locale: Python turns the plain C/POSIX locale into UTF-8 by
itself (PEP 538/540), so ``LC_ALL=C`` would prove nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.locales import latin1_environment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def latin1_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose locale encoding is ISO-8859-1, with UTF-8 mode and PYTHONIOENCODING off."""
    env, why = latin1_environment(tmp_path_factory.mktemp("locales"))
    if env is None:
        pytest.skip(why)
    return dict(env, SVYAZKA_DATA_DIR=str(tmp_path_factory.mktemp("data")))


def test_json_into_a_file_is_utf8_under_a_latin1_locale(latin1_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    with out.open("wb") as file:
        done = subprocess.run(
            [sys.executable, "-m", "app", "--demo", "status", "--json"],
            cwd=ROOT,
            env=latin1_env,
            stdout=file,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    data = json.loads(out.read_bytes().decode("utf-8"))
    assert data["profile"] == "Демо-магазин"


def test_errors_on_stderr_are_utf8_under_a_latin1_locale(latin1_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(latin1_env, SVYAZKA_DATA_DIR=str(tmp_path))  # empty: no profile yet
    done = subprocess.run([sys.executable, "-m", "app", "status"], cwd=ROOT, env=env, capture_output=True, timeout=60)
    assert done.returncode == 2
    assert "не настроен" in done.stderr.decode("utf-8")
