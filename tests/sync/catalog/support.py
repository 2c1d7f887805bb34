"""Helpers for the catalog, stock and price flow tests: a seeded sandbox, real clients, a temp-file store.

Not a conftest on purpose (the orders flow tests live in the same folder): each test module wraps
:func:`cat_environment` in its own ``cat_``-prefixed fixture.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from app.clients.moysklad import MoySkladClient, MoySkladLimits
from app.clients.retailcrm import RetailCrmClient, RetailCrmLimits
from app.clients.retry import RetryPolicy
from app.sandbox.core import LoggedRequest
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database, PricePair, StorePair, SyncSettings
from app.sync.catalog.flow import CatalogFlow
from app.sync.engine import FlowRunner, SyncEngine
from app.sync.model import Callbacks, CancelToken, Flow, LogEvent, RunReport
from app.sync.prices import PricesFlow
from app.sync.stock.flow import StockFlow


@dataclass
class CatEnv:
    """One seeded shop behind both emulators, clients for it, and a fresh store with one profile."""

    sandbox: Sandbox
    db: Database
    profile_id: int
    settings: SyncSettings
    retailcrm: RetailCrmClient
    moysklad: MoySkladClient
    events: list[LogEvent] = field(default_factory=list)
    stock_clock: Any = None  # passed to StockFlow (MoySklad's "now"); None: the real clock
    _sent_at_clear: int = 0

    # -- building and running an engine ------------------------------------------------------------------
    def flows(self) -> dict[Flow, FlowRunner]:
        return {
            Flow.CATALOG: CatalogFlow(),
            Flow.STOCK: StockFlow(clock=self.stock_clock) if self.stock_clock else StockFlow(),
            Flow.PRICES: PricesFlow(),
        }

    def engine(self, *, cancel: CancelToken | None = None, callbacks: Callbacks | None = None) -> SyncEngine:
        return SyncEngine(
            self.db,
            self.profile_id,
            self.settings,
            self.retailcrm,
            self.moysklad,
            self.flows(),
            callbacks=callbacks or Callbacks(on_log=self.events.append),
            cancel=cancel,
        )

    def run(self, *flows: Flow, dry_run: bool = False, full: bool = False) -> RunReport:
        chosen = flows or (Flow.CATALOG, Flow.STOCK, Flow.PRICES)
        return self.engine().run(chosen, dry_run=dry_run, full=full)

    def configure(self, **changes: Any) -> None:
        self.settings = replace(self.settings, **changes)

    # -- reading the emulators -------------------------------------------------------------------------------
    @property
    def rc_state(self) -> Any:
        return self.sandbox.retailcrm.state

    @property
    def ms_state(self) -> Any:
        return self.sandbox.moysklad.state

    def _sent(self) -> int:
        return self.retailcrm.stats.snapshot().requests + self.moysklad.stats.snapshot().requests

    def clear_log(self) -> None:
        self._settle()
        self.sandbox.log.clear()
        self._sent_at_clear = self._sent()

    def _settle(self) -> None:
        """Wait until the emulators logged every request the clients sent: a server writes its log line
        just after the answer has left, so a test reading the log at once could miss the last request."""
        expected = self._sent() - self._sent_at_clear
        deadline = time.monotonic() + 5.0
        while len(self.sandbox.log) < expected and time.monotonic() < deadline:
            time.sleep(0.002)

    def requests(self, service: str, method: str | None = None, path_part: str = "") -> list[LoggedRequest]:
        self._settle()
        return [
            e
            for e in self.sandbox.log.entries(service)
            if (method is None or e.method == method) and path_part in e.path
        ]

    def all_requests(self) -> list[LoggedRequest]:
        self._settle()
        return self.sandbox.log.entries()

    def messages(self, flow: Flow | None = None) -> list[str]:
        return [e.message for e in self.events if flow is None or e.flow == flow]

    def offer_links(self) -> dict[str, int]:
        return {ms: int(rc) for ms, rc in self.db.links(self.profile_id).ms_to_rc("offer").items()}

    def ms_store_id(self, name: str) -> str:
        store = self.ms_state.store_by_name(name)
        assert store is not None, name
        return str(store["id"])


def default_settings(sandbox: Sandbox) -> SyncSettings:
    shop = sandbox.shop
    ms = sandbox.moysklad.state
    store_pairs = []
    for store in shop.stores:
        found = ms.store_by_name(store.ms_name)
        assert found is not None, store.ms_name
        store_pairs.append(StorePair(found["id"], store.ms_name, store.rc_code))
    types_by_name = {t["name"]: t["id"] for t in ms.price_types()}
    price_pairs = [PricePair(types_by_name[p.ms_name], p.ms_name, p.rc_code) for p in shop.price_types]
    return SyncSettings(store_pairs=tuple(store_pairs), price_pairs=tuple(price_pairs))


@contextmanager
def cat_environment(
    *, products: int = 120, stores: int = 3, seed: int = 1, variant_share: float = 0.3, kits: bool = False,
    **settings: Any,
) -> Iterator[CatEnv]:
    """A started sandbox (no rate limits), fast-paced clients and a temp store; settings overrides apply."""
    from app.sandbox.seed import generate_shop

    shop = generate_shop(products=products, orders=0, stores=stores, seed=seed, variant_share=variant_share)
    options = SandboxOptions(products=products, orders=0, stores=stores, seed=seed, rate_limit=False, kits=kits)
    with Sandbox(options, shop=shop) as sandbox, TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "svyazka.sqlite3")
        retry = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, rng=random.Random(0))
        retailcrm = RetailCrmClient(
            sandbox.retailcrm_url,
            sandbox.retailcrm.api_key,
            limits=RetailCrmLimits(requests_per_second=10_000),
            retry=retry,
        )
        moysklad = MoySkladClient(
            sandbox.moysklad.token,
            base_url=sandbox.moysklad_url,
            limits=MoySkladLimits(capacity=100_000, learn_weights=False),
            retry=retry,
        )
        try:
            profile = db.profiles.create("Тест", sandbox.retailcrm_url, sandbox.moysklad_url, "admin@test")
            env = CatEnv(sandbox, db, profile.id, replace(default_settings(sandbox), **settings), retailcrm, moysklad)
            yield env
        finally:
            retailcrm.close()
            moysklad.close()
            db.close()


def seeded_offer(env: CatEnv, key: str) -> dict[str, Any]:
    """The RetailCRM offer (as the state renders it) of a seeded offer key."""
    xml_id = env.sandbox.shop.offer_index()[key].xml_id
    found = env.rc_state.find_offers(xml_id=xml_id)
    assert len(found) == 1, key
    return dict(found[0])


def ms_item_by_xml(env: CatEnv, xml_id: str) -> str:
    """The MoySklad id of the product or variant whose xmlId (externalCode, product#variant) is given."""
    product_code, _, variant_code = xml_id.partition("#")
    products = env.ms_state.find_products(external_code=product_code)
    assert len(products) == 1, xml_id
    if not variant_code:
        return str(products[0]["id"])
    for variant in env.ms_state.variants(products[0]["id"]):
        if variant["externalCode"] == variant_code:
            return str(variant["id"])
    raise AssertionError(xml_id)


def methods(entries: Sequence[LoggedRequest]) -> list[tuple[str, str]]:
    return [(e.method, e.path) for e in entries]
