"""Turn any exception into a sentence a shop owner can act on, and catch the ones nobody caught.

Which errors are known, and their sentences, come from :mod:`app.runner.failure` (shared with the CLI).
Anything else is our bug: the traceback goes to the log file and the person sees a plain apology with the
log's location, never the traceback itself.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from app.runner import Failure, FailureKind, RunFailed, classify
from app.ui.i18n import current_language

log = logging.getLogger("app.ui")


def describe_error(exc: BaseException) -> str:
    """The sentence to show for ``exc``. Which errors are known and what they say is decided in one place,
    :mod:`app.runner.failure`; here only its generic sentences are translated. Unknown errors are logged with
    their traceback here."""
    failure = exc.failure if isinstance(exc, RunFailed) else classify(exc)
    if failure is None:
        log.error("unexpected error", exc_info=exc)
        return _apology()
    return shown(failure)


def shown(failure: Failure) -> str:
    """What the window says for ``failure``: the message, or the translation of a generic one."""
    if failure.kind is FailureKind.CRASHED:
        return _apology()  # the traceback is in the technical log of the process that crashed
    if failure.kind is FailureKind.CANCELLED:
        return QCoreApplication.translate("Errors", "Stopped. Everything written so far is saved.")
    if failure.kind is FailureKind.SYSTEM:
        return QCoreApplication.translate(
            "Errors", "The system reported an error: {error}. Check the disk and the network and try again."
        ).format(error=failure.detail)
    return failure.text(current_language())


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
