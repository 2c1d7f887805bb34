"""Technical log files: rotating, in the data folder, every line redacted; one file per kind of process.

The shop owner's journal is in the store; these files are for a bug report (tracebacks of our own bugs). No
Qt in this module: the desktop app, its sync child processes and the CLI all use it. A crash is logged with
its traceback, and the person is shown one sentence naming the file instead (:func:`crash_sentence`).

Each kind of process writes its own file, so no two processes rotate the same one: rotating renames the file,
and on Windows a rename fails while another process holds it open (the window and its sync child used to share
``svyazka-app.log``; the failure went to the stderr of a windowed exe, i.e. nowhere, and the records were
lost). Two processes of one kind (two scheduled CLI runs) can still meet: :class:`_SharedRotatingHandler` then
keeps appending instead of losing records.
"""

from __future__ import annotations

import logging
import logging.handlers
import tempfile
import threading
import traceback
from datetime import datetime
from pathlib import Path
from typing import Literal

from app.messages import Message, msg
from app.paths import log_dir
from app.redact import RedactingFilter, redact

Kind = Literal["window", "sync", "cli"]

LOG_FILES: dict[str, str] = {
    "window": "svyazka-app.log",  # the desktop window (and its tray)
    "sync": "svyazka-sync.log",  # the window's sync child processes (app/runner/child.py)
    "cli": "svyazka-cli.log",  # the command line: cron, Task Scheduler, a person's terminal
}
LOG_FILENAME = LOG_FILES["window"]  # the window's, under its old name

_lock = threading.Lock()
_handler: logging.Handler | None = None
_previous_level: int | None = None


class _SharedRotatingHandler(logging.handlers.RotatingFileHandler):
    """A rotating file that, when the rotation is refused (another process has the file open on Windows),
    goes on appending to the same file and tries again at the next record past the limit. A full disk or a
    vanished folder loses log lines, but never prints "--- Logging error ---" and a traceback on the console
    (the stock handler's ``handleError``) in the middle of a run."""

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def log_file(data_dir: Path, kind: Kind) -> Path:
    """Where a ``kind`` process writes its technical log (the folder is created)."""
    return log_dir(data_dir) / LOG_FILES[kind]


def setup_file_logging(data_dir: Path, kind: Kind = "window") -> Path | None:
    """Send ``app.*`` records from INFO up to this process kind's file; None if the folder is unusable."""
    global _handler, _previous_level
    try:
        path = log_file(data_dir, kind)
        handler = _SharedRotatingHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except (OSError, ValueError):
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("app")
    with _lock:
        if _handler is not None:
            logger.removeHandler(_handler)
            _handler.close()
        else:
            _previous_level = logger.level
        logger.addHandler(handler)
        logger.setLevel(min(logger.level or logging.INFO, logging.INFO))
        _handler = handler
    return path


def current_log_file() -> Path | None:
    """The file this process logs to, if any (for a message that asks to send it)."""
    with _lock:
        return Path(_handler.baseFilename) if isinstance(_handler, logging.FileHandler) else None


current_log_path = current_log_file  # the name the crash reporting below and the engine use


def close_file_logging() -> None:
    global _handler, _previous_level
    with _lock:
        if _handler is not None:
            logger = logging.getLogger("app")
            logger.removeHandler(_handler)
            _handler.close()
            _handler = None
            if _previous_level is not None:
                logger.setLevel(_previous_level)
                _previous_level = None


def record_crash(what: str, exc: BaseException) -> Path | None:
    """Write ``exc``'s traceback to the technical log (or, with none set up, to a file in the temp folder, never
    to the console) and return the file's path; None only when no file at all could be written."""
    path = current_log_file()
    if path is not None:
        try:
            logging.getLogger("app.crash").error("%s", what, exc_info=exc)
            for handler in logging.getLogger("app").handlers:
                handler.flush()
            return path
        except Exception:  # a full disk must not turn the report of one crash into another traceback
            pass
    try:
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", prefix=f"svyazka-crash-{stamp}-", suffix=".log", delete=False
        ) as file:
            file.write(redact(f"{what}\n{text}"))
            return Path(file.name)
    except Exception:
        return None


def crash_message(path: Path | None) -> Message:
    """What the person is told about a crash (a bug of Svyazka's, not of their data or settings)."""
    return msg("runner.crash", path=str(path)) if path is not None else msg("runner.crash_unrecorded")


def crash_sentence(path: Path | None) -> str:
    """:func:`crash_message` in Russian."""
    return str(crash_message(path))
