"""Helpers for the orders-flow tests: a seeded sandbox with the catalog linked, a store, an engine.

Not a conftest on purpose (tests/sync/stock and tests/sync/catalog use it too): each test module wraps
:func:`ord_environment` in its own ``ord_``-prefixed fixture. The catalog is linked by running the real
catalog flow once, as a first sync would.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx

from app.clients.moysklad import MoySkladClient, MoySkladLimits
from app.clients.retailcrm import RetailCrmClient, RetailCrmLimits
from app.clients.retry import RetryPolicy
from app.sandbox.core import LoggedRequest
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database, NewLink, SyncSettings
from app.sync.accounts import check_moysklad, check_retailcrm, suggest_settings
from app.sync.catalog.flow import CatalogFlow
from app.sync.engine import SyncEngine
from app.sync.model import Callbacks, Flow, LogEvent, RunReport
from app.sync.orders.flow import OrdersFlow

SMALL_SHOP = SandboxOptions(products=120, orders=60, stores=3, seed=3, rate_limit=False)


def fast_retry(attempts: int = 8, seed: int = 0) -> RetryPolicy:
    return RetryPolicy(max_attempts=attempts, base_delay=0.002, max_delay=0.02, max_total=20.0, rng=random.Random(seed))


def link_catalog(sandbox: Sandbox, db: Database, profile_id: int, settings: SyncSettings,
                 rc: RetailCrmClient, ms: MoySkladClient) -> int:
    """Link the offers the way a first sync does: one run of the catalog flow. Returns the offer links made."""
    engine = SyncEngine(db, profile_id, settings, rc, ms, {Flow.CATALOG: CatalogFlow()})
    report = engine.run([Flow.CATALOG])
    assert report.errors == 0, report.message
    links = db.links(profile_id).count("offer")
    assert links > 100, "the catalog flow linked too few offers for the orders tests to mean anything"
    return links


def link_catalog_from_seed(sandbox: Sandbox, db: Database, profile_id: int) -> int:
    """Offer links straight from the seed (every offer in both services), without running any flow."""
    ms_state, rc_state = sandbox.moysklad.state, sandbox.retailcrm.state
    products = {p["externalCode"]: p["id"] for p in ms_state.products()}
    variants = {v["externalCode"]: v["id"] for v in ms_state.variants()}
    rc_by_xml: dict[str, int] = {}
    for offer in rc_state.offers():
        if offer.get("xmlId"):
            rc_by_xml.setdefault(offer["xmlId"], int(offer["id"]))
    rows = []
    for seed_offer in sandbox.shop.offers():
        if not (seed_offer.in_moysklad and seed_offer.in_retailcrm):
            continue
        rc_id = rc_by_xml.get(seed_offer.xml_id)
        if seed_offer.variant_key is None:
            ms_id, ms_type = products.get(seed_offer.xml_id), "product"
        else:
            ms_id, ms_type = variants.get(seed_offer.xml_id.split("#", 1)[1]), "variant"
        if rc_id is None or ms_id is None:
            continue
        rows.append(NewLink(kind="offer", ms_id=ms_id, rc_id=str(rc_id), ms_type=ms_type, rc_ext=seed_offer.xml_id))
    return db.links(profile_id).bulk_upsert(rows)


@dataclass
class OrdEnv:
    sandbox: Sandbox
    db: Database
    profile_id: int
    settings: SyncSettings
    retailcrm: RetailCrmClient
    moysklad: MoySkladClient
    flow: OrdersFlow = field(default_factory=OrdersFlow)
    events: list[LogEvent] = field(default_factory=list)

    @property
    def rc_state(self) -> Any:
        return self.sandbox.retailcrm.state

    @property
    def ms_state(self) -> Any:
        return self.sandbox.moysklad.state

    def configure(self, **changes: Any) -> None:
        self.settings = replace(self.settings, **changes)

    def run(self, *, dry_run: bool = False, full: bool = False) -> RunReport:
        self.events.clear()
        engine = SyncEngine(
            self.db, self.profile_id, self.settings, self.retailcrm, self.moysklad, {Flow.ORDERS: self.flow},
            callbacks=Callbacks(on_log=self.events.append),
        )
        return engine.run([Flow.ORDERS], dry_run=dry_run, full=full)

    def messages(self) -> list[str]:
        return [e.message for e in self.events]

    def writes(self, since: int = 0) -> list[LoggedRequest]:
        """MoySklad and RetailCRM requests that change data, logged after position ``since``."""
        entries = self.sandbox.log.entries()[since:]
        return [e for e in entries if _is_write(e)]

    def log_size(self) -> int:
        return len(self.sandbox.log.entries())

    def ms_orders(self) -> list[dict[str, Any]]:
        return self.ms_state.customer_orders()

    def ms_order(self, rc_id: int) -> dict[str, Any]:
        found = self.ms_state.find_customer_orders(external_code=str(rc_id))
        assert len(found) == 1, f"expected one MoySklad order for RetailCRM order {rc_id}, found {len(found)}"
        return found[0]

    def conflicts(self, kind: str | None = None, status: str | None = "open") -> list[Any]:
        return self.db.conflicts(self.profile_id).list(status=status, kind=kind)


def _is_write(entry: LoggedRequest) -> bool:
    if entry.service == "moysklad":
        if entry.method == "PUT" and entry.path.endswith("/entity/demand/new"):
            return False  # a template: reads only
        return entry.method in ("POST", "PUT", "DELETE")
    return entry.method == "POST"


# The sandbox runs without its rate limits here, so the clients need not pace themselves either.
FAST_RC = RetailCrmLimits(requests_per_second=1000, rejection_pause=0.01)
FAST_MS = MoySkladLimits(capacity=100_000, learn_weights=False)


# A 429 and its Retry-After still pass: only the advisory bucket figures are dropped.
_ADVISORY = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-lognex-reset", "x-lognex-retry-timeinterval")


class UnpacedTransport(httpx.BaseTransport):
    """Drops MoySklad's advisory bucket headers from every answer but a 429.

    The emulator sends them even with ``rate_limit=False``, and the client then paces itself to the real
    45 units per 3 s; pacing is tested with the client, these tests are about the flow.
    """

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if response.status_code != 429:
            for name in _ADVISORY:
                if name in response.headers:
                    del response.headers[name]
        return response

    def close(self) -> None:
        self._inner.close()


def make_clients(sandbox: Sandbox, attempts: int = 8, seed: int = 0, page_limit: int = 100
                 ) -> tuple[RetailCrmClient, MoySkladClient]:
    rc = RetailCrmClient(sandbox.retailcrm_url, sandbox.retailcrm.api_key, retry=fast_retry(attempts, seed),
                         limits=FAST_RC, page_limit=page_limit)
    ms = MoySkladClient(sandbox.moysklad.token, base_url=sandbox.moysklad_url, retry=fast_retry(attempts, seed),
                        limits=FAST_MS, transport=UnpacedTransport())
    return rc, ms


def open_env(sandbox: Sandbox, tmp_path: Path, *, attempts: int = 8, page_limit: int = 100,
             linking: str = "catalog", **settings_changes: Any) -> OrdEnv:
    """Clients, a fresh store and the wizard's suggested settings for ``sandbox``.

    ``linking``: "catalog" runs the catalog flow once, "seed" writes offer links from the seed, "none" leaves
    the catalog unlinked.
    """
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = Database.open(tmp_path / "svyazka.sqlite3")
    profile = db.profiles.create("Тест", sandbox.retailcrm_url, sandbox.moysklad_url, "admin@test")
    rc, ms = make_clients(sandbox, attempts, page_limit=page_limit)
    suggestion = suggest_settings(check_retailcrm(rc), check_moysklad(ms))
    # every seeded order counts here, the older ones too (the seed dates some of them months back): the first
    # run's 30-day window has tests of its own (orders_window_test, tests/sync/test_any_date.py)
    settings_changes.setdefault("first_sync_days", 0)
    settings = replace(suggestion.settings, **settings_changes)
    if linking == "catalog":
        link_catalog(sandbox, db, profile.id, settings, rc, ms)
    elif linking == "seed":
        link_catalog_from_seed(sandbox, db, profile.id)
    return OrdEnv(sandbox, db, profile.id, settings, rc, ms)


def close_env(env: OrdEnv) -> None:
    env.retailcrm.close()
    env.moysklad.close()
    env.db.close()


@contextmanager
def ord_environment(*, linking: str = "catalog", kits: bool = False, **settings_changes: Any) -> Iterator[OrdEnv]:
    """A started small seeded shop (no rate limits), its catalog linked, and a temp store. ``kits``: the shop
    also has a bundle and a service (app/sandbox/kits.py)."""
    with Sandbox(replace(SMALL_SHOP, kits=kits)) as sandbox, TemporaryDirectory() as tmp:
        env = open_env(sandbox, Path(tmp), linking=linking, **settings_changes)
        try:
            yield env
        finally:
            close_env(env)


def exportable(env: OrdEnv, orders: Iterable[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """RetailCRM orders in an export status (as the state API returns them)."""
    statuses = set(env.settings.export_statuses)
    return [o for o in (orders if orders is not None else env.rc_state.orders()) if o["status"] in statuses]


def ref_id(value: Any) -> str | None:
    """The id in a MoySklad reference (``{"meta": {"href": …/<id>}}``)."""
    from app.clients.parsing import meta_id

    return meta_id(value) if value else None


def goods_rows(ms_order: dict[str, Any]) -> list[dict[str, Any]]:
    """The positions of a MoySklad order (``expand=positions``) that are goods, not the delivery service."""
    return [r for r in ms_order["positions"]["rows"] if r["assortment"]["meta"]["type"] != "service"]


def linked_offer_ids(env: OrdEnv) -> list[int]:
    return sorted(int(rc) for rc in env.db.links(env.profile_id).all("offer", by="rc"))


def customer_ids_by_email(env: OrdEnv) -> dict[str, int]:
    return {c["email"]: int(c["id"]) for c in env.rc_state.customers() if c.get("email")}


def new_order(env: OrdEnv, customer_id: int | None, offers: list[int], *, status: str = "new",
              quantity: int = 1, **fields: Any) -> dict[str, Any]:
    """An order typed in by a manager (journaled as a user change), with linked offers by default."""
    body: dict[str, Any] = {
        "status": status,
        "shipmentStore": "main",
        "items": [{"offer": {"id": offer}, "quantity": quantity} for offer in offers],
        "delivery": {"code": "courier", "address": {"text": "Москва, ул. Тестовая, д. 1"}},
        **fields,
    }
    if customer_id is not None:
        body["customer"] = {"id": customer_id}
    return env.rc_state.create_order(body)


def expected_exports(env: OrdEnv, exclude_customers: Iterable[int] = ()) -> set[str]:
    """RetailCRM ids of the orders a first run must export, worked out from the data, not from the flow:
    in an export status that is mapped, every line's offer linked, the customer not excluded."""
    links = env.db.links(env.profile_id).all("offer", by="rc")
    excluded = set(exclude_customers)
    result = set()
    for order in exportable(env):
        if not env.settings.status_map.get(order["status"]):
            continue
        if (order.get("customer") or {}).get("id") in excluded:
            continue
        items = order.get("items") or []
        if all(str((item.get("offer") or {}).get("id")) in links for item in items):
            result.add(str(order["id"]))
    return result


