"""Reconciliation («Сверка»): compare RetailCRM with MoySklad without writing to either (no Qt).

:class:`Reconciler` does the work on clients a caller already has; :func:`app.runner.check.check_profile` builds
them for a saved profile (``svyazka check``, the «Сверка» tab).
"""

from __future__ import annotations

from app.sync.reconcile.compare import Reconciler
from app.sync.reconcile.model import FIX_FLOWS, KIND_TITLES, CheckReport, Difference, Kind

__all__ = ["FIX_FLOWS", "KIND_TITLES", "CheckReport", "Difference", "Kind", "Reconciler"]
