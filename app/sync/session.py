"""Build a ready-to-run engine for a saved profile: clients from the keyring, flows registered.

The GUI worker and the CLI both call :func:`build_engine`; tests call it with a sandbox profile.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.allocator import limit_heap_arenas
from app.clients.errors import SettingsError
from app.clients.moysklad import MoySkladClient
from app.clients.retailcrm import RetailCrmClient
from app.clients.shape_journal import ShapeJournal, journal_path
from app.secrets import SecretStore
from app.store import Database, Profile
from app.sync.engine import FlowRunner, SyncEngine
from app.sync.model import Callbacks, CancelToken, Flow

SERVICE_RETAILCRM = "retailcrm"
SERVICE_MOYSKLAD = "moysklad"


def default_flows() -> dict[Flow, FlowRunner]:
    """Every flow the engine knows, keyed by :class:`Flow`."""
    from app.sync.flows import all_flows  # flows import clients and store; keep this module light

    return all_flows()


def clients_for(profile: Profile, secrets: SecretStore) -> tuple[RetailCrmClient, MoySkladClient]:
    """Clients for a profile, with the secrets from the keyring (or the environment variables).

    A missing key is a settings problem the person can fix, said in plain words.
    """
    key = secrets.get_retailcrm_key(profile.retailcrm_url)
    if not key:
        raise SettingsError(
            SERVICE_RETAILCRM,
            "API-ключ RetailCRM не найден в хранилище паролей. Откройте настройки и вставьте ключ заново "
            "(или задайте переменную окружения SVYAZKA_RETAILCRM_API_KEY).",
            reason="bad_credentials",
            detail="no key in keyring",
        )
    token = secrets.get_moysklad_token(profile.moysklad_account)
    if not token:
        raise SettingsError(
            SERVICE_MOYSKLAD,
            "Токен МойСклад не найден в хранилище паролей. Откройте настройки и подключите МойСклад заново "
            "(или задайте переменную окружения SVYAZKA_MOYSKLAD_TOKEN).",
            reason="bad_credentials",
            detail="no token in keyring",
        )
    retailcrm = RetailCrmClient(profile.retailcrm_url, key)
    try:
        moysklad = MoySkladClient(token, base_url=profile.moysklad_url)
    except BaseException:
        retailcrm.close()
        raise
    return retailcrm, moysklad


def build_engine(
    db: Database,
    profile_id: int,
    secrets: SecretStore,
    *,
    callbacks: Callbacks | None = None,
    cancel: CancelToken | None = None,
    flows: Mapping[Flow, FlowRunner] | None = None,
) -> SyncEngine:
    """An engine for one run of a saved profile. Close it with :func:`close_engine` (or ``with``)."""
    # Before the run's reader and writer threads exist: their buffers would otherwise spread over many heaps.
    limit_heap_arenas()
    profile = db.profiles.get(profile_id)
    if profile is None:
        raise SettingsError("svyazka", "Профиль подключения не найден. Пройдите настройку заново.", reason="profile")
    settings = db.settings(profile_id).load_sync()
    retailcrm, moysklad = clients_for(profile, secrets)
    if settings.retailcrm_site:
        retailcrm.site = settings.retailcrm_site
    # the run's answer shapes (no values), merged into the profile's journal by close_engine
    shapes = ShapeJournal(journal_path(db.path.parent, profile_id))
    retailcrm.stats.shapes = shapes
    moysklad.stats.shapes = shapes
    return SyncEngine(
        db,
        profile_id,
        settings,
        retailcrm,
        moysklad,
        flows if flows is not None else default_flows(),
        callbacks=callbacks,
        cancel=cancel,
    )


def close_engine(engine: SyncEngine) -> None:
    """Save the run's answer shapes into the profile's journal; close the engine's HTTP connections."""
    saved: set[int] = set()
    for client in (engine.retailcrm, engine.moysklad):
        shapes = getattr(getattr(client, "stats", None), "shapes", None)
        if isinstance(shapes, ShapeJournal) and id(shapes) not in saved:
            saved.add(id(shapes))
            shapes.save()
    for client in (engine.retailcrm, engine.moysklad):
        close = getattr(client, "close", None)
        if callable(close):
            close()
