"""Work around a reference-counting bug in PySide6's ``SignalInstance.emit`` (PySide6 6.12 on CPython < 3.12).

What breaks: ``SignalInstance.emit()`` returns ``True`` (or ``False``) without taking a reference for it, so every
emit made from Python code drops one reference to ``True``. After a few hundred emits the interpreter frees
``True`` and aborts with "Fatal Python error: bool_dealloc: deallocating True or False: bug likely caused by a
refcount error in a C extension": a long-running app with a tray and a schedule would crash within hours. On
CPython 3.12+ ``True`` is immortal (PEP 683), so the lost references do no harm there.

Upstream: no report of it was found in PySide's tracker (bugreports.qt.io, PYSIDE project) or elsewhere at the
time of writing; the test that shows it is tests/ui/test_qtcompat.py
(``test_emit_loses_a_reference_to_true_without_the_fix``): 100 emits of a signal without arguments lower
``sys.getrefcount(True)`` by 100 on PySide6 6.12.0 / CPython 3.11.7, and the process aborts at exit.

The fix takes the missing reference after each emit. It is installed by :func:`app.ui.main.main` (and the test
suite's Qt fixtures), only on the PySide6 versions listed in :data:`AFFECTED` on a CPython without immortal
objects, and only when a probe shows the bug there; so a fixed PySide6 runs untouched.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

import PySide6
from PySide6.QtCore import QObject, Signal, SignalInstance

# (major, minor) releases of PySide6 whose emit() loses a reference: seen in 6.12.0.
AFFECTED = frozenset({(6, 12)})

_installed = False


class _Probe(QObject):
    ping = Signal()


def affected_version(version: tuple[int, ...] | None = None, python: tuple[int, ...] | None = None) -> bool:
    """True for a PySide6 release listed in :data:`AFFECTED` on a CPython whose ``True`` can be freed."""
    version = version or tuple(PySide6.__version_info__[:2])
    python = python or sys.version_info[:2]
    return tuple(version[:2]) in AFFECTED and tuple(python[:2]) < (3, 12)


def emit_loses_references() -> bool:
    """True when emitting drops a reference to its return value (the bug)."""
    probe = _Probe()
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(4):
        probe.ping.emit()
    after = sys.getrefcount(True), sys.getrefcount(False)
    lost = (before[0] - after[0]) + (before[1] - after[1])
    # give the references back that the probe itself took away
    for _ in range(max(0, before[0] - after[0])):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    for _ in range(max(0, before[1] - after[1])):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(False))
    return lost >= 4


def install_signal_emit_fix() -> bool:
    """Patch ``SignalInstance.emit`` on an affected PySide6 whose emit loses references. Returns whether it is
    patched. Call it before anything emits a signal."""
    global _installed
    if _installed:
        return True
    if not affected_version() or not emit_loses_references():
        return False
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    py_object = ctypes.py_object

    def emit(self: Any, *args: Any) -> Any:
        result = original(self, *args)
        incref(py_object(result))  # the reference the binding forgot to take
        return result

    SignalInstance.emit = emit  # type: ignore[method-assign]
    _installed = True
    return True
