"""``svyazka --self-check``: in-process and as a real command, passing and failing."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__, selfcheck

from .conftest import ROOT

CHECK_NAMES = ("App", "Python", "Qt", "SQLite", "Keyring", "Resources", "Sandbox")


def _run_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = dict(os.environ)
    full_env.pop(selfcheck.GUI_CHECK_ENV, None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def _status_by_check(output: str) -> dict[str, str]:
    statuses = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("ok", "FAIL"):
            name = "Qt widgets" if parts[1:3] == ["Qt", "widgets"] else parts[1]
            statuses[name] = parts[0]
    return statuses


def test_passes_in_process_with_one_line_per_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(selfcheck.GUI_CHECK_ENV, raising=False)
    out = io.StringIO()
    assert selfcheck.run_self_check(out) == 0
    text = out.getvalue()
    assert _status_by_check(text) == dict.fromkeys(CHECK_NAMES, "ok")
    assert f"Svyazka {__version__}" in text
    assert text.rstrip().splitlines()[-1].startswith("Self-check passed in ")


def test_passes_as_python_m_app() -> None:
    result = _run_command("--self-check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _status_by_check(result.stdout) == dict.fromkeys(CHECK_NAMES, "ok")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("backend", "expected"),
    [
        ("keyring.backends.fail.Keyring", "none available ("),
        ("keyring.backends.null.Keyring", "none available (the 'null' backend is selected"),
    ],
)
def test_no_keyring_is_reported_not_failed_on_linux_and_fails_on_windows_and_macos(backend: str, expected: str) -> None:
    result = _run_command("--self-check", env={"PYTHON_KEYRING_BACKEND": backend})
    keyring_line = next(line for line in result.stdout.splitlines() if "Keyring" in line)
    if sys.platform in ("win32", "darwin"):  # the OS keychain is always there: its backend missing is a bug
        assert result.returncode == 1, result.stdout + result.stderr
        assert keyring_line.split()[0] == "FAIL" and "packaging error" in keyring_line
        return
    assert result.returncode == 0, result.stdout + result.stderr
    assert keyring_line.split()[0] == "ok" and expected in keyring_line


@pytest.mark.parametrize(
    ("platform_name", "backend_module", "acceptable"),
    [
        ("win32", "keyring.backends.fail", False),
        ("win32", "keyring.backends.null", False),
        ("win32", "keyring.backends.Windows", True),
        ("darwin", "keyring.backends.fail", False),
        ("darwin", "keyring.backends.null", False),
        ("darwin", "keyring.backends.macOS", True),
        ("linux", "keyring.backends.fail", True),  # a server without Secret Service: keys kept in memory
        ("linux", "keyring.backends.null", True),
        ("linux", "keyring.backends.SecretService", True),
        ("linux", "keyring.backends.chainer", True),
    ],
)
def test_the_keyring_rule_by_platform_and_backend(platform_name: str, backend_module: str, acceptable: bool) -> None:
    assert selfcheck.keyring_backend_acceptable(platform_name, backend_module) is acceptable


@pytest.mark.parametrize("platform_name", ["win32", "darwin"])
def test_a_bundle_without_its_keychain_backend_fails_on_windows_and_macos(
    platform_name: str,
) -> None:
    """The whole check, as the Windows/macOS job runs it, with the fail backend chosen."""
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(selfcheck.CheckFailed, match="packaging error"):
            selfcheck.check_keyring(platform_name)
    finally:
        keyring.set_keyring(previous)


def test_a_failing_check_gives_a_clear_line_and_a_nonzero_exit(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    out = io.StringIO()
    assert selfcheck.run_self_check(out, workdir=blocker / "inside") == 1
    lines = out.getvalue().rstrip().splitlines()
    assert _status_by_check(out.getvalue())["SQLite"] == "FAIL"
    assert lines[-1].startswith(f"Self-check FAILED (1 of {len(CHECK_NAMES)}): SQLite: could not create a temporary")
    assert "Traceback" not in out.getvalue()


def test_unexpected_errors_become_failed_checks() -> None:
    def broken() -> selfcheck.CheckResult:
        raise KeyError("surprise")

    results = selfcheck.run_checks([("Broken", broken), ("App", selfcheck.check_app)])
    assert [(result.name, result.ok) for result in results] == [("Broken", False), ("App", True)]
    assert results[0].detail == "unexpected error (KeyError: 'surprise')."


def test_survives_a_missing_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    # A windowed Windows executable has sys.stdout = None; the exit code must still be right.
    monkeypatch.delenv(selfcheck.GUI_CHECK_ENV, raising=False)
    monkeypatch.setattr(sys, "stdout", None)
    assert selfcheck.run_self_check() == 0


def test_survives_a_legacy_code_page() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
    selfcheck._write(stream, "Связка — ok")
    assert raw.getvalue() == b"?????? ? ok\n"


@pytest.mark.gui
def test_gui_toolkit_check_when_asked() -> None:
    result = _run_command("--self-check", env={selfcheck.GUI_CHECK_ENV: "1", "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert _status_by_check(result.stdout)["Qt widgets"] == "ok"
    assert "platform 'offscreen'" in result.stdout
    assert "Russian translations loaded" in result.stdout
