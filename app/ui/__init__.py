"""Svyazka's desktop app (PySide6). Qt only: no HTTP and no SQL here.

Everything slow (network, keyring, queries, the sync itself) runs off the GUI thread through
:mod:`app.ui.worker`; results come back by signals. Start it with :func:`app.ui.main.main`, which also installs
the PySide6 workaround of :mod:`app.ui.qtcompat` before anything emits a signal.
"""
