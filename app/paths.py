"""Where Svyazka keeps its files: one module, so tests and the demo mode never touch the real user dir.

Precedence for the data directory: an explicit override (the CLI's ``--data-dir``) > the
``SVYAZKA_DATA_DIR`` environment variable > the per-OS user data dir from platformdirs.
"""

from __future__ import annotations

import errno
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
    """The data directory cannot be created or written to. ``str()`` is a Russian sentence for the shop owner.

    ``reason`` is a short Russian clause; ``detail`` is the system's own (technical) wording, for the log.
    """

    def __init__(self, path: Path, reason: str, detail: str = "") -> None:
        self.path, self.reason, self.detail = path, reason, detail
        super().__init__(
            f"Связка не может хранить данные в папке «{path}»: {reason}. Проверьте, что папка существует и у вас "
            "есть право записи в неё, или выберите другую папку с помощью параметра --data-dir "
            f"или переменной окружения {DATA_DIR_ENV}."
        )


def default_data_dir() -> Path:
    """The per-OS user data directory (not created)."""
    return PlatformDirs(APP_NAME, APP_AUTHOR).user_data_path


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory, created and checked for writing; private to the user on POSIX (0700, see
    :func:`make_private`)."""
    if override is not None and str(override).strip():
        chosen = Path(override)
    elif os.environ.get(DATA_DIR_ENV, "").strip():
        chosen = Path(os.environ[DATA_DIR_ENV].strip())
    else:
        chosen = default_data_dir()
    path = chosen.expanduser().resolve()
    _ensure_writable_dir(path)
    make_private(path)
    return path


def make_private(path: Path) -> None:
    """Only the owner may read ``path`` (0700 for a folder, 0600 for a file as SQLite creates it): the database
    holds customers' names, phones and e-mails. POSIX only: on Windows the per-user data folder (%LOCALAPPDATA%)
    is already private to the user by its ACLs, and chmod there only toggles the read-only flag. Best effort: a
    folder the person chose on a file system without permissions (a FAT stick, a share) must still work."""
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:  # takes the group's and others' rights away, never adds any
            path.chmod(mode & 0o700)
    except OSError:
        pass


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
        raise DataDirError(path, "на этом месте уже есть файл с таким именем")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataDirError(path, _describe(exc), _detail(exc)) from exc
    # mkdir succeeding does not prove we may write (read-only mounts, ACLs): try a real file.
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".svyazka-write-test-"):
            pass
    except OSError as exc:
        raise DataDirError(path, _describe(exc), _detail(exc)) from exc


# The system's own wording depends on the OS and its language; the common cases get a fixed Russian clause.
_ERRNO_REASONS = {
    errno.EACCES: "нет прав на запись",
    errno.EPERM: "нет прав на запись",
    errno.EROFS: "диск защищён от записи",
    errno.ENOSPC: "на диске закончилось место",
    errno.ENOTDIR: "часть пути — это файл, а не папка",
    errno.ENOENT: "путь не найден",
    errno.ENAMETOOLONG: "слишком длинный путь",
}


def _describe(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "нет прав на запись"
    if exc.errno in _ERRNO_REASONS:
        return _ERRNO_REASONS[exc.errno]
    if exc.strerror:
        return f"система сообщила: {exc.strerror}"
    return "система не разрешила"


def _detail(exc: OSError) -> str:
    return f"{type(exc).__name__}: errno {exc.errno} {exc.strerror or ''}".strip()
