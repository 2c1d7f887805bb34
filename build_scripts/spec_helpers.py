"""Plain functions the PyInstaller spec uses, kept here so they can be unit-tested without running PyInstaller.

Nothing in this module imports the app or PyInstaller: the spec and ``build.py`` both use it, and the
tests import it directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

APP_NAME = "Svyazka"
GUI_EXE_NAME = "Svyazka"  # the windowed program users start
CLI_EXE_NAME = "svyazka-cli"  # the console program for scripts, support and the smoke test
BUNDLE_ID = "ru.svyazka.app"
PUBLISHER = "Svyazka"

# Files under app/ that are data, not code. Mirrors [tool.setuptools.package-data] in pyproject, so the
# frozen app carries the same files a wheel does. .ico/.icns are left out: only the exe/bundle use them.
DATA_SUFFIXES = frozenset({".json", ".qm", ".png", ".svg"})

# Qt modules the app never uses. PyInstaller only bundles what is imported, so these excludes are a guard
# against an accidental or transitive import pulling in tens of megabytes (QtQuick/QML alone is ~40 MB).
# A module that the app's own sources do import is *not* excluded (see ``qt_excludes``).
UNUSED_QT_MODULES = (
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtBluetooth",
    "QtCharts",
    "QtDataVisualization",
    "QtDesigner",
    "QtGraphs",
    "QtGraphsWidgets",
    "QtHelp",
    "QtHttpServer",
    "QtLocation",
    "QtMultimedia",
    "QtMultimediaWidgets",
    "QtNetwork",  # PyInstaller's PySide6 hook lists it, but the app's HTTP is httpx (and SSL is Python's)
    "QtNetworkAuth",
    "QtNfc",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtQml",
    "QtQuick",
    "QtQuick3D",
    "QtQuickControls2",
    "QtQuickTest",
    "QtQuickWidgets",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtStateMachine",
    "QtTest",
    "QtTextToSpeech",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
)

# Never part of the running app: GUI toolkits we don't use, the stdlib's own test suite, dev tools.
OTHER_EXCLUDES = (
    "tkinter",
    "_tkinter",
    "turtle",
    "turtledemo",
    "idlelib",
    "lib2to3",
    "ensurepip",
    "test",
    "pydoc_data",
    "pytest",
    "_pytest",
    "pytestqt",
    "pytest_timeout",
    "mypy",
    "ruff",
    "IPython",
    "sqlalchemy.testing",
    "PySide6.scripts",
    # httpx's optional command-line tool (``httpx._main``) drags these in; the app never runs it.
    "click",
    "rich",
    "pygments",
    # build-time packaging tools, reached only through optional paths (cffi's compiler shim, pyparsing diagrams).
    "setuptools",
    "_distutils_hack",
    "distutils",
    "pkg_resources",
    "jinja2",
    # httpcore's optional trio backend: the app uses the synchronous client only.
    "trio",
    # SQLAlchemy's hook bundles every dialect; the app speaks SQLite only.
    "sqlalchemy.dialects.mssql",
    "sqlalchemy.dialects.mysql",
    "sqlalchemy.dialects.oracle",
    "sqlalchemy.dialects.postgresql",
)

# Qt's own translations (standard buttons and dialogs) to keep; PyInstaller's hook copies all ~40 languages.
QT_TRANSLATION_LANGUAGES = ("ru", "en")
# PySide6 keeps them in PySide6/Qt/translations (Linux, macOS) or PySide6/translations (Windows).
_QT_TRANSLATION = re.compile(r"(^|[\\/])PySide6[\\/](Qt[\\/])?translations[\\/](?P<file>[^\\/]+)\.qm$")


def read_version(root: Path) -> str:
    """``__version__`` from ``app/__init__.py``, read as text (the build must not import the app)."""
    text = (root / "app" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    if not match:
        raise ValueError("app/__init__.py has no __version__ = '...' line")
    return match.group(1)


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """The four numbers Windows version resources need: ``"1.2.3rc1"`` → ``(1, 2, 3, 0)``."""
    numbers = []
    for part in version.split(".")[:4]:
        digits = re.match(r"\d+", part)
        if not digits:
            break
        numbers.append(min(int(digits.group()), 65535))  # each field is a 16-bit WORD
    while len(numbers) < 4:
        numbers.append(0)
    return (numbers[0], numbers[1], numbers[2], numbers[3])


def windows_version_info(version: str, *, exe_name: str, description: str) -> str:
    """The text of a PyInstaller version file (``EXE(version=...)``): what Explorer shows under Details."""
    nums = numeric_version(version)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": description,
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": f"© {PUBLISHER}",
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }
    string_structs = ",\n          ".join(f"StringStruct({key!r}, {value!r})" for key, value in strings.items())
    # 0x0419 = Russian, 1200 = Unicode code page; the string table's key encodes the same pair.
    return f"""# Generated by build_scripts/svyazka.spec from app.__version__; do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={nums!r},
    prodvers={nums!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '041904B0',
        [
          {string_structs}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0419, 1200])])
  ]
)
"""


def package_datas(root: Path) -> list[tuple[str, str]]:
    """``(source file, destination folder)`` for every data file under ``app/``, keeping its package path."""
    app_dir = root / "app"
    datas = []
    for path in sorted(app_dir.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in DATA_SUFFIXES or "__pycache__" in path.parts:
            continue
        datas.append((str(path), str(path.parent.relative_to(root))))
    return datas


def keep_data_file(dest_name: str) -> bool:
    """False for Qt translation files of languages the app does not offer (``qtbase_de.qm`` …)."""
    match = _QT_TRANSLATION.search(dest_name)
    if match is None:
        return True
    return any(match.group("file").endswith(f"_{language}") for language in QT_TRANSLATION_LANGUAGES)


# Qt plugins a desktop shop app never loads, matched on the bundle path (Linux, macOS and Windows names):
# * platformthemes/qgtk3: Qt's GTK3 theme. It cannot work from the bundle (libgtk-3 itself is not bundled),
#   and mixing the system's GTK with bundled cairo/pango/glib of another version is a well-known source of
#   start-up crashes in frozen Qt apps. Without it Qt uses Fusion and the xdg-desktop-portal theme.
# * image formats no icon or picture of ours uses (TIFF, WebP, TGA, WBMP, ...);
# * embedded-device platforms and input (EGLFS, LinuxFB, VNC, Vulkan display, evdev/TUIO touch);
# * QtNetwork's TLS backends and network-status plugins, should QtNetwork ever come back (HTTPS is httpx with
#   Python's ssl; the single-instance guard uses QtCore only).
# The offscreen and minimal platforms stay: the build's smoke test and headless runs use them.
UNUSED_QT_PLUGINS = re.compile(
    r"plugins[\\/]("
    r"platformthemes[\\/](lib)?qgtk3\b"
    r"|imageformats[\\/](lib)?q(tiff|webp|tga|wbmp|pdf|jp2|mng|heif|macheif|macjp2)\b"
    r"|platforms[\\/](lib)?q(eglfs|linuxfb|vnc|vkkhrdisplay|minimalegl)\b"
    r"|egldeviceintegrations[\\/]"
    r"|generic[\\/]"
    r"|tls[\\/]"
    r"|networkinformation[\\/]"
    r")"
)
# Libraries that only those plugins pull in. Each is dropped only if nothing kept still needs it.
PLUGIN_ONLY_LIBRARY_PREFIXES = (
    # the GTK stack behind qgtk3
    "libgtk-3",
    "libgdk-3",
    "libgdk_pixbuf",
    "libatk",
    "libatspi",
    "libcairo",
    "libpango",
    "libharfbuzz",
    "libfribidi",
    "libthai",
    "libdatrie",
    "libgraphite2",
    "libpixman",
    "libepoxy",
    # image codecs behind the dropped image formats
    "libtiff",
    "libwebp",
    "libsharpyuv",
    "libjbig",
    "libLerc",
    "libdeflate",
    # embedded platforms and input
    "libQt6EglFSDeviceIntegration",
    "libQt6EglFsKmsSupport",
    "libQt6EglFsKmsGbmSupport",
    "libmtdev",
    "libinput",
)


def _basename(name: str) -> str:
    return re.split(r"[\\/]", name)[-1]


def prune_binaries(
    binaries: list[tuple[str, str, str]], imports_of: Callable[[str], Iterable[str]] | None = None
) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Drop the unused Qt plugins, then (given ``imports_of``) the libraries that no remaining binary needs.

    ``binaries`` are PyInstaller TOC entries ``(dest name, source path, type)``; ``imports_of(source)`` lists
    the library file names a binary loads, transitively (``ldd``). A library is only dropped when nothing
    kept depends on it, so a system whose freetype links harfbuzz keeps harfbuzz. Returns the kept entries
    and the names of what was left out.
    """
    kept = [entry for entry in binaries if not UNUSED_QT_PLUGINS.search(entry[0])]
    if imports_of is not None:
        candidates = [entry for entry in kept if _basename(entry[0]).startswith(PLUGIN_ONLY_LIBRARY_PREFIXES)]
        others = [entry for entry in kept if entry not in candidates]
        needed = {_basename(name) for entry in others for name in imports_of(entry[1])}
        kept = [entry for entry in kept if entry in others or _basename(entry[0]) in needed]
    kept_names = {entry[0] for entry in kept}
    removed = sorted(_basename(entry[0]) for entry in binaries if entry[0] not in kept_names)
    return kept, removed


