"""The CLI writes UTF-8 into a file or a pipe under a locale that is not UTF-8 (issue 13, item 1).

On Windows a redirected stdout is cp1252/cp1251, where Russian text raised UnicodeEncodeError. Here the same
situation is made with a generated ISO-8859-1 locale: Python turns the plain C/POSIX locale into UTF-8 by
itself (PEP 538/540), so ``LC_ALL=C`` would prove nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCALE = "en_US.ISO-8859-1"


@pytest.fixture(scope="module")
def latin1_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An environment whose locale encoding is ISO-8859-1, with UTF-8 mode and PYTHONIOENCODING off."""
    if sys.platform == "win32":
        pytest.skip("localedef is POSIX; the Windows job runs the --json pipe test on the real code page")
    localedef = shutil.which("localedef")
    if localedef is None:
        pytest.skip("localedef is missing: cannot generate a non-UTF-8 locale")
    locales = tmp_path_factory.mktemp("locales")
    made = subprocess.run(
        [localedef, "-i", "en_US", "-f", "ISO-8859-1", str(locales / LOCALE)], capture_output=True, text=True
    )
    if made.returncode not in (0, 1) or not (locales / LOCALE).exists():  # 1: made, with warnings
        pytest.skip(f"localedef could not generate {LOCALE}: {made.stderr.strip()}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHONIOENCODING", "LC_"))}
    env.update(
        PYTHONUTF8="0",
        LOCPATH=str(locales),
        LC_ALL=LOCALE,
        LANG=LOCALE,
        SVYAZKA_DATA_DIR=str(tmp_path_factory.mktemp("data")),
    )
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.stdout.encoding)"], env=env, capture_output=True, text=True
    )
    if probe.stdout.strip().lower() not in ("iso8859-1", "iso-8859-1", "latin-1"):
        pytest.skip(f"the generated locale did not take effect (stdout encoding {probe.stdout.strip()!r})")
    return env


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
