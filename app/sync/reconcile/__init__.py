"""Reconciliation («Сверка»): compare RetailCRM with MoySklad without writing to either (no Qt).

:func:`check_profile` is what ``svyazka check`` and the «Сверка» tab call; :class:`Reconciler` does the work
on clients a caller already has (tests, the engine's).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from app.sync.reconcile.compare import Reconciler
from app.sync.reconcile.model import FIX_FLOWS, KIND_TITLES, CheckReport, Difference, Kind


def check_profile(
    db: Any,
    profile_id: int,
    secrets: Any,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[str], None] = lambda _text: None,
    check_cancel: Callable[[], None] = lambda: None,
) -> CheckReport:
    """Compare a saved profile's two services (clients from the keyring, as a sync builds them)."""
    from app.clients.errors import SettingsError
    from app.sync.session import clients_for

    profile = db.profiles.get(profile_id)
    if profile is None:
        raise SettingsError("svyazka", "Профиль подключения не найден. Пройдите настройку заново.", reason="profile")
    settings = db.settings(profile_id).load_sync()
    retailcrm, moysklad = clients_for(profile, secrets)
    try:
        if settings.retailcrm_site:
            retailcrm.site = settings.retailcrm_site
        return Reconciler(
            retailcrm, moysklad, settings, db, profile_id, clock=clock, progress=progress, check_cancel=check_cancel
        ).run()
    finally:
        retailcrm.close()
        moysklad.close()


__all__ = ["FIX_FLOWS", "KIND_TITLES", "CheckReport", "Difference", "Kind", "Reconciler", "check_profile"]
