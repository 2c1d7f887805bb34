"""«Сверка» for a saved profile: clients built as a sync builds them, then :class:`Reconciler` (reads only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from app.clients.errors import SettingsError
from app.messages import Message, msg
from app.runner.build import clients_for
from app.sync.reconcile import CheckReport, Reconciler


def check_profile(
    db: Any,
    profile_id: int,
    secrets: Any,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[Message | str], None] = lambda _text: None,  # app/messages: render with text_of
    check_cancel: Callable[[], None] = lambda: None,
) -> CheckReport:
    """Compare a saved profile's two services (clients from the keyring, as a sync builds them)."""

    profile = db.profiles.get(profile_id)
    if profile is None:
        raise SettingsError("svyazka", msg("runner.no_profile"), reason="profile")
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
