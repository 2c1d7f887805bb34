"""Work around a reference-counting bug in PySide6's ``Signal.emit`` (seen in 6.12.0 on CPython 3.11).

``SignalInstance.emit()`` returns ``True`` without taking a reference for it, so every emit made from
Python code drops one reference to ``True``. After a few hundred emits the interpreter frees ``True``
and aborts ("bool_dealloc: deallocating True or False"): a long-running app with a tray and a schedule
would crash within hours. The fix takes the missing reference after each emit.

It is installed only when a probe shows the bug, so a fixed PySide6 (or a Python where ``True`` is
immortal, 3.12+) runs untouched.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

_installed = False


class _Probe(QObject):
    ping = Signal()


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
    """Patch ``SignalInstance.emit`` if (and only if) it loses references. Returns whether it patched."""
    global _installed
    if _installed:
        return True
    if not emit_loses_references():
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
