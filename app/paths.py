"""Where Svyazka keeps its files: one module, so tests and the demo mode never touch the real user dir.

Precedence for the data directory: an explicit override (the CLI's ``--data-dir``) > the
``SVYAZKA_DATA_DIR`` environment variable > the per-OS user data dir from platformdirs.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "Svyazka"
APP_AUTHOR = "Svyazka"  # matters on Windows: %LOCALAPPDATA%\<author>\<app>
DATA_DIR_ENV = "SVYAZKA_DATA_DIR"
DATABASE_FILENAME = "svyazka.sqlite3"
LOG_DIRNAME = "logs"


class DataDirError(ValueError):
    """The data directory cannot be created or written to. ``str()`` is a sentence for the shop owner."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(
            f"Svyazka cannot use the folder {path} for its data ({reason}). "
            "Check that the folder exists and that you may write to it, or choose another folder "
            f"with --data-dir or the {DATA_DIR_ENV} environment variable."
        )


def default_data_dir() -> Path:
    """The per-OS user data directory (not created)."""
    return PlatformDirs(APP_NAME, APP_AUTHOR).user_data_path


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory, created and checked for writing."""
    if override is not None and str(override).strip():
        chosen = Path(override)
    elif os.environ.get(DATA_DIR_ENV, "").strip():
        chosen = Path(os.environ[DATA_DIR_ENV].strip())
    else:
        chosen = default_data_dir()
    path = chosen.expanduser().resolve()
    _ensure_writable_dir(path)
    return path


def database_path(data_dir: Path) -> Path:
    """The SQLite file inside a data directory."""
    return Path(data_dir) / DATABASE_FILENAME


def log_dir(data_dir: Path) -> Path:
    """The folder for rotating text logs inside a data directory (created)."""
    path = Path(data_dir) / LOG_DIRNAME
    _ensure_writable_dir(path)
    return path


def _ensure_writable_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise DataDirError(path, "a file with that name is in the way")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(path, _describe(exc)) from exc
    # mkdir succeeding does not prove we may write (read-only mounts, ACLs): try a real file.
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".svyazka-write-test-"):
            pass
    except OSError as exc:
        raise DataDirError(path, _describe(exc)) from exc


def _describe(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.strerror:
        return exc.strerror.lower()
    return "the system refused"