def qt_excludes(root: Path) -> list[str]:
    """``PySide6.<module>`` excludes for the unused Qt modules, minus any that the app's sources mention."""
    sources = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in (root / "app").rglob("*.py"))
    return [f"PySide6.{name}" for name in UNUSED_QT_MODULES if not re.search(rf"\b{name}\b", sources)]


def info_plist(version: str) -> dict[str, object]:
    """The macOS bundle's Info.plist additions (PyInstaller fills the executable and icon keys)."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleShortVersionString": version,
        "CFBundleVersion": version,
        "NSHighResolutionCapable": True,  # sharp text on Retina screens
        "NSRequiresAquaSystemAppearance": False,  # follow the system's dark mode
        "LSApplicationCategoryType": "public.app-category.business",
        "NSHumanReadableCopyright": f"© {PUBLISHER}",
        # PyInstaller's BUNDLE (building/osx.py) writes LSBackgroundOnly = the COLLECT's `console`, which the
        # console CLI exe (svyazka-cli) makes True: no Dock icon, no menu bar, and `open` may refuse the app.
        # Keys given here override the ones it fills in.
        "LSBackgroundOnly": False,
    }


def folder_size_bytes(folder: Path) -> int:
    """Bytes of every file under ``folder``; symlinks count as themselves, not as what they point to."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_symlink():
            total += path.lstat().st_size
        elif path.is_file():
            total += path.stat().st_size
    return total
