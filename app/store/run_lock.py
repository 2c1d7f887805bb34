"""One sync of a profile at a time, whoever starts it: the CLI, the window, its scheduler, the OS scheduler.

Two runs of one profile at once read the same cursors and links and claim the same work: issue 12 (major 7) saw
spurious errors and counts claimed twice. The lock has two parts:

* an OS file lock on ``<database>.run-<profile id>.lock`` in the data folder (``fcntl.flock`` on POSIX,
  ``msvcrt.locking`` on Windows). The OS drops it when the holding process dies, however it dies (SIGKILL, a
  power cut), so a lock left by a killed run is simply taken by the next one: there is nothing stale to clean;
* who holds it, for the message the second run shows: the holder writes its pid, host, start time and source
  into the lock file, and its run has a ``running`` row in the runs table (pid, host, started, trigger). When a
  run takes the lock, any ``running`` row of the profile belongs to a run that died holding it: it is marked
  as interrupted, whatever its pid now points to (pids are reused; the lock is the proof).

The lock is advisory and per open file: two openings in one process exclude each other too (``flock`` is per
open file description), so the window's own runs and a run in its child process are covered alike.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from app.messages import Message, msg
from app.store.types import utcnow

if TYPE_CHECKING:
    from app.store.database import Database

# Where Windows locks one byte: past anything the holder writes at the start of the file, so others can read it.
_WINDOWS_LOCK_OFFSET = 1 << 20

# Run triggers (app/store/runs.py TRIGGERS) in words, for "who holds it".
SOURCE_WORDS = {
    "cli": "команда svyazka sync",
    "manual": "окно Связки, запуск вручную",
    "schedule": "окно Связки, запуск по расписанию",
    "wizard": "мастер настройки (пробный запуск)",
    "os_schedule": "запуск по расписанию системы (svyazka sync --scheduled)",
}


@dataclass(frozen=True)
class Holder:
    """Who holds a profile's lock, as far as it said."""

    pid: int | None = None
    host: str = ""
    started_at: datetime | None = None  # aware (UTC)
    source: str = ""  # a run trigger: cli, manual, schedule, wizard, …
    run_id: int | None = None

    def describe(self) -> str:
        """"команда svyazka sync (процесс 4242 на этом компьютере), идёт с 14:05:10 12.05.2025"."""
        return str(self.describe_msg())

    def describe_msg(self) -> Message:
        """:meth:`describe` as an app/messages sentence."""
        if self.source in SOURCE_WORDS:
            source: Message | str = msg(f"store.source.{self.source}")
        else:
            source = self.source or msg("store.source.other")
        where: Message | None = None
        if self.pid:
            here = not self.host or self.host == socket.gethostname()
            where = (msg("store.holder_pid_here", pid=self.pid) if here
                     else msg("store.holder_pid_host", pid=self.pid, host=self.host))
        if self.run_id:
            where = (msg("store.holder_run_pid", run_id=self.run_id, where=where) if where
                     else msg("store.holder_run", run_id=self.run_id))
        since = (msg("store.holder_since", time=f"{self.started_at.astimezone():%H:%M:%S %d.%m.%Y}")
                 if self.started_at is not None else "")
        return msg("store.holder", source=source, where=msg("store.holder_where", where=where) if where else "",
                   since=since)


class ProfileBusy(Exception):
    """Another run holds the profile's lock. ``str()`` and ``message`` are a Russian sentence."""

    def __init__(self, holder: Holder, waited: float = 0.0) -> None:
        self.holder = holder
        self.waited = waited
        self.msg = msg("store.profile_busy", holder=holder.describe_msg())
        self.message = str(self.msg)
        super().__init__(self.message)


def lock_path(db_path: Path, profile_id: int) -> Path:
    return Path(db_path).with_name(f"{Path(db_path).name}.run-{int(profile_id)}.lock")


class RunLock:
    """The lock of one profile. ``acquire`` then ``release`` (or ``with``); not re-entrant."""

    def __init__(self, db: Database, profile_id: int, source: str) -> None:
        self.db = db
        self.profile_id = profile_id
        self.source = source
        self.path = lock_path(db.path, profile_id)
        self._fd: int | None = None
        self.interrupted: list[int] = []  # runs found "running" when the lock was taken: they died holding it

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(
        self,
        wait: float = 0.0,
        *,
        poll: float = 0.25,
        on_wait: Callable[[Holder], None] | None = None,
    ) -> None:
        """Take the lock, waiting up to ``wait`` seconds (``math.inf``: as long as it takes) for the holder to
        finish; raises :class:`ProfileBusy` naming the holder. ``on_wait(holder)`` is called once when waiting
        starts."""
        if self._fd is not None:
            raise RuntimeError("this lock is already held")
        started = time.monotonic()
        told = False
        while True:
            fd = self._open()
            if _try_lock(fd):
                self._fd = fd
                break
            os.close(fd)
            waited = time.monotonic() - started
            if waited >= wait:
                raise ProfileBusy(self.holder(), waited)
            if on_wait is not None and not told:
                told = True
                on_wait(self.holder())
            time.sleep(poll if math.isinf(wait) else min(poll, max(0.0, wait - waited)))
        try:
            self._write_holder()
            self.interrupted = self.db.runs(self.profile_id).interrupt_running()
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # the next reader must not see a holder that is gone
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)

    def holder(self) -> Holder:
        """Who holds the lock now: what the lock file says, completed from its run's row in the runs table."""
        said: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            said = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        pid = said.get("pid") if isinstance(said.get("pid"), int) else None
        host = str(said.get("host") or "")
        started = None
        with contextlib.suppress(TypeError, ValueError):
            started = datetime.fromisoformat(str(said["started"])) if said.get("started") else None
        source = str(said.get("source") or "")
        run_id = None
        with contextlib.suppress(Exception):  # the database is only a helper for the message here
            running = self.db.runs(self.profile_id).running()
            mine = [r for r in running if pid is None or (r.pid == pid and (not host or r.host == host))]
            if mine:
                row = max(mine, key=lambda r: r.started_at)
                run_id, started, source = row.id, row.started_at, row.trigger or source
                pid, host = pid or row.pid, host or row.host
        return Holder(pid=pid, host=host, started_at=started, source=source, run_id=run_id)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()

    # -- the file ----------------------------------------------------------------------------------------
    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def _write_holder(self) -> None:
        assert self._fd is not None
        text = json.dumps({
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": utcnow().isoformat(),
            "source": self.source,
        })
        os.ftruncate(self._fd, 0)
        os.lseek(self._fd, 0, os.SEEK_SET)
        os.write(self._fd, text.encode("utf-8"))


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError (EWOULDBLOCK), or EACCES on some systems
        return False
    return True


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)