def ambiguous_customer_ids(env: OrdEnv) -> set[int]:
    """RetailCRM customers whose phone is on two seeded counterparties (the seed's planted ambiguity)."""
    phones = set(env.sandbox.shop.anomalies.get("ambiguous_counterparty_phone", []))
    return {int(c["id"]) for c in env.rc_state.customers()
            if any(p.get("number") in phones for p in c.get("phones") or [])}


def outcome(env: OrdEnv) -> dict[str, Any]:
    """What the orders flow left in MoySklad, in words that do not depend on generated ids."""
    counterparty_names = {c["id"]: c["name"] for c in env.ms_state.counterparties()}
    orders = env.ms_orders()
    by_id = {o["id"]: o["externalCode"] for o in orders}
    return {
        "orders": sorted(o["externalCode"] for o in orders),
        "lines": {o["externalCode"]: [(ref_id(r["assortment"]), r["quantity"], r["price"], r["discount"], r["reserve"])
                                      for r in o["positions"]["rows"]] for o in orders},
        "states": {o["externalCode"]: ref_id(o.get("state")) for o in orders},
        "agents": {o["externalCode"]: counterparty_names.get(ref_id(o["agent"]) or "") for o in orders},
        "counterparties": sorted(counterparty_names.values()),
        "demands": sorted(by_id.get(ref_id(d.get("customerOrder")) or "", "?") for d in env.ms_state.demands()),
    }
