"""resource_path() finds the app's files from a checkout and from a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app import resources


def test_finds_the_icons_in_the_package() -> None:
    icon = resources.resource_path("icons", "svyazka.png")
    assert icon.is_file()
    assert icon.read_bytes().startswith(b"\x89PNG")
    assert resources.app_icon_path() == icon
    assert resources.resource_path(*resources.APP_ICON_SVG).is_file()
    assert icon.parent.parent == Path(resources.__file__).resolve().parent / "resources"


def test_translations_dir_is_inside_the_resources(tmp_path: Path) -> None:
    assert resources.translations_dir() == resources.resources_root() / "i18n"


def test_uses_the_bundle_folder_when_frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bundled = tmp_path / "app" / "resources" / "icons"
    bundled.mkdir(parents=True)
    (bundled / "svyazka.png").write_bytes(b"\x89PNG bundled")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.app_icon_path() == bundled / "svyazka.png"
    assert resources.app_icon_path().read_bytes() == b"\x89PNG bundled"


def test_meipass_alone_does_not_count_as_frozen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_root() == Path(resources.__file__).resolve().parent / "resources"


@pytest.mark.parametrize("parts", [("..", "secrets.py"), ("icons", "../../x"), ("/etc/passwd",), ("",)])
def test_rejects_names_that_leave_the_folder(parts: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        resources.resource_path(*parts)
