"""The PyInstaller spec and the plain functions it is built from."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app import __version__

from .conftest import ROOT

SPEC = ROOT / "build_scripts" / "svyazka.spec"


def test_spec_compiles_as_python() -> None:
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")


def test_spec_declares_the_required_build_settings() -> None:
    text = SPEC.read_text(encoding="utf-8")
    assert "COLLECT(" in text and "BUNDLE(" in text
    assert re.search(r"console=False", text) and re.search(r"console=True", text)
    assert "upx=False" in text
    assert 'collect_submodules("keyring.backends")' in text and 'copy_metadata("keyring")' in text
    assert 'collect_submodules("win32ctypes")' in text
    assert "sqlalchemy.dialects.sqlite" in text
    assert 'app" / "__main__.py"' in text  # one entry script for both programs
    assert '"ui" / "__init__.py").is_file()' in text  # app.ui is collected only once it exists


def test_read_version_matches_the_package(spec_helpers) -> None:
    assert spec_helpers.read_version(ROOT) == __version__


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2.3.4", (1, 2, 3, 4)),
        ("2.0", (2, 0, 0, 0)),
        ("1.4.0rc2", (1, 4, 0, 0)),
        ("1.2.3.4.5", (1, 2, 3, 4)),
        ("70000.1", (65535, 1, 0, 0)),
        ("dev", (0, 0, 0, 0)),
    ],
)
def test_numeric_version(spec_helpers, version: str, expected: tuple[int, int, int, int]) -> None:
    assert spec_helpers.numeric_version(version) == expected


def test_windows_version_info_is_a_valid_pyinstaller_expression(spec_helpers) -> None:
    text = spec_helpers.windows_version_info("1.2.3rc1", exe_name="Svyazka", description="Svyazka app")
    tree = ast.parse(text, mode="eval")  # PyInstaller eval()s this file
    assert isinstance(tree.body, ast.Call) and tree.body.func.id == "VSVersionInfo"
    strings = {
        call.args[0].value: call.args[1].value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "StringStruct"
    }
    assert strings["FileVersion"] == "1.2.3rc1" and strings["ProductVersion"] == "1.2.3rc1"
    assert strings["OriginalFilename"] == "Svyazka.exe" and strings["ProductName"] == "Svyazka"
    assert "filevers=(1, 2, 3, 0)" in text and "prodvers=(1, 2, 3, 0)" in text


def test_package_datas_carry_icons_with_their_package_paths(spec_helpers) -> None:
    datas = spec_helpers.package_datas(ROOT)
    by_name = {Path(source).name: destination for source, destination in datas}
    assert Path(by_name["svyazka.png"]).as_posix() == "app/resources/icons"
    assert Path(by_name["svyazka.svg"]).as_posix() == "app/resources/icons"
    assert all(Path(source).suffix in spec_helpers.DATA_SUFFIXES for source, _ in datas)
    assert not any(source.endswith((".py", ".pyc", ".ico", ".icns")) for source, _ in datas)


def test_keep_data_file_drops_only_unused_qt_translations(spec_helpers) -> None:
    keep = spec_helpers.keep_data_file
    assert keep("PySide6/Qt/translations/qtbase_ru.qm")
    assert keep("PySide6\\translations\\qtbase_en.qm")  # Windows wheel layout
    assert not keep("PySide6/Qt/translations/qtbase_de.qm")
    assert not keep("PySide6\\translations\\qt_help_ja.qm")
    assert keep("app/resources/i18n/svyazka_de.qm")  # our own translations always stay
    assert keep("PySide6/Qt/plugins/platforms/libqxcb.so")


def test_qt_excludes_never_exclude_a_module_the_app_uses(spec_helpers, tmp_path: Path) -> None:
    (tmp_path / "app" / "ui").mkdir(parents=True)
    (tmp_path / "app" / "ui" / "chart.py").write_text("from PySide6.QtCharts import QChart\n", encoding="utf-8")
    excludes = spec_helpers.qt_excludes(tmp_path)
    assert "PySide6.QtCharts" not in excludes
    assert "PySide6.QtWebEngineCore" in excludes and "PySide6.QtQml" in excludes
    assert "PySide6.QtWidgets" not in excludes and "PySide6.QtGui" not in excludes


def test_real_excludes_keep_what_the_gui_needs(spec_helpers) -> None:
    excludes = set(spec_helpers.qt_excludes(ROOT)) | set(spec_helpers.OTHER_EXCLUDES)
    for needed in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg", "sqlalchemy", "keyring"):
        assert needed not in excludes
    assert {"tkinter", "test", "PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtMultimedia"} <= excludes
    assert "PySide6.QtNetwork" in excludes  # HTTP is httpx; the single-instance guard is QtCore only (~3 MB saved)


def test_prune_binaries_drops_qtnetworks_tls_and_network_status_plugins(spec_helpers) -> None:
    binaries = [
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "/src/libqopensslbackend.so", "BINARY"),
        ("PySide6\\plugins\\tls\\qschannelbackend.dll", "C:\\qschannelbackend.dll", "BINARY"),
        ("PySide6/Qt/plugins/networkinformation/libqnetworkmanager.so", "/src/libqnm.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6Network.so.6", "/src/libQt6Network.so.6", "BINARY"),
    ]
    kept, removed = spec_helpers.prune_binaries(binaries)
    assert [name for name, _, _ in kept] == ["PySide6/Qt/lib/libQt6Network.so.6"]
    assert removed == ["libqnetworkmanager.so", "libqopensslbackend.so", "qschannelbackend.dll"]


def test_prune_binaries_drops_unused_plugins_and_libraries_only_they_need(spec_helpers) -> None:
    binaries = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/src/libqoffscreen.so", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", "/src/libqeglfs.so", "BINARY"),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", "/src/libqtiff.so", "BINARY"),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", "/src/libqsvg.so", "BINARY"),
        ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),
        ("libharfbuzz.so.0", "/usr/lib/libharfbuzz.so.0", "BINARY"),
        ("libfreetype.so.6", "/usr/lib/libfreetype.so.6", "BINARY"),
    ]
    imports = {
        "/src/libqxcb.so": ["libX11.so.6", "libfreetype.so.6"],
        "/usr/lib/libfreetype.so.6": ["libharfbuzz.so.0"],  # a distro whose freetype links harfbuzz
    }
    kept, removed = spec_helpers.prune_binaries(binaries, lambda source: imports.get(source, []))
    kept_names = [Path(name).name for name, _, _ in kept]
    assert kept_names == ["libqxcb.so", "libqoffscreen.so", "libqsvg.so", "libharfbuzz.so.0", "libfreetype.so.6"]
    assert removed == ["libcairo.so.2", "libqeglfs.so", "libqgtk3.so", "libqtiff.so"]


def test_prune_binaries_matches_windows_plugin_names_without_library_pruning(spec_helpers) -> None:
    binaries = [
        ("PySide6\\plugins\\imageformats\\qwebp.dll", "C:\\qwebp.dll", "BINARY"),
        ("PySide6\\plugins\\imageformats\\qjpeg.dll", "C:\\qjpeg.dll", "BINARY"),
        ("PySide6\\plugins\\generic\\qtuiotouchplugin.dll", "C:\\qtuio.dll", "BINARY"),
        ("libcairo-2.dll", "C:\\libcairo-2.dll", "BINARY"),
    ]
    kept, removed = spec_helpers.prune_binaries(binaries)
    assert [name for name, _, _ in kept] == ["PySide6\\plugins\\imageformats\\qjpeg.dll", "libcairo-2.dll"]
    assert removed == ["qtuiotouchplugin.dll", "qwebp.dll"]


def test_info_plist_has_the_bundle_settings(spec_helpers) -> None:
    plist = spec_helpers.info_plist("1.2.3")
    assert plist["NSHighResolutionCapable"] is True
    assert plist["CFBundleShortVersionString"] == "1.2.3"
    assert spec_helpers.BUNDLE_ID == "ru.svyazka.app"


def test_the_mac_app_is_not_background_only(spec_helpers) -> None:
    """The bundle's COLLECT holds the console CLI too, so PyInstaller would mark the app LSBackgroundOnly (no
    Dock icon, no menu): the spec must say False, through the info_plist BUNDLE actually gets."""
    assert spec_helpers.info_plist("1.2.3")["LSBackgroundOnly"] is False
    spec = (Path(__file__).resolve().parents[2] / "build_scripts" / "svyazka.spec").read_text(encoding="utf-8")
    bundle = spec[spec.index("BUNDLE("):]
    assert "info_plist=helpers.info_plist(" in bundle[: bundle.index("\n    )")]


def test_folder_size_counts_files_and_not_symlink_targets(spec_helpers, tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.bin").write_bytes(b"x" * 1000)
    (tmp_path / "sub" / "b.bin").write_bytes(b"y" * 500)
    try:
        (tmp_path / "link").symlink_to(tmp_path / "a.bin")
    except OSError:
        pytest.skip("symlinks are not available here")
    size = spec_helpers.folder_size_bytes(tmp_path)
    assert 1500 <= size < 1500 + 1000  # the link itself is tiny, not another 1000 bytes


def test_both_executables_run_in_utf8_mode() -> None:
    """A frozen app ignores PYTHONIOENCODING/PYTHONUTF8: UTF-8 output to pipes and files on Windows comes only
    from the interpreter option in the spec, given to the GUI and the CLI executable alike."""
    spec = (Path(__file__).resolve().parents[2] / "build_scripts" / "svyazka.spec").read_text(encoding="utf-8")
    assert 'python_options = [("X utf8", None, "OPTION")]' in spec
    for name in ("gui_exe = EXE(", "cli_exe = EXE("):
        call = spec[spec.index(name):]
        assert call.split("\n")[3].strip() == "python_options,", call[:120]
