"""The macOS and Linux helper scripts: valid bash, shellcheck-clean where available, and safe without secrets."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT

SCRIPTS = sorted([*(ROOT / "installer" / "macos").glob("*.sh"), *(ROOT / "build_scripts").glob("*.sh")])
BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def _env_without(*names: str) -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in names}


def test_the_expected_scripts_exist() -> None:
    names = {path.name for path in SCRIPTS}
    assert {"build_dmg.sh", "sign_and_notarize.sh", "linux_build_deps.sh"} <= names


@needs_bash
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_bash_syntax(script) -> None:
    result = subprocess.run([BASH, "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_shellcheck(script) -> None:
    result = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@needs_bash
@pytest.mark.parametrize("mode", ["--app", "--dmg"])
def test_signing_is_skipped_cleanly_without_an_identity(mode: str, tmp_path) -> None:
    script = ROOT / "installer" / "macos" / "sign_and_notarize.sh"
    result = subprocess.run(
        [BASH, str(script), mode, str(tmp_path / "Svyazka.app")],
        capture_output=True,
        text=True,
        env=_env_without("MACOS_SIGN_IDENTITY"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("skipped: no signing identity")


@needs_bash
def test_signing_rejects_a_wrong_invocation() -> None:
    script = ROOT / "installer" / "macos" / "sign_and_notarize.sh"
    result = subprocess.run([BASH, str(script), "--sideways", "x"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage:" in result.stderr


@needs_bash
@pytest.mark.skipif(sys.platform == "darwin", reason="on macOS the script really builds a dmg")
def test_dmg_script_explains_it_needs_macos() -> None:
    result = subprocess.run([BASH, str(ROOT / "installer" / "macos" / "build_dmg.sh")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "DMG FAILED: disk images can only be built on macOS" in result.stderr


def test_dmg_script_uses_create_dmg_with_a_hdiutil_fallback() -> None:
    text = (ROOT / "installer" / "macos" / "build_dmg.sh").read_text(encoding="utf-8")
    for option in ("--volname", "--volicon", "--window-size", "--icon ", "--hide-extension", "--app-drop-link"):
        assert option in text
    assert "hdiutil create" in text and "-format UDZO" in text and "-srcfolder" in text


def test_signing_script_uses_hardened_runtime_and_notarization() -> None:
    text = (ROOT / "installer" / "macos" / "sign_and_notarize.sh").read_text(encoding="utf-8")
    assert "--options runtime --timestamp" in text
    assert '--entitlements "$ENTITLEMENTS"' in text
    assert "xcrun notarytool submit" in text and "--wait" in text
    assert "xcrun stapler staple" in text


def test_entitlements_are_a_valid_plist() -> None:
    with (ROOT / "installer" / "macos" / "entitlements.plist").open("rb") as handle:
        entitlements = plistlib.load(handle)
    assert entitlements["com.apple.security.cs.allow-unsigned-executable-memory"] is True
    assert "com.apple.security.app-sandbox" not in entitlements
