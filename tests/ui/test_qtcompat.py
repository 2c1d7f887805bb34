"""The PySide6 emit workaround (app/ui/qtcompat.py): the bug it works around, and that it applies only where needed.

The first test runs in a fresh interpreter without the fix, so it fails (the bug is gone) on a PySide6 that
returns emit()'s result with its reference; then :data:`app.ui.qtcompat.AFFECTED` should lose that release.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.ui import qtcompat

_EMITS = (
    "import sys\n"
    "from PySide6.QtCore import QObject, Signal\n"
    "{setup}"
    "class P(QObject):\n"
    "    ping = Signal()\n"
    "p = P()\n"
    "before = sys.getrefcount(True)\n"
    "for _ in range(100):\n"
    "    p.ping.emit()\n"
    "print(before - sys.getrefcount(True), flush=True)\n"
    "import os; os._exit(0)\n"  # skip the interpreter's finalization, where a freed True aborts
)


def _lost(setup: str = "") -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _EMITS.format(setup=setup)], capture_output=True, text=True,
                          env=env, timeout=120, check=True)
    return int(done.stdout.strip())


@pytest.mark.skipif(not qtcompat.affected_version(), reason="PySide6 release not listed as affected")
def test_emit_loses_a_reference_to_true_without_the_fix() -> None:
    assert _lost() == 100


def test_the_fix_keeps_the_references() -> None:
    assert _lost("from app.ui.qtcompat import install_signal_emit_fix\ninstall_signal_emit_fix()\n") == 0


def test_only_listed_releases_on_a_python_whose_true_can_be_freed_are_affected() -> None:
    assert qtcompat.affected_version((6, 12, 0), (3, 11))
    assert not qtcompat.affected_version((6, 12, 0), (3, 12))  # True is immortal there (PEP 683)
    assert not qtcompat.affected_version((6, 7, 3), (3, 11))
    assert not qtcompat.affected_version((6, 13, 0), (3, 11))


def test_importing_the_app_ui_package_patches_nothing() -> None:
    code = (
        "import app.ui, app.ui.worker\n"
        "from PySide6.QtCore import SignalInstance\n"
        "print(SignalInstance.emit.__module__ if hasattr(SignalInstance.emit, '__module__') else '-')\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert "app.ui.qtcompat" not in done.stdout
