"""The desktop app's technical log: a rotating file in the data folder, every line redacted.

The shop owner's journal is in the store; this file is for a bug report (tracebacks of our own bugs).
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app.paths import log_dir
from app.redact import RedactingFilter

LOG_FILENAME = "svyazka-app.log"
_handler: logging.Handler | None = None


def setup_file_logging(data_dir: Path) -> Path | None:
    """Send ``app.*`` warnings and errors to ``<data>/logs/svyazka-app.log``; None if the folder is unusable."""
    global _handler
    try:
        path = log_dir(data_dir) / LOG_FILENAME
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    except (OSError, ValueError):
        return None
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("app")
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
    logger.addHandler(handler)
    logger.setLevel(min(logger.level or logging.INFO, logging.INFO))
    _handler = handler
    return path


def close_file_logging() -> None:
    global _handler
    if _handler is not None:
        logging.getLogger("app").removeHandler(_handler)
        _handler.close()
        _handler = None
