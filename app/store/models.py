"""The SQLite schema as typed ORM models. Repositories hand out plain dataclasses, never these rows.

Every profile-owned table cascades on profile delete, so removing a profile leaves nothing behind.
Timestamps are UTC. There is no column for keys or tokens anywhere: those live in the OS keyring.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.store.types import JSONText, UTCDateTime

_PROFILE_FK = "profiles.id"


class Base(DeclarativeBase):
    pass


class ProfileRow(Base):
    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    retailcrm_url: Mapped[str] = mapped_column(String)
    moysklad_url: Mapped[str] = mapped_column(String)
    moysklad_account: Mapped[str] = mapped_column(String)  # a login, or "token"; never the secret itself
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SettingRow(Base):
    __tablename__ = "settings"

    profile_id: Mapped[int] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[Any] = mapped_column(JSONText(redacted=True))


class LinkRow(Base):
    """One MoySklad entity ↔ one RetailCRM entity. ``ms_id`` is empty while a MoySklad write is in flight."""

    __tablename__ = "links"
    __table_args__ = (
        # SQLite treats NULLs as distinct, so any number of reservations may wait for their ms_id.
        UniqueConstraint("profile_id", "kind", "ms_id", name="uq_links_ms"),
        UniqueConstraint("profile_id", "kind", "rc_id", name="uq_links_rc"),
        Index("ix_links_sync_id", "profile_id", "sync_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String)
    ms_id: Mapped[str | None] = mapped_column(String)
    ms_type: Mapped[str | None] = mapped_column(String)
    rc_id: Mapped[str] = mapped_column(String)
    rc_ext: Mapped[str | None] = mapped_column(String)
    match_key: Mapped[str | None] = mapped_column(String)
    sync_id: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CursorRow(Base):
    __tablename__ = "cursors"

    profile_id: Mapped[int] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"), primary_key=True)
    flow: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_profile_started", "profile_id", "started_at"),
        Index("ix_runs_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String)
    trigger: Mapped[str] = mapped_column(String)
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    counts: Mapped[Any] = mapped_column(JSONText())
    errors: Mapped[int] = mapped_column(Integer, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[Any] = mapped_column(JSONText())
    message: Mapped[str] = mapped_column(Text, default="")
    # the message as app/messages code + parameters (schema 2; older runs have none: their text is shown)
    message_code: Mapped[str | None] = mapped_column(String, nullable=True)
    message_params: Mapped[Any] = mapped_column(JSONText(redacted=True), nullable=True)
    # Which process runs it: the GUI and a cron CLI may share the file, and only a run whose process is
    # gone may be declared "interrupted".
    host: Mapped[str] = mapped_column(String, default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)


class LogRow(Base):
    __tablename__ = "log"
    __table_args__ = (
        Index("ix_log_ts", "ts"),
        Index("ix_log_profile_ts", "profile_id", "ts"),
        Index("ix_log_run", "run_id"),
        Index("ix_log_level_ts", "level", "ts"),
        Index("ix_log_flow_ts", "flow", "ts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int | None] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    level: Mapped[str] = mapped_column(String)
    flow: Mapped[str] = mapped_column(String)
    entity_type: Mapped[str | None] = mapped_column(String)
    entity_ref: Mapped[str | None] = mapped_column(String)
    entity_url: Mapped[str | None] = mapped_column(String)
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[Any] = mapped_column(JSONText(redacted=True), nullable=True)
    # the sentence as app/messages code + parameters (schema 2; older lines have none: their text is shown)
    code: Mapped[str | None] = mapped_column(String, nullable=True)
    params: Mapped[Any] = mapped_column(JSONText(redacted=True), nullable=True)


class ConflictRow(Base):
    __tablename__ = "conflicts"
    __table_args__ = (
        UniqueConstraint("profile_id", "kind", "key", name="uq_conflicts_key"),
        Index("ix_conflicts_status", "profile_id", "status", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String)
    key: Mapped[str] = mapped_column(String)
    title: Mapped[str] = mapped_column(Text)
    ms_data: Mapped[Any] = mapped_column(JSONText(redacted=True), nullable=True)
    rc_data: Mapped[Any] = mapped_column(JSONText(redacted=True), nullable=True)
    status: Mapped[str] = mapped_column(String)
    # the title as app/messages code + parameters (schema 2; older conflicts have none: their title is shown)
    title_code: Mapped[str | None] = mapped_column(String, nullable=True)
    title_params: Mapped[Any] = mapped_column(JSONText(redacted=True), nullable=True)
    resolution: Mapped[Any] = mapped_column(JSONText(), nullable=True)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_run: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PushedRow(Base):
    """The last value sent to a service per entity, so unchanged data is not sent again."""

    __tablename__ = "pushed"

    profile_id: Mapped[int] = mapped_column(ForeignKey(_PROFILE_FK, ondelete="CASCADE"), primary_key=True)
    target: Mapped[str] = mapped_column(String, primary_key=True)
    entity: Mapped[str] = mapped_column(String, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime)
