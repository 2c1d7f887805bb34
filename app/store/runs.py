"""Sync runs: when, why, what they did. A run left "running" by a crash is marked failed at next open.

Each run records the host and process that runs it. The desktop app and a scheduled CLI may share the
data file, so "still running at open" alone does not prove a crash: only a run whose process is gone is
declared interrupted.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from app.messages import Message, render_stored, split
from app.redact import redact
from app.store._util import require_choice
from app.store.models import RunRow
from app.store.types import utcnow

if TYPE_CHECKING:
    from app.store.database import Database

# "held": the safety check before writing stopped the run (app/sync/safety.py); nothing more was written
RUN_STATUSES = ("running", "ok", "partial", "failed", "cancelled", "held")
FINAL_STATUSES = RUN_STATUSES[1:]
# "os_schedule": `svyazka sync --scheduled`, started by the OS scheduler while the window may be closed
# (app/os_integration/os_schedule.py)
TRIGGERS = ("manual", "schedule", "cli", "wizard", "os_schedule")
# Process ids get reused; no real run lasts this long, so an older "running" one is dead whatever its pid.
STALE_RUN_AGE = timedelta(hours=12)
INTERRUPTED_MESSAGE = (
    "Прервано: Связка остановилась, не закончив этот запуск (её закрыли, она аварийно завершилась или "
    "компьютер выключился). Следующий запуск проверит, что уже сделано, поэтому ничего не отправится дважды."
)


@dataclass(frozen=True)
class Run:
    id: int
    profile_id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    trigger: str
    dry_run: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # per flow: created, updated, …
    errors: int = 0
    conflicts: int = 0
    requests: dict[str, int] = field(default_factory=dict)  # per service
    message: str = ""
    host: str = ""  # the computer and process that ran it (app/store/run_lock.py names them)
    pid: int = 0
    message_code: str | None = None  # ``message`` as app/messages code + params (None: a plain text)
    message_params: Any = None

    def message_text(self, lang: str = "ru") -> str:
        return render_stored(self.message, self.message_code, self.message_params, lang)


def _to_run(row: RunRow) -> Run:
    return Run(
        id=row.id,
        profile_id=row.profile_id,
        started_at=row.started_at,
        finished_at=row.finished_at,
        status=row.status,
        trigger=row.trigger,
        dry_run=bool(row.dry_run),
        counts=dict(row.counts or {}),
        errors=row.errors or 0,
        conflicts=row.conflicts or 0,
        requests=dict(row.requests or {}),
        message=row.message or "",
        host=row.host or "",
        pid=row.pid or 0,
        message_code=row.message_code,
        message_params=row.message_params,
    )


class RunRepository:
    def __init__(self, db: Database, profile_id: int) -> None:
        self._db = db
        self.profile_id = profile_id

    def start(self, trigger: str, *, dry_run: bool = False, message: str = "") -> Run:
        require_choice(trigger, TRIGGERS, "run trigger")
        row = RunRow(
            profile_id=self.profile_id,
            started_at=utcnow(),
            finished_at=None,
            status="running",
            trigger=trigger,
            dry_run=dry_run,
            counts={},
            errors=0,
            conflicts=0,
            requests={},
            message=redact(message),
            host=socket.gethostname(),
            pid=os.getpid(),
        )
        with self._db.session() as session:
            session.add(row)
            session.flush()
            return _to_run(row)

    def checkpoint(
        self,
        run_id: int,
        *,
        counts: Mapping[str, Mapping[str, int]] | None = None,
        errors: int | None = None,
        conflicts: int | None = None,
        requests: Mapping[str, int] | None = None,
    ) -> None:
        """Save progress mid-run, so a crash still leaves the numbers so far."""
        self._update(run_id, counts=counts, errors=errors, conflicts=conflicts, requests=requests)

    def finish(
        self,
        run_id: int,
        status: str,
        *,
        counts: Mapping[str, Mapping[str, int]] | None = None,
        errors: int | None = None,
        conflicts: int | None = None,
        requests: Mapping[str, int] | None = None,
        message: str | Message | None = None,
    ) -> Run:
        require_choice(status, FINAL_STATUSES, "final run status")
        code, params = None, None
        if message is not None:
            message, code, params = split(message)
        return self._update(
            run_id,
            status=status,
            finished_at=utcnow(),
            counts=counts,
            errors=errors,
            conflicts=conflicts,
            requests=requests,
            message=None if message is None else redact(message),
            message_code=code,
            message_params=params,
        )

    def get(self, run_id: int) -> Run | None:
        with self._db.read_session() as session:
            row = session.get(RunRow, run_id)
            return _to_run(row) if row is not None and row.profile_id == self.profile_id else None

    def recent(self, limit: int = 20) -> list[Run]:
        with self._db.read_session() as session:
            rows = session.scalars(
                select(RunRow)
                .where(RunRow.profile_id == self.profile_id)
                .order_by(RunRow.started_at.desc(), RunRow.id.desc())
                .limit(limit)
            )
            return [_to_run(r) for r in rows]

    def last_finished(self, status: str | None = None) -> Run | None:
        """The latest finished run (optionally with a given status), e.g. for "last successful sync"."""
        query = select(RunRow).where(RunRow.profile_id == self.profile_id, RunRow.status != "running")
        if status is not None:
            query = query.where(RunRow.status == status)
        with self._db.read_session() as session:
            row = session.scalars(query.order_by(RunRow.started_at.desc(), RunRow.id.desc()).limit(1)).first()
            return _to_run(row) if row else None

    def last_successful(self) -> Run | None:
        """The latest run that did its work: finished "ok", or "partial" with conflicts only (no errors), and
        not a dry run. What `svyazka status --max-age-minutes` measures (conflicts are counted apart)."""
        query = select(RunRow).where(
            RunRow.profile_id == self.profile_id,
            RunRow.dry_run.is_(False),
            (RunRow.status == "ok") | ((RunRow.status == "partial") & (RunRow.errors == 0)),
        )
        with self._db.read_session() as session:
            row = session.scalars(query.order_by(RunRow.finished_at.desc(), RunRow.id.desc()).limit(1)).first()
            return _to_run(row) if row else None

    def running(self) -> list[Run]:
        with self._db.read_session() as session:
            rows = session.scalars(
                select(RunRow).where(RunRow.profile_id == self.profile_id, RunRow.status == "running")
            )
            return [_to_run(r) for r in rows]

    def interrupt_running(self) -> list[int]:
        """Mark this profile's "running" runs as interrupted; returns their ids. Only for whoever has just taken
        the profile's run lock (app/store/run_lock.py): a run still going would hold it, so these died."""
        with self._db.session() as session:
            ids = list(session.scalars(
                select(RunRow.id).where(RunRow.profile_id == self.profile_id, RunRow.status == "running")
            ))
            if ids:
                session.execute(
                    update(RunRow)
                    .where(RunRow.id.in_(ids), RunRow.status == "running")
                    .values(status="failed", finished_at=utcnow(), message=INTERRUPTED_MESSAGE)
                )
            return ids

    def prune(self, older_than_days: int) -> int:
        """Delete finished runs older than that (their log lines stay, without the run link)."""
        cutoff = utcnow() - timedelta(days=older_than_days)
        with self._db.session() as session:
            result = session.execute(
                delete(RunRow).where(
                    RunRow.profile_id == self.profile_id, RunRow.status != "running", RunRow.started_at < cutoff
                )
            )
            return int(result.rowcount)  # type: ignore[attr-defined]

    def _update(self, run_id: int, **changes: Any) -> Run:
        with self._db.session() as session:
            row = session.get(RunRow, run_id)
            if row is None or row.profile_id != self.profile_id:
                raise LookupError(f"run {run_id} does not exist in profile {self.profile_id}")
            for name, value in changes.items():
                if value is None:
                    continue
                if isinstance(value, Mapping):
                    value = {k: dict(v) if isinstance(v, Mapping) else v for k, v in value.items()}
                setattr(row, name, value)
            session.flush()
            return _to_run(row)


