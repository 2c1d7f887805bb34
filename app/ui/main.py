"""Start the desktop app: ``main(argv)`` (the ``svyazka`` command calls it when no subcommand is given).

Order (as Vorta does it): the PySide6 workaround (app/ui/qtcompat.py) → arguments → QApplication →
translations → exception hook → data folder and the single-instance guard (a second start shows the first
window and exits 0) → store → demo if asked → the wizard (first run) or the main window.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import APP_NAME, __version__
from app.paths import DataDirError, data_dir, database_path
from app.resources import app_icon_path
from app.secrets import KeyringUnavailable, SecretStore
from app.store import Database, StoreError
from app.techlog import close_file_logging, setup_file_logging
from app.ui.app import SvyazkaApp
from app.ui.context import AppContext
from app.ui.errors import ExceptionHook
from app.ui.i18n import LANGUAGES, choose_language, install_translators
from app.ui.qtcompat import install_signal_emit_fix
from app.ui.single_instance import Outcome, SingleInstance


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="svyazka", description=f"{APP_NAME}: the desktop app.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--data-dir", help="where Svyazka keeps its database (default: the user data folder)")
    parser.add_argument("--demo", action="store_true", help="try the demo shop (nothing real is touched)")
    parser.add_argument("--lang", choices=LANGUAGES, help="interface language (default: Russian; or SVYAZKA_LANG)")
    parser.add_argument(
        "--minimized", "--tray", action="store_true", help="start in the tray (how it starts at login)"
    )
    return parser


def open_context(args: argparse.Namespace, folder: Path | None = None) -> AppContext:
    """The store and keyring for this session: the demo's throw-away ones with ``--demo``. Blocking."""
    if args.demo:
        from app.demo import start_demo

        session = start_demo()
        try:
            db = Database.open(database_path(session.data_dir))
        except BaseException:
            session.stop()
            raise
        return AppContext(db=db, data_dir=session.data_dir, secrets=session.secrets, demo=session)
    folder = folder or data_dir(args.data_dir)
    return AppContext(db=Database.open(database_path(folder)), data_dir=folder, secrets=SecretStore())


def main(argv: Sequence[str] | None = None) -> int:
    install_signal_emit_fix()  # before anything emits a signal: PySide6 6.12's emit() loses a reference each time
    args, qt_args = build_parser().parse_known_args(list(sys.argv[1:] if argv is None else argv))
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME, *qt_args])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)  # the tray may keep the app; SvyazkaApp quits explicitly
    icon = app_icon_path()
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    install_translators(app, choose_language(args.lang))

    hook = ExceptionHook()
    hook.install()
    guard: SingleInstance | None = None
    try:
        try:
            folder = None
            if not args.demo:  # the demo's folder is its own and thrown away: it never meets a real instance
                folder = data_dir(args.data_dir)
                guard = SingleInstance(folder)
                outcome = guard.acquire()
                if outcome is Outcome.SHOWN:
                    return 0  # the running app shows its window; a second scheduler must not start
                if outcome is Outcome.NOT_ANSWERING:
                    QMessageBox.warning(None, APP_NAME, not_answering_message())
                    return 1
            context = open_context(args, folder)
        except (DataDirError, StoreError, KeyringUnavailable) as exc:
            QMessageBox.critical(None, APP_NAME, str(exc))
            return 1
        setup_file_logging(context.data_dir, "window")
        svyazka = SvyazkaApp(context)
        if guard is not None:
            guard.show_requested.connect(svyazka.bring_to_front)
        svyazka.start(minimized=args.minimized)
        code = app.exec()
        svyazka.shutdown()
        return int(code)
    finally:
        if guard is not None:
            guard.release()
        hook.uninstall()
        close_file_logging()


def not_answering_message() -> str:
    return QCoreApplication.translate(
        "main",
        "Svyazka is already running for this data folder but does not answer. Wait a minute and open it from "
        "its icon in the notification area (the menu bar on a Mac). If it still does not open, end the "
        "Svyazka process in Task Manager (Activity Monitor on a Mac) and start Svyazka again.",
    )


if __name__ == "__main__":
    sys.exit(main())
