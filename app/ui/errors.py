"""Turn any exception into a sentence a shop owner can act on, and catch the ones nobody caught.

The non-Qt layers already raise errors that carry a Russian sentence (API errors, keyring, store, data
folder). Anything else is our bug: the traceback goes to the log file and the person sees a plain
apology with the log's location, never the traceback itself.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from app.clients.errors import SvyazkaApiError
from app.os_integration.command import OsIntegrationError
from app.paths import DataDirError
from app.secrets import KeyringUnavailable
from app.store.errors import StoreError
from app.store.run_lock import ProfileBusy
from app.sync.model import Cancelled
from app.ui.engine_process import SyncProcessError

log = logging.getLogger("app.ui")


def describe_error(exc: BaseException) -> str:
    """The sentence to show for ``exc``. Unknown errors are logged with their traceback here."""
    if isinstance(exc, SyncProcessError):
        return exc.message if not exc.unexpected and exc.message else _apology()
    if isinstance(exc, SvyazkaApiError):
        return exc.message
    if isinstance(exc, KeyringUnavailable | StoreError | DataDirError | ProfileBusy | OsIntegrationError):
        return str(exc)
    if isinstance(exc, Cancelled):
        return QCoreApplication.translate("Errors", "Stopped. Everything written so far is saved.")
    if isinstance(exc, OSError) and exc.strerror:
        log.warning("system error", exc_info=exc)
        return QCoreApplication.translate(
            "Errors", "The system reported an error: {error}. Check the disk and the network and try again."
        ).format(error=exc.strerror)
    log.error("unexpected error", exc_info=exc)
    return _apology()


def _apology() -> str:
    return QCoreApplication.translate(
        "Errors",
        "Something unexpected went wrong inside Svyazka. Nothing was lost: try again, and if it happens "
        "again, send us the log file from the Svyazka data folder.",
    )


class _ExceptionRelay(QObject):
    """Carries an uncaught exception from any thread to the GUI thread, where a dialog may be shown."""

    raised = Signal(str)


class ExceptionHook:
    """``sys.excepthook`` (and ``threading.excepthook``) that logs and shows a friendly dialog.

    ``show`` is replaceable so tests can check what a person would see without a modal dialog.
    """

    def __init__(self, show: Callable[[str], None] | None = None) -> None:
        self._relay = _ExceptionRelay()
        self._relay.raised.connect(self._on_raised, Qt.ConnectionType.QueuedConnection)
        self._show = show or _show_dialog
        self.shown: list[str] = []
        self._previous: tuple[object, object] | None = None

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        if exc.__traceback__ is None and tb is not None:
            exc = exc.with_traceback(tb)
        message = describe_error(exc)
        self._relay.raised.emit(message)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str)
    def _on_raised(self, message: str) -> None:
        self.shown.append(message)
        self._show(message)


def _show_dialog(message: str) -> None:
    box = QMessageBox(QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("Errors", "Svyazka"))
    box.setText(message)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()
