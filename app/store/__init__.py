"""Svyazka's local SQLite store: profiles, settings, links, cursors, runs, log, conflicts, pushed values.

Open with ``Database.open(path)``; get a repository with ``db.links(profile_id)`` (and so on). Every
repository method is its own short unit of work and returns plain frozen dataclasses or dicts, so results
may cross threads freely.
"""

from app.store.conflicts import CONFLICT_KINDS, CONFLICT_STATUSES, RESOLUTION_ACTIONS, Conflict, ConflictRepository
from app.store.cursors import CursorRepository
from app.store.database import Database
from app.store.errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    LinkConflictError,
    NewerDatabaseError,
    NotSvyazkaDatabaseError,
    SettingsError,
    StoreError,
)
from app.store.links import LINK_KINDS, Link, LinkRepository, NewLink
from app.store.log import FLOWS, LEVELS, LogEntry, LogRecord, LogRepository
from app.store.migrations import SCHEMA_VERSION
from app.store.profiles import Profile, ProfileRepository
from app.store.pushed import PushedRepository
from app.store.runs import FINAL_STATUSES, RUN_STATUSES, TRIGGERS, Run, RunRepository
from app.store.settings import PricePair, SettingsRepository, StorePair, SyncSettings

__all__ = [
    "CONFLICT_KINDS",
    "CONFLICT_STATUSES",
    "FINAL_STATUSES",
    "FLOWS",
    "LEVELS",
    "LINK_KINDS",
    "RESOLUTION_ACTIONS",
    "RUN_STATUSES",
    "SCHEMA_VERSION",
    "TRIGGERS",
    "Conflict",
    "ConflictRepository",
    "CursorRepository",
    "Database",
    "DatabaseBusyError",
    "DatabaseDamagedError",
    "Link",
    "LinkConflictError",
    "LinkRepository",
    "LogEntry",
    "LogRecord",
    "LogRepository",
    "NewLink",
    "NewerDatabaseError",
    "NotSvyazkaDatabaseError",
    "PricePair",
    "Profile",
    "ProfileRepository",
    "PushedRepository",
    "Run",
    "RunRepository",
    "SettingsError",
    "SettingsRepository",
    "StoreError",
    "StorePair",
    "SyncSettings",
]