def fail_interrupted_runs(db: Database) -> int:
    """Mark "running" runs whose process no longer exists as failed (all profiles). Returns how many."""
    with db.session() as session:
        candidates = session.execute(
            select(RunRow.id, RunRow.host, RunRow.pid, RunRow.started_at).where(RunRow.status == "running")
        ).all()
        stale_before = utcnow() - STALE_RUN_AGE
        dead = [
            run_id
            for run_id, host, pid, started_at in candidates
            if started_at < stale_before or not _process_alive(host, pid)
        ]
        if dead:
            session.execute(
                update(RunRow)
                .where(RunRow.id.in_(dead), RunRow.status == "running")
                .values(status="failed", finished_at=utcnow(), message=INTERRUPTED_MESSAGE)
            )
        return len(dead)


def _process_alive(host: str, pid: int) -> bool:
    if host != socket.gethostname() or pid <= 0:
        # A file copied from another computer: its process cannot be running here.
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0 only checks; on Windows it would terminate, hence the branch above
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _windows_process_alive(pid: int) -> bool:
    import ctypes

    process_query_limited_information = 0x1000
    still_active = 259
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        return False
    try:
        exit_code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(exit_code)):
            return True
        return exit_code.value == still_active
    finally:
        kernel32.CloseHandle(handle)
