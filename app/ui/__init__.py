"""Svyazka's desktop app (PySide6). Qt only: no HTTP and no SQL here.

Everything slow (network, keyring, queries, the sync itself) runs off the GUI thread through
:mod:`app.ui.worker`; results come back by signals. Start it with :func:`app.ui.main.main`.
"""

from app.ui.qtcompat import install_signal_emit_fix

# Before any module of the app emits a signal: PySide6 6.12's emit() loses a reference each time.
install_signal_emit_fix()
