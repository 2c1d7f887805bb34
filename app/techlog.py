"""Technical log files: rotating, in the data folder, every line redacted; one file per kind of process.

The shop owner's journal is in the store; these files are for a bug report (tracebacks of our own bugs).

Each kind of process writes its own file, so no two processes rotate the same one: rotating renames the file,
and on Windows a rename fails while another process holds it open (the window and its sync child used to share
``svyazka-app.log``; the failure went to the stderr of a windowed exe, i.e. nowhere, and the records were
lost). Two processes of one kind (two scheduled CLI runs) can still meet: :class:`_SharedRotatingHandler` then
keeps appending instead of losing records.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path
from typing import Literal

from app.paths import log_dir
from app.redact import RedactingFilter

Kind = Literal["window", "sync", "cli"]

LOG_FILES: dict[str, str] = {
    "window": "svyazka-app.log",  # the desktop window (and its tray)
    "sync": "svyazka-sync.log",  # the window's sync child processes (app/ui/engine_process.py)
    "cli": "svyazka-cli.log",  # the command line: cron, Task Scheduler, a person's terminal
}
LOG_FILENAME = LOG_FILES["window"]  # the window's, under its old name

_handler: logging.Handler | None = None
_previous_level: int | None = None


class _SharedRotatingHandler(logging.handlers.RotatingFileHandler):
    """A rotating file that, when the rotation is refused (another process has the file open on Windows),
    goes on appending to the same file and tries again at the next record past the limit."""

    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()


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
    return Path(_handler.baseFilename) if isinstance(_handler, logging.FileHandler) else None


def close_file_logging() -> None:
    global _handler, _previous_level
    if _handler is not None:
        logger = logging.getLogger("app")
        logger.removeHandler(_handler)
        _handler.close()
        _handler = None
        if _previous_level is not None:
            logger.setLevel(_previous_level)
            _previous_level = None
