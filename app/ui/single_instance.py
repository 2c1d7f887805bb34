"""One desktop app per data folder: a second start brings the first window to the front and exits.

Closing the window only hides it to the tray, so users start the app again from the menu or the desktop.
Without a guard that second start was a second process with its own scheduler, syncing the same shop
beside the first. The guard is two QtCore pieces in the data folder (QtCore only: the frozen build leaves Qt's
network module out, build_scripts/spec_helpers.py, and a local socket would cost ~3 MB for one word):

* a :class:`QLockFile` says who owns the folder. Qt removes a lock left by a killed process itself: the lock
  file records the owner's PID, host and boot id, and a lock whose process is gone (or older than the stale
  time, for a PID reused meanwhile) is taken over. A live owner keeps its lock even then: Qt holds an
  ``flock`` on it (Unix) or keeps it open without delete sharing (Windows), so it cannot be removed under a
  running app (Qt's qlockfile_unix.cpp / qlockfile_win.cpp, ``removeStaleLock``).
* a doorbell file the owner watches (:class:`QFileSystemWatcher`: inotify, kqueue/FSEvents,
  ReadDirectoryChangesW). A second start writes ``show <nonce>`` into it; the owner answers ``<nonce>`` in an
  answer file and emits :attr:`show_requested`. No answer in time means the owner is hung.

The demo (``--demo``) runs in a throw-away folder of its own and takes no guard (see ``app/ui/main.py``).
"""

from __future__ import annotations

import logging
import time
import uuid
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QFileSystemWatcher, QLockFile, QObject, Signal, Slot

log = logging.getLogger(__name__)

LOCK_FILENAME = "svyazka-window.lock"
BELL_FILENAME = "svyazka-window.bell"  # a second start writes "show <nonce>" here
ANSWER_FILENAME = "svyazka-window.answer"  # the owner writes the nonce back here
# A lock whose PID now belongs to another process of the same name (``python`` in development) counts as
# stale after this long. Safe for a live owner: Qt cannot remove a lock file its owner still holds.
STALE_LOCK_MS = 10_000
ANSWER_SECONDS = 3.0  # how long a second start waits for the owner (it may be between the lock and the watch)


class Outcome(Enum):
    FIRST = "first"  # this process owns the data folder
    SHOWN = "shown"  # another process owns it and was asked to show its window
    NOT_ANSWERING = "not_answering"  # another process owns it but did not take the message
    FAILED = "failed"  # the lock file could not be written (permissions, full disk): run unguarded


class SingleInstance(QObject):
    """``acquire()`` once at start-up; keep the object alive as long as the app runs."""

    show_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self._lock = QLockFile(str(self.data_dir / LOCK_FILENAME))
        self._lock.setStaleLockTime(STALE_LOCK_MS)
        self._bell = self.data_dir / BELL_FILENAME
        self._answer = self.data_dir / ANSWER_FILENAME
        self._watcher: QFileSystemWatcher | None = None

    @property
    def owner(self) -> bool:
        return self._lock.isLocked()

    def acquire(self) -> Outcome:
        """Take the data folder, or hand over to the process that has it."""
        if self._lock.tryLock(0):
            self._listen()
            return Outcome.FIRST
        if self._lock.error() != QLockFile.LockError.LockFailedError:
            # Not "someone has it" but "cannot write here": the store will say what is wrong with the folder.
            log.warning("single-instance lock not taken: %s", self._lock.error())
            return Outcome.FAILED
        return Outcome.SHOWN if self._ask_to_show() else Outcome.NOT_ANSWERING

    def release(self) -> None:
        if self._watcher is not None:
            self._watcher.deleteLater()
            self._watcher = None
        self._lock.unlock()

    # -- the first process ----------------------------------------------------------------------------------

    def _listen(self) -> None:
        try:
            self._bell.write_text("", encoding="utf-8")  # a leftover request of a killed start is not ours
        except OSError as exc:
            log.warning("single-instance doorbell not set up: %s", exc)
            return  # still the only instance (the lock says so); a second start just cannot raise this window
        watcher = QFileSystemWatcher([str(self._bell)], self)
        watcher.fileChanged.connect(self._on_bell)
        self._watcher = watcher

    @Slot(str)
    def _on_bell(self, path: str) -> None:
        if self._watcher is not None and path not in self._watcher.files() and self._bell.exists():
            self._watcher.addPath(path)  # an editor-style replace drops the watch: keep listening
        try:
            words = self._bell.read_text(encoding="utf-8").split()
        except OSError:
            return
        if len(words) == 2 and words[0] == "show":
            try:
                self._answer.write_text(words[1], encoding="utf-8")
            except OSError as exc:
                log.warning("single-instance answer not written: %s", exc)
            self.show_requested.emit()

    # -- a second process -----------------------------------------------------------------------------------

    def _ask_to_show(self) -> bool:
        nonce = uuid.uuid4().hex
        try:
            self._bell.write_text(f"show {nonce}\n", encoding="utf-8")
        except OSError as exc:
            log.warning("single-instance doorbell not rung: %s", exc)
            return False
        ends = time.monotonic() + ANSWER_SECONDS
        while time.monotonic() < ends:
            if QCoreApplication.instance() is not None:
                QCoreApplication.processEvents()  # the owner may live in this very process (tests)
            try:
                if self._answer.read_text(encoding="utf-8").strip() == nonce:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False
