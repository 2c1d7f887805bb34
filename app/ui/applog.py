"""The desktop app's technical log: kept in :mod:`app.techlog` (no Qt), which the CLI uses too."""

from __future__ import annotations

from app.techlog import LOG_FILENAME, close_file_logging, setup_file_logging

__all__ = ["LOG_FILENAME", "close_file_logging", "setup_file_logging"]
