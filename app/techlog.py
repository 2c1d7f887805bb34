"""The technical log: a rotating, redacted file in the data folder for bug reports (our own tracebacks).

The shop owner's journal is in the store; this file is for a developer. The desktop app, its sync child
process and the CLI all write here (no Qt in this module, so a build without the desktop app has it too).
A crash is logged here with its traceback, and the person is shown one sentence naming this file instead.
"""

from __future__ import annotations

import logging
import logging.handlers
import tempfile
import threading
import traceback
from datetime import datetime
from pathlib import Path

from app.paths import log_dir
from app.redact import RedactingFilter, redact

LOG_FILENAME = "svyazka-app.log"
_lock = threading.Lock()


class _QuietFileHandler(logging.handlers.RotatingFileHandler):
    """A full disk or a vanished folder loses log lines, never prints "--- Logging error ---" and a traceback
    on the console (the stock handler's ``handleError``) in the middle of a run."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass


_handler: _QuietFileHandler | None = None


def setup_file_logging(data_dir: Path) -> Path | None:
    """Send ``app.*`` info and above to ``<data>/logs/svyazka-app.log``; None if the folder is unusable."""
    global _handler
    try:
        path = log_dir(data_dir) / LOG_FILENAME
        handler = _QuietFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except (OSError, ValueError):
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("app")
    with _lock:
        if _handler is not None:
            logger.removeHandler(_handler)
            _handler.close()
        logger.addHandler(handler)
        logger.setLevel(min(logger.level or logging.INFO, logging.INFO))
        _handler = handler
    return path


def close_file_logging() -> None:
    global _handler
    with _lock:
        if _handler is not None:
            logging.getLogger("app").removeHandler(_handler)
            _handler.close()
            _handler = None


def current_log_path() -> Path | None:
    """The technical log file in use in this process, if any."""
    with _lock:
        return Path(_handler.baseFilename) if _handler is not None else None


def record_crash(what: str, exc: BaseException) -> Path | None:
    """Write ``exc``'s traceback to the technical log (or, with none set up, to a file in the temp folder, never
    to the console) and return the file's path; None only when no file at all could be written."""
    path = current_log_path()
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


def crash_sentence(path: Path | None) -> str:
    """What the person is told about a crash (a bug of Svyazka's, not of their data or settings)."""
    where = (f"Подробности записаны в технический журнал «{path}»: пришлите этот файл в поддержку Связки."
             if path is not None else "Подробности записать не удалось (нет места на диске или нет прав на запись).")
    return f"Внутренняя ошибка Связки (это ошибка программы, а не ваших данных или настроек). {where}"
