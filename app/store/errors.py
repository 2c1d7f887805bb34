"""Store errors. ``str()`` of each is a sentence a shop owner can act on (never a path to a secret)."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Something is wrong with Svyazka's local database."""


class NewerDatabaseError(StoreError):
    """The file was written by a newer Svyazka; we must not touch it."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path, self.found, self.supported = path, found, supported
        super().__init__(
            f"The data file {path} was created by a newer version of Svyazka (format {found}; this version "
            f"understands up to {supported}). Install the latest Svyazka, or choose another data folder. "
            "The file was not changed."
        )


class NotSvyazkaDatabaseError(StoreError):
    """The file is not a Svyazka database (another program's file, or damaged)."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(
            f"The file {path} is not a Svyazka data file ({reason}). "
            "Move it away or choose another data folder; Svyazka will then start with a fresh one."
        )


class DatabaseBusyError(StoreError):
    """Another process held the write lock longer than the busy timeout."""


class LinkConflictError(StoreError):
    """A link would tie one record to two different partners."""


class SettingsError(StoreError, ValueError):
    """A stored or entered setting has a value Svyazka cannot use."""
