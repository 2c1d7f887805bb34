"""``svyazka icml``: the ICML file of a saved profile's MoySklad catalog (app/sync/catalog/icml.py), written
without a sync: MoySklad is only read, RetailCRM is not asked at all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.clients.errors import SettingsError
from app.runner.build import clients_for
from app.sync.catalog.icml import IcmlResult, export_icml, icml_path


def export_profile_icml(
    db: Any,
    profile_id: int,
    secrets: Any,
    out: Path | None = None,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> IcmlResult:
    """Write the file to ``out``, else to the folder in the profile's settings."""
    profile = db.profiles.get(profile_id)
    if profile is None:
        raise SettingsError("svyazka", "Профиль подключения не найден. Пройдите настройку заново.", reason="profile")
    settings = db.settings(profile_id).load_sync()
    path = out or icml_path(settings)
    if path is None:
        raise SettingsError(
            "svyazka",
            "Не указано, куда записать файл каталога ICML. Укажите файл (svyazka icml --out ПУТЬ) или выберите "
            "папку для файла ICML в настройках Связки.",
            reason="icml_folder",
        )
    retailcrm, moysklad = clients_for(profile, secrets)
    try:
        return export_icml(moysklad, settings, path, shop_name=settings.retailcrm_site or profile.name, now=clock())
    finally:
        retailcrm.close()
        moysklad.close()
