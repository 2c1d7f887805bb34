"""Build the engine for a :class:`RunRequest`: the one place a sync is put together (window, wizard, CLI, demo,
benchmark, sync child). Clients from the request's keys, the saved settings (or the request's override), every
flow the sync layer registers (:func:`app.sync.flows.all_flows`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from app.clients.moysklad import MoySkladClient
from app.clients.retailcrm import RetailCrmClient
from app.clients.shape_journal import ShapeJournal, journal_path
from app.runner.request import RunRequest, profile_keys
from app.store import Database, SyncSettings
from app.sync.engine import FlowRunner, SyncEngine
from app.sync.model import Callbacks, CancelToken, Flow


def default_flows() -> dict[Flow, FlowRunner]:
    """Every flow the engine knows, keyed by :class:`Flow`."""
    from app.sync.flows import all_flows  # flows import clients and store; keep this module light

    return all_flows()


def build_engine(
    db: Database,
    request: RunRequest,
    *,
    callbacks: Callbacks | None = None,
    cancel: CancelToken | None = None,
    flows: Mapping[Flow, FlowRunner] | None = None,
) -> SyncEngine:
    """An engine for one run of ``request``. Close it with :func:`close_engine` (or use :func:`opened_engine`)."""
    if request.settings is not None:
        settings = SyncSettings.from_json(request.settings)
    else:
        settings = db.settings(request.profile_id).load_sync()
    retailcrm, moysklad = _clients(request.retailcrm_url, request.retailcrm_key or "", request.moysklad_url,
                                   request.moysklad_token or "", settings.retailcrm_site or None)
    # the run's answer shapes (no values), merged into the profile's journal by close_engine (issue 18)
    shapes = ShapeJournal(journal_path(db.path.parent, request.profile_id))
    retailcrm.stats.shapes = shapes
    moysklad.stats.shapes = shapes
    return SyncEngine(
        db,
        request.profile_id,
        settings,
        retailcrm,
        moysklad,
        flows if flows is not None else default_flows(),
        callbacks=callbacks,
        cancel=cancel,
    )


def clients_for(profile: Any, secrets: Any) -> tuple[RetailCrmClient, MoySkladClient]:
    """Clients for a saved profile, with the secrets from the keyring (or the environment variables)."""
    key, token = profile_keys(profile, secrets)
    return _clients(profile.retailcrm_url, key, profile.moysklad_url, token, None)


def _clients(
    rc_url: str, key: str, ms_url: str, token: str, site: str | None
) -> tuple[RetailCrmClient, MoySkladClient]:
    retailcrm = RetailCrmClient(rc_url, key, site=site)
    try:
        moysklad = MoySkladClient(token, base_url=ms_url)
    except BaseException:
        retailcrm.close()
        raise
    return retailcrm, moysklad


def engine_for_profile(
    db: Database,
    profile_id: int,
    secrets: Any,
    *,
    callbacks: Callbacks | None = None,
    cancel: CancelToken | None = None,
    flows: Mapping[Flow, FlowRunner] | None = None,
) -> SyncEngine:
    """An engine for a saved profile with its keys from ``secrets`` (tests and scripts that drive it by hand)."""
    request = RunRequest.for_profile(db, profile_id, secrets)
    return build_engine(db, request, callbacks=callbacks, cancel=cancel, flows=flows)


def close_engine(engine: Any) -> None:
    """Save the run's answer shapes into the profile's journal; close the engine's HTTP connections."""
    saved: set[int] = set()
    for client in (getattr(engine, "retailcrm", None), getattr(engine, "moysklad", None)):
        shapes = getattr(getattr(client, "stats", None), "shapes", None)
        if isinstance(shapes, ShapeJournal) and id(shapes) not in saved:
            saved.add(id(shapes))
            shapes.save()
    for client in (getattr(engine, "retailcrm", None), getattr(engine, "moysklad", None)):
        close = getattr(client, "close", None)
        if callable(close):
            close()


@contextlib.contextmanager
def opened_engine(db: Database, request: RunRequest, **options: Any) -> Iterator[SyncEngine]:
    engine = build_engine(db, request, **options)
    try:
        yield engine
    finally:
        with contextlib.suppress(Exception):  # closing sockets must not hide the run's result
            close_engine(engine)
