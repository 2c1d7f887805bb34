"""``svyazka --self-check``: prove that this installation has everything it needs, in a few seconds.

It is what the build runs against the frozen app (a missing Qt library, keyring plugin list, SQLite dialect or
resource folder shows up here instead of on a shop owner's computer), and what support asks a user to run.

Each check prints one line; the run exits non-zero if any check failed, and the last line says which.
Nothing here needs a display, a network connection, an account, or the user's data folder: the database
check uses a temporary folder and the service check talks to the built-in demo services on 127.0.0.1.
No secret is read or written: the keyring check only names the backend (reading an item could pop up
an unlock prompt).
"""

from __future__ import annotations

import io
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from app import APP_NAME, __version__

SANDBOX_TIMEOUT_S = 5.0
# Set to 1 to also start Qt's widget toolkit offscreen (the build's smoke test does). Off by default because
# QtGui needs system libraries (EGL, xkbcommon, fontconfig) that a headless server may lack.
GUI_CHECK_ENV = "SVYAZKA_SELF_CHECK_GUI"
REQUIRED_IMAGE_FORMATS = ("png", "svg", "ico")
MOYSKLAD_ACCEPT = "application/json;charset=utf-8"

# keyring backends that exist only on one OS: on the others their "unavailable" reason is noise.
_OS_SPECIFIC_BACKENDS = {
    "keyring.backends.Windows": "win32",
    "keyring.backends.macOS": "darwin",
}
# Not real stores: the chainer only delegates, fail/null store nothing.
_NOT_A_STORE = ("keyring.backends.chainer", "keyring.backends.fail", "keyring.backends.null")


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


class CheckFailed(Exception):
    """A check found a problem; ``str()`` is the sentence to print."""


def check_app() -> CheckResult:
    how = "frozen bundle" if getattr(sys, "frozen", False) else "from source"
    return CheckResult("App", True, f"{APP_NAME} {__version__} ({how}, {Path(__file__).resolve().parent})")


def check_python() -> CheckResult:
    runtime = f"{platform.python_implementation()}, {platform.system()} {platform.machine()}"
    return CheckResult("Python", True, f"{platform.python_version()} ({runtime})")


def check_qt() -> CheckResult:
    # QtCore only: it loads the Qt libraries without needing a display or a platform plugin.
    try:
        import PySide6
        from PySide6 import QtCore
    except ImportError as exc:
        raise CheckFailed(f"Qt could not be loaded ({exc}). Reinstall Svyazka.") from exc
    return CheckResult("Qt", True, f"{QtCore.qVersion()} (PySide6 {PySide6.__version__})")


