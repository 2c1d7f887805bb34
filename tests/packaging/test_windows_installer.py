"""The Inno Setup script, checked as text (it can only be compiled on Windows)."""

from __future__ import annotations

import re
import uuid

import pytest

from .conftest import ROOT

INSTALLER_DIR = ROOT / "installer" / "windows"
ISS = INSTALLER_DIR / "svyazka.iss"


@pytest.fixture(scope="module")
def iss() -> str:
    return ISS.read_text(encoding="utf-8-sig")


def test_saved_as_utf8_with_bom_for_the_russian_text() -> None:
    data = ISS.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Удалить также данные" in data.decode("utf-8-sig")


def _section(text: str, name: str) -> str:
    match = re.search(rf"^\[{re.escape(name)}\]\s*$(.*?)(?=^\[[A-Za-z]+\]\s*$|\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"no [{name}] section"
    return match.group(1)


def _directive(text: str, name: str) -> str:
    match = re.search(rf"^{name}=(.*)$", _section(text, "Setup"), re.MULTILINE)
    assert match, f"no {name}= in [Setup]"
    return match.group(1).strip()


def test_app_id_is_a_fixed_guid(iss: str) -> None:
    app_id = _directive(iss, "AppId")
    match = re.fullmatch(r"\{\{([0-9A-Fa-f-]{36})\}", app_id)
    assert match, f"AppId must be a literal {{{{GUID}} (never a preprocessor value), got {app_id}"
    assert uuid.UUID(match.group(1)).version == 4


def test_installs_per_user_without_admin_and_offers_all_users(iss: str) -> None:
    assert _directive(iss, "PrivilegesRequired") == "lowest"
    assert _directive(iss, "PrivilegesRequiredOverridesAllowed") == "dialog"
    assert _directive(iss, "DefaultDirName").startswith("{autopf}\\")
    assert _directive(iss, "ArchitecturesInstallIn64BitMode") == "x64compatible"


def test_version_comes_from_a_define(iss: str) -> None:
    assert _directive(iss, "AppVersion") == "{#AppVersion}"
    assert re.search(r"^#ifndef AppVersion\s*\n\s*#error", iss, re.MULTILINE)
    assert "{#AppVersion}" in _directive(iss, "OutputBaseFilename")
    script = (INSTALLER_DIR / "build_installer.ps1").read_text(encoding="utf-8")
    assert '"/DAppVersion=$Version"' in script and "svyazka.iss" in script


def test_russian_first_then_english(iss: str) -> None:
    languages = re.findall(r'^Name:\s*"(\w+)";\s*MessagesFile:\s*"([^"]+)"', _section(iss, "Languages"), re.MULTILINE)
    assert languages == [("russian", "compiler:Languages\\Russian.isl"), ("english", "compiler:Default.isl")]
    for message in ("RemoveUserDataPrompt", "RemoveUserDataFailed"):
        assert f"russian.{message}=" in iss and f"english.{message}=" in iss


def test_start_menu_entry_and_optional_desktop_shortcut(iss: str) -> None:
    icons = _section(iss, "Icons")
    assert '"{autoprograms}\\{#AppName}"' in icons
    assert re.search(r'"\{autodesktop\}\\\{#AppName\}".*Tasks:\s*desktopicon', icons)
    assert re.search(r'^Name:\s*"desktopicon".*Flags:\s*unchecked', _section(iss, "Tasks"), re.MULTILINE)


def test_ships_the_folder_build_py_makes(iss: str, spec_helpers) -> None:
    assert f'#define BuildDir "..\\..\\dist\\{spec_helpers.APP_NAME}"' in iss
    assert f'#define AppExeName "{spec_helpers.GUI_EXE_NAME}.exe"' in iss
    assert re.search(r'^Source:\s*"\{#BuildDir\}\\\*".*recursesubdirs', _section(iss, "Files"), re.MULTILINE)
    icon = _directive(iss, "SetupIconFile").replace("\\", "/")
    assert (INSTALLER_DIR / icon).resolve().is_file()


def test_upgrade_only_replaces_the_program_folder(iss: str) -> None:
    install_delete = _section(iss, "InstallDelete")
    targets = re.findall(r'Name:\s*"([^"]+)"', install_delete)
    assert targets and all(target.startswith("{app}\\") for target in targets)
    assert "[UninstallDelete]" not in iss  # nothing outside {app} is removed unconditionally


def test_uninstall_keeps_user_data_unless_the_user_says_yes(iss: str) -> None:
    code = _section(iss, "Code")
    assert code.count("DelTree(") == 1
    guard = code[: code.index("DelTree(")]
    # Asked only after the program files are gone, never in silent mode, default button "No".
    assert "usPostUninstall" in guard and "UninstallSilent" in guard
    assert re.search(r"MsgBox\(.*RemoveUserDataPrompt.*MB_YESNO or MB_DEFBUTTON2\)\s*=\s*IDYES", guard, re.DOTALL)
    assert "ExpandConstant('{localappdata}\\{#UserDataFolder}')" in code


def test_user_data_folder_is_the_one_the_app_uses(iss: str) -> None:
    from app import paths

    # platformdirs on Windows: %LOCALAPPDATA%\<appauthor>\<appname>; the installer removes the author folder.
    folder = re.search(r'^#define UserDataFolder "([^"]+)"', iss, re.MULTILINE)
    assert folder and folder.group(1) == paths.APP_AUTHOR
