"""build_scripts/check_mac_bundle.py: what the macOS test job checks in the built bundle and disk image."""

from __future__ import annotations

import importlib.util
import plistlib
from pathlib import Path

from .conftest import ROOT


def _checker():
    spec = importlib.util.spec_from_file_location("check_mac_bundle", ROOT / "build_scripts" / "check_mac_bundle.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bundle(dist: Path, **info: object) -> None:
    contents = dist / "Svyazka.app" / "Contents"
    contents.mkdir(parents=True)
    (contents / "Info.plist").write_bytes(plistlib.dumps(info))


def test_a_background_only_bundle_fails_and_ours_passes(tmp_path: Path, capsys) -> None:
    checker = _checker()
    good = tmp_path / "good"
    _bundle(good, LSBackgroundOnly=False, CFBundleIdentifier="ru.svyazka.app", CFBundleShortVersionString="1.0")
    (good / "Svyazka-1.0-macos-arm64.dmg").write_bytes(b"dmg")
    assert checker.main(["--dist", str(good)]) == 0

    bad = tmp_path / "bad"  # what PyInstaller writes from the console CLI in the same bundle, and no dmg
    _bundle(bad, LSBackgroundOnly=True, CFBundleIdentifier="ru.svyazka.app", CFBundleShortVersionString="1.0")
    assert checker.main(["--dist", str(bad)]) == 1
    said = capsys.readouterr().out
    assert "LSBackgroundOnly is True" in said and "no .dmg" in said


def test_our_plist_settings_pass_the_check() -> None:
    checker = _checker()
    info = {**checker.spec_helpers.info_plist("1.2.3"), "CFBundleIdentifier": checker.spec_helpers.BUNDLE_ID}
    assert checker.problems(info, [Path("x.dmg")]) == []
