"""One desktop app per data folder: a second start brings the first window to the front and exits.

Closing the window only hides it to the tray, so users start the app again from the menu or the desktop.
Without a guard that second start was a second process with its own scheduler, syncing the same shop
beside the first. The guard is two Qt pieces, keyed by the data folder:

* a :class:`QLockFile` in the data folder says who owns it. Qt removes a lock left by a killed process
  itself: the lock file records the owner's PID, host and boot id, and a lock whose process is gone (or
  older than the stale time, for a PID reused meanwhile) is taken over. A live owner keeps its lock even
  then: Qt holds an ``flock`` on it (Unix) or keeps it open without delete sharing (Windows), so it cannot
  be removed under a running app (Qt's qlockfile_unix.cpp / qlockfile_win.cpp, ``removeStaleLock``).
* a :class:`QLocalServer` (a local socket on Unix, a named pipe on Windows) whose name is derived from the
  data folder: the second start connects and sends ``show``; the first emits :attr:`show_requested`.

The demo (``--demo``) runs in a throw-away folder of its own and takes no guard (see ``app/ui/main.py``).
"""

from __future__ import annotations

import hashlib
import logging
import os
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QByteArray, QLockFile, QObject, QThread, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

LOCK_FILENAME = "svyazka-window.lock"
SHOW_MESSAGE = b"show\n"
# A lock whose PID now belongs to another process of the same name (``python`` in development) counts as
# stale after this long. Safe for a live owner: Qt cannot remove a lock file its owner still holds.
STALE_LOCK_MS = 10_000
CONNECT_TIMEOUT_MS = 1_000
CONNECT_ATTEMPTS = 5  # the first start takes the lock a moment before it listens


class Outcome(Enum):
    FIRST = "first"  # this process owns the data folder
    SHOWN = "shown"  # another process owns it and was asked to show its window
    NOT_ANSWERING = "not_answering"  # another process owns it but did not take the message
    FAILED = "failed"  # the lock file could not be written (permissions, full disk): run unguarded


def server_name(data_dir: Path) -> str:
    """A short name for the local server: the same for one data folder and user, distinct otherwise.

    Short because a Unix socket path (Qt puts it in the temp folder) is limited to about 100 bytes; the user
    is in it because Windows pipe names are machine-wide.
    """
    key = f"{os.path.normcase(str(Path(data_dir).resolve()))}\0{_user()}"
    return "svyazka-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user name in the environment: the data folder alone still tells folders apart
        return ""


class SingleInstance(QObject):
    """``acquire()`` once at start-up; keep the object alive as long as the app runs."""

    show_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.name = server_name(self.data_dir)
        self._lock = QLockFile(str(self.data_dir / LOCK_FILENAME))
        self._lock.setStaleLockTime(STALE_LOCK_MS)
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytes] = {}

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
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    # -- the first process ----------------------------------------------------------------------------------

    def _listen(self) -> None:
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # We own the lock, so a server of this name is a leftover of a killed process (a socket file on Unix).
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            log.warning("single-instance server not listening: %s", server.errorString())
            return  # still the only instance (the lock says so); a second start just cannot raise this window
        server.newConnection.connect(self._on_new_connection)
        self._server = server

    @Slot()
    def _on_new_connection(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            socket = server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            self._on_ready_read(socket)  # the message may have arrived with the connection

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return
        data = self._buffers[socket] + bytes(socket.readAll().data())
        self._buffers[socket] = data[-64:]  # only a short word is ever expected
        if SHOW_MESSAGE in data:
            self._buffers[socket] = b""
            self.show_requested.emit()

    def _forget(self, socket: QLocalSocket) -> None:
        self._on_ready_read(socket)  # what came just before the end
        self._buffers.pop(socket, None)
        socket.deleteLater()

    # -- a second process -----------------------------------------------------------------------------------

    def _ask_to_show(self) -> bool:
        for _ in range(CONNECT_ATTEMPTS):
            socket = QLocalSocket()
            socket.connectToServer(self.name)
            if socket.waitForConnected(CONNECT_TIMEOUT_MS):
                socket.write(QByteArray(SHOW_MESSAGE))
                sent = socket.waitForBytesWritten(CONNECT_TIMEOUT_MS) or socket.bytesToWrite() == 0
                socket.disconnectFromServer()
                if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
                    socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
                if sent:
                    return True
            socket.abort()
            QThread.msleep(200)  # no server yet: the owner may be between taking the lock and listening
        return False