def check_gui_toolkit() -> CheckResult:
    """Start QApplication offscreen, build a widget and load the app icon: plugins and image formats work."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a toolkit check, not a display check
    try:
        from PySide6.QtGui import QIcon, QImageReader
        from PySide6.QtWidgets import QApplication, QWidget
    except ImportError as exc:
        raise CheckFailed(f"Qt's widget libraries could not be loaded ({exc}). Reinstall Svyazka.") from exc

    from app.resources import APP_ICON_SVG, app_icon_path, resource_path

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    widget = QWidget()
    widget.resize(120, 80)
    widget.show()
    widget.close()
    widget.deleteLater()
    formats = {bytes(name.data()).decode("ascii", "replace") for name in QImageReader.supportedImageFormats()}
    missing = [name for name in REQUIRED_IMAGE_FORMATS if name not in formats]
    if missing:
        raise CheckFailed(
            f"Qt cannot read {', '.join(missing)} images: its image plugins are missing. Reinstall Svyazka."
        )
    for path in (app_icon_path(), resource_path(*APP_ICON_SVG)):
        if QIcon(str(path)).pixmap(32, 32).isNull():
            raise CheckFailed(f"Qt could not draw the icon {path.name}. Reinstall Svyazka.")
    # Russian is the main UI language: our catalog and Qt's own (dialog buttons) must load from wherever the app
    # was installed; Qt has had trouble with non-ASCII plugin and translation paths (C:\\Users\\Имя\\...)
    from app.ui.i18n import install_translators, remove_translators

    loaded = [Path(p).name for p in install_translators(app, "ru")]
    remove_translators(app)
    missing_qm = [name for name in ("svyazka_ru.qm", "qtbase_ru.qm") if name not in loaded]
    if missing_qm:
        raise CheckFailed(f"The Russian translations did not load ({', '.join(missing_qm)}). Reinstall Svyazka.")
    platform_name = app.platformName() if hasattr(app, "platformName") else "?"
    detail = (f"platform '{platform_name}'; icons drawn; image formats include {', '.join(REQUIRED_IMAGE_FORMATS)};"
              " Russian translations loaded")
    return CheckResult("Qt widgets", True, detail)


def check_database(workdir: Path | None = None) -> CheckResult:
    """Create, write and read back a temporary SQLite database in WAL mode, through SQLAlchemy as the app does."""
    import sqlite3

    from sqlalchemy import create_engine, text

    try:
        tmp = tempfile.TemporaryDirectory(prefix="svyazka-selfcheck-", dir=workdir)
    except OSError as exc:
        where = workdir if workdir is not None else tempfile.gettempdir()
        raise CheckFailed(f"could not create a temporary folder in {where} ({exc.strerror or exc}).") from exc
    with tmp as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'selfcheck.sqlite3'}")
        try:
            with engine.connect() as conn:
                mode = conn.exec_driver_sql("PRAGMA journal_mode=WAL").scalar()
                conn.exec_driver_sql("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
                conn.execute(text("INSERT INTO probe (name) VALUES (:name)"), {"name": "Связка"})
                conn.commit()
            with engine.connect() as conn:
                stored = conn.execute(text("SELECT name FROM probe")).scalar_one()
        except Exception as exc:
            raise CheckFailed(f"a temporary SQLite database did not work ({type(exc).__name__}: {exc}).") from exc
        finally:
            engine.dispose()  # Windows cannot delete the folder while the file is open
    if str(mode).lower() != "wal":
        raise CheckFailed(f"SQLite refused WAL mode (journal mode is {mode!r}).")
    if stored != "Связка":
        raise CheckFailed("SQLite returned different text than was written.")
    detail = f"{sqlite3.sqlite_version}; a temporary database was written and read back (WAL)"
    return CheckResult("SQLite", True, detail)


def check_keyring(platform_name: str | None = None) -> CheckResult:
    """Name the keyring backend. Having none is fine on Linux (keys can stay in memory); a broken bundle is not,
    and on Windows and macOS having none *is* a broken bundle (:func:`keyring_backend_acceptable`)."""
    from importlib.metadata import entry_points

    import keyring
    import keyring.backend

    plugins = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    if not plugins:
        raise CheckFailed(
            "keyring's list of backends is missing from this installation, so API keys could never be saved "
            "in the system keychain. This is a packaging error: reinstall Svyazka."
        )
    backend = keyring.get_keyring()
    module = type(backend).__module__
    platform_name = platform_name or sys.platform
    if not keyring_backend_acceptable(platform_name, module):
        raise CheckFailed(
            f"keyring chose its '{module.rsplit('.', 1)[-1]}' backend, which stores nothing "
            f"({_why_no_keyring(module)}), but {_OS_KEYCHAIN[_os_of(platform_name)]} is always "
            "there on this system: this installation lacks keyring's backend for it, so API keys could never be "
            "saved. This is a packaging error: reinstall Svyazka."
        )
    if module.startswith(_NO_STORE):
        why = _why_no_keyring(module)
        return CheckResult("Keyring", True, f"none available ({why}); keys can be kept in memory for one session")
    return CheckResult("Keyring", True, f"{_backend_label(backend)}")


# The systems whose own keychain is always present (Windows Credential Manager, the macOS login keychain): a
# fail/null backend there means the bundle lost keyring's backend (pyinstaller#3948), not a bare machine. On
# Linux a server without the Secret Service or KWallet is normal, and keys can be kept in memory.
_OS_KEYCHAIN = {"win32": "Windows Credential Manager", "darwin": "the macOS keychain"}
_NO_STORE = ("keyring.backends.fail", "keyring.backends.null")


def _os_of(platform_name: str) -> str:
    return next((name for name in _OS_KEYCHAIN if platform_name.startswith(name)), platform_name)


def keyring_backend_acceptable(platform_name: str, backend_module: str) -> bool:
    """Whether ``--self-check`` may pass with ``backend_module`` chosen on ``platform_name`` (``sys.platform``)."""
    return not (_os_of(platform_name) in _OS_KEYCHAIN and backend_module.startswith(_NO_STORE))


def _backend_label(backend: object) -> str:
    name = getattr(backend, "name", "") or type(backend).__name__
    inner = getattr(backend, "backends", None)  # the chainer lists the real stores it delegates to
    if inner:
        return f"{name}: " + ", ".join(str(getattr(b, "name", type(b).__name__)) for b in inner)
    return f"{name} ({type(backend).__module__}.{type(backend).__name__})"


def _why_no_keyring(selected_module: str) -> str:
    if selected_module.startswith("keyring.backends.null"):
        return "the 'null' backend is selected, which stores nothing"
    import keyring.backend

    reasons = []
    for cls in sorted(getattr(keyring.backend.KeyringBackend, "_classes", ()), key=lambda c: c.__module__):
        module = cls.__module__
        if module.startswith(_NOT_A_STORE):
            continue
        only_on = _OS_SPECIFIC_BACKENDS.get(module)
        if only_on is not None and not sys.platform.startswith(only_on):
            continue
        try:
            cls.priority  # noqa: B018 - a backend reports why it cannot run by raising here
        except Exception as exc:
            reason = f"{module.rsplit('.', 1)[-1]}: {exc}"
        else:
            reason = f"{module.rsplit('.', 1)[-1]}: present but not chosen"
        if reason not in reasons:  # KWallet has two classes that fail for the same reason
            reasons.append(reason)
    return "; ".join(reasons) if reasons else "no keychain backend for this system"


def check_resources() -> CheckResult:
    from app.resources import app_icon_path, translations_dir

    icon = app_icon_path()
    if not icon.is_file():
        raise CheckFailed(f"the app icon is missing ({icon}); the installation is incomplete. Reinstall Svyazka.")
    translations = sorted(p.stem for p in translations_dir().glob("*.qm")) if translations_dir().is_dir() else []
    listed = ", ".join(translations) if translations else "none compiled"
    return CheckResult("Resources", True, f"icons in {icon.parent}; translations: {listed}")


def check_sandbox(timeout: float = SANDBOX_TIMEOUT_S) -> CheckResult:
    """Start the built-in demo services on 127.0.0.1 and make one real HTTP request to each."""
    import httpx

    started = time.perf_counter()
    try:
        from app.sandbox.sandbox import Sandbox, SandboxOptions

        sandbox = Sandbox(SandboxOptions(products=10, orders=3, stores=1, rate_limit=False)).start()
    except Exception as exc:
        raise CheckFailed(f"the built-in demo services could not start ({type(exc).__name__}: {exc}).") from exc
    try:
        credentials = sandbox.credentials()
        # trust_env=False: a system proxy must not intercept requests to 127.0.0.1.
        with httpx.Client(timeout=timeout, trust_env=False) as client:
            crm = credentials["retailcrm"]
            reply = client.get(f"{crm['url']}/api/credentials", headers={"X-API-KEY": crm["api_key"]})
            if reply.status_code != 200 or reply.json().get("success") is not True:
                raise CheckFailed(f"the RetailCRM demo service answered HTTP {reply.status_code} to a simple request.")
            ms = credentials["moysklad"]
            reply = client.get(
                f"{ms['url']}/entity/organization",
                headers={
                    "Authorization": f"Bearer {ms['token']}",
                    "Accept": MOYSKLAD_ACCEPT,
                    "Accept-Encoding": "gzip",
                },
            )
            if reply.status_code != 200 or "rows" not in reply.json():
                raise CheckFailed(f"the MoySklad demo service answered HTTP {reply.status_code} to a simple request.")
    except httpx.HTTPError as exc:
        raise CheckFailed(f"could not talk to the built-in demo services ({type(exc).__name__}: {exc}).") from exc
    except ValueError as exc:  # a reply that is not JSON
        raise CheckFailed(f"a built-in demo service sent an unreadable answer ({exc}).") from exc
    finally:
        sandbox.stop()
    elapsed = time.perf_counter() - started
    return CheckResult("Sandbox", True, f"both demo services started and answered over HTTP ({elapsed:.1f} s)")


def default_checks(workdir: Path | None = None) -> list[tuple[str, Callable[[], CheckResult]]]:
    gui: list[tuple[str, Callable[[], CheckResult]]] = []
    if os.environ.get(GUI_CHECK_ENV, "").strip() == "1":
        gui.append(("Qt widgets", check_gui_toolkit))
    return [
        ("App", check_app),
        ("Python", check_python),
        ("Qt", check_qt),
        *gui,
        ("SQLite", lambda: check_database(workdir)),
        ("Keyring", check_keyring),
        ("Resources", check_resources),
        ("Sandbox", check_sandbox),
    ]


def run_checks(checks: list[tuple[str, Callable[[], CheckResult]]]) -> list[CheckResult]:
    results = []
    for name, check in checks:
        try:
            results.append(check())
        except CheckFailed as exc:
            results.append(CheckResult(name, False, str(exc)))
        except Exception as exc:  # an unexpected error is a failed check with a line, never a traceback
            results.append(CheckResult(name, False, f"unexpected error ({type(exc).__name__}: {exc})."))
    return results


def run_self_check(out: TextIO | None = None, *, workdir: Path | None = None) -> int:
    """Run every check, print one line each, and return the process exit code (0 = all passed)."""
    # A windowed Windows executable has no stdout at all; the exit code still tells the result.
    stream: TextIO = out if out is not None else (sys.stdout or io.StringIO())
    started = time.perf_counter()
    _write(stream, f"{APP_NAME} self-check")
    results = run_checks(default_checks(workdir))
    width = max(len(result.name) for result in results)
    for result in results:
        _write(stream, f"  {'ok  ' if result.ok else 'FAIL'}  {result.name.ljust(width)}  {result.detail}")
    failed = [result for result in results if not result.ok]
    elapsed = time.perf_counter() - started
    if failed:
        first = failed[0]
        _write(stream, f"Self-check FAILED ({len(failed)} of {len(results)}): {first.name}: {first.detail}")
        return 1
    _write(stream, f"Self-check passed in {elapsed:.1f} s.")
    return 0


def _write(stream: TextIO, line: str) -> None:
    # A console or pipe in a legacy code page (cp1251, cp437) cannot encode every character: replace,
    # never crash the check that is meant to diagnose problems.
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        line.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        line = line.encode(encoding, "replace").decode(encoding, "replace") if encoding else line
    stream.write(line + "\n")
    stream.flush()
