"""The Python API for tests: read and change the emulated CRM directly (never through an HTTP backdoor).

Everything runs under one re-entrant lock, shared with the HTTP handlers, so a test can change data while
a client is syncing. Readers return the same JSON shapes the API returns (fresh copies); changes made here
are journaled like a manager's work in the CRM's web UI (``source: "user"``).
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.sandbox.seed import Shop

from . import serialize as ser
from .catalog_logic import upload_inventories, upload_prices
from .config import ALL_SCOPES, RetailCrmConfig
from .database import Actor, Clock, Database
from .errors import ApiError
from .icml_import import load_icml
from .models import ApiKeyRecord, Number, Offer, Product, User
from .orders_logic import add_payment, create_order, delete_order, delete_payment, edit_order, edit_payment
from .seeding import MANAGERS, build_database
from .units import kop_decimal, to_kopecks, to_number


def _python_error(exc: ApiError) -> ValueError:
    detail = f": {exc.errors}" if exc.errors else ""
    return ValueError(f"{exc.message}{detail}")


def new_api_key() -> str:
    """A key shaped like RetailCRM's: 32 letters and digits."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(32))


class RetailCrmState:
    def __init__(self, shop: Shop, config: RetailCrmConfig | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.lock = threading.RLock()
        self.config = config or RetailCrmConfig()
        self.shop = shop
        self.db: Database = build_database(shop, self.config, Clock(clock))

    # --- API keys ------------------------------------------------------------------------------------
    def add_api_key(self, key: str, scopes: Iterable[str] | None = None, sites: Iterable[str] | None = None,
                    *, key_id: int | None = None) -> None:
        """Register a key. ``scopes`` None = every scope; ``sites`` None = access to all sites; ``key_id`` gives
        the key an id already in use (the seeded shop integration's, ``SITE_API_KEY_ID``)."""
        with self.lock:
            existing = self.db.api_keys.get(key)
            record = ApiKeyRecord(
                id=key_id if key_id is not None else existing.id if existing else self.db.next_id("api_key"),
                key=key,
                scopes=frozenset(ALL_SCOPES if scopes is None else scopes),
                sites=tuple(sites) if sites is not None else None,
            )
            self.db.api_keys[key] = record

    def remove_api_key(self, key: str) -> None:
        with self.lock:
            self.db.api_keys.pop(key, None)

    def api_key(self, key: str) -> ApiKeyRecord | None:
        with self.lock:
            return self.db.api_keys.get(key)

    # --- users (managers) ------------------------------------------------------------------------------
    def add_user(self, first_name: str, last_name: str | None = None, *, patronymic: str | None = None,
                 is_manager: bool = True, active: bool = True) -> int:
        """A user as an administrator adds one (``/api/v5/users``, routes/users.py); returns its id."""
        with self.lock:
            user_id = max([*self.db.users, *MANAGERS]) + 1
            self.db.users[user_id] = User(id=user_id, first_name=first_name, last_name=last_name,
                                          patronymic=patronymic, created_at=self.db.now(), is_manager=is_manager,
                                          active=active)
            return user_id

    def users(self) -> list[dict[str, Any]]:
        from .routes.users import user_json

        with self.lock:
            return [user_json(u) for _, u in sorted(self.db.users.items())]

    # --- reading -----------------------------------------------------------------------------------
    def orders(self) -> list[dict[str, Any]]:
        with self.lock:
            return [ser.order_json(self.db, o) for o in sorted(self.db.orders.values(), key=lambda o: o.id)]

    def order(self, order_id: int) -> dict[str, Any] | None:
        with self.lock:
            order = self.db.orders.get(order_id)
            return ser.order_json(self.db, order) if order else None

    def find_order(self, *, number: str | None = None, external_id: str | None = None,
                   site: str | None = None) -> dict[str, Any] | None:
        with self.lock:
            for order in self.db.orders.values():
                if site is not None and order.site != site:
                    continue
                if number is not None and order.number != number:
                    continue
                if external_id is not None and order.external_id != external_id:
                    continue
                if number is None and external_id is None:
                    continue
                return ser.order_json(self.db, order)
            return None

    def customers(self) -> list[dict[str, Any]]:
        with self.lock:
            return [ser.customer_json(self.db, c) for c in sorted(self.db.customers.values(), key=lambda c: c.id)]

    def customer(self, customer_id: int) -> dict[str, Any] | None:
        with self.lock:
            customer = self.db.customers.get(customer_id)
            return ser.customer_json(self.db, customer) if customer else None

    def offers(self) -> list[dict[str, Any]]:
        with self.lock:
            return [ser.offer_json(self.db, o) for o in sorted(self.db.offers.values(), key=lambda o: o.id)]

    def offer(self, offer_id: int) -> dict[str, Any] | None:
        with self.lock:
            offer = self.db.offers.get(offer_id)
            return ser.offer_json(self.db, offer) if offer else None

    def find_offers(self, *, article: str | None = None, xml_id: str | None = None,
                    external_id: str | None = None) -> list[dict[str, Any]]:
        """Exact matches (an article typed with odd case/spaces only matches itself, as in the CRM)."""
        with self.lock:
            found = []
            for offer in sorted(self.db.offers.values(), key=lambda o: o.id):
                if article is not None and offer.article != article:
                    continue
                if xml_id is not None and offer.xml_id != xml_id:
                    continue
                if external_id is not None and offer.external_id != external_id:
                    continue
                found.append(ser.offer_json(self.db, offer))
            return found

    def products(self) -> list[dict[str, Any]]:
        with self.lock:
            return [ser.product_json(self.db, p) for p in sorted(self.db.products.values(), key=lambda p: p.id)]

    def product(self, product_id: int) -> dict[str, Any] | None:
        with self.lock:
            product = self.db.products.get(product_id)
            return ser.product_json(self.db, product) if product else None

    def _offer(self, offer_id: int) -> Offer:
        offer = self.db.offers.get(offer_id)
        if offer is None:
            raise KeyError(f"no offer with id {offer_id}")
        return offer

    def stock(self, offer_id: int) -> dict[str, Number]:
        """``{store code: quantity}`` for the stores that have a stock row for this offer."""
        with self.lock:
            return dict(self._offer(offer_id).stock)

    def prices(self, offer_id: int) -> dict[str, Decimal]:
        with self.lock:
            return {code: kop_decimal(k) for code, k in self._offer(offer_id).prices.items()}

    def purchase_price(self, offer_id: int) -> Decimal | None:
        with self.lock:
            kopecks = self._offer(offer_id).purchase_price
            return kop_decimal(kopecks) if kopecks is not None else None

    def history(self, *, api_key: str | None = None) -> list[dict[str, Any]]:
        """The whole ``orders/history`` journal as the given key would read it."""
        with self.lock:
            record = self.db.api_keys.get(api_key) if api_key else None
            kid = record.id if record else None
            return copy.deepcopy([ser.history_json(e, "order", kid) for e in self.db.history])

    def customer_history(self, *, api_key: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            record = self.db.api_keys.get(api_key) if api_key else None
            kid = record.id if record else None
            return copy.deepcopy([ser.history_json(e, "customer", kid) for e in self.db.customer_history])

    def last_history_id(self) -> int:
        with self.lock:
            return self.db.history[-1].id if self.db.history else 0

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {
                "orders": len(self.db.orders),
                "customers": len(self.db.customers),
                "products": len(self.db.products),
                "offers": len(self.db.offers),
                "product_groups": len(self.db.groups),
                "history": len(self.db.history),
                "customer_history": len(self.db.customer_history),
                "api_keys": len(self.db.api_keys),
            }

    def stores(self) -> list[str]:
        with self.lock:
            return list(self.db.stores)

    def site_code(self) -> str:
        with self.lock:
            return next(iter(self.db.sites))

    # --- changing: what a manager does in the web UI -------------------------------------------------
    def user_edit_order(self, order_id: int, *, user_id: int = MANAGERS[0], source: str = "user",
                        **changes: Any) -> dict[str, Any]:
        """Change an order as a manager would (``source: "user"``), using API field names:
        ``user_edit_order(1001, status="complete", managerComment="...", delivery={"cost": 500})``.
        ``payments=[{"id": 9001, "status": "paid"}, {"type": "cash", "amount": 100}]`` edits or adds
        payments. Invalid changes raise ValueError and change nothing."""
        actor = Actor(source, user_id=user_id)
        with self.lock:
            order = self.db.orders.get(order_id)
            if order is None:
                raise KeyError(f"no order with id {order_id}")
            payments = changes.pop("payments", None)
            try:
                order = edit_order(self.db, order, changes, actor)
                for row in payments or []:
                    if row.get("id") is not None:
                        edit_payment(self.db, order, int(row["id"]), row, actor)
                    else:
                        add_payment(self.db, order, row, actor)
                    order = self.db.orders[order_id]
            except ApiError as exc:
                raise _python_error(exc) from exc
            return ser.order_json(self.db, self.db.orders[order_id])

    def user_delete_payment(self, order_id: int, payment_id: int, *, user_id: int = MANAGERS[0]) -> dict[str, Any]:
        """Delete a payment of an order as a manager would (journaled like ``orders/payments/{id}/delete``)."""
        with self.lock:
            order = self.db.orders.get(order_id)
            if order is None or payment_id not in order.payments:
                raise KeyError(f"no payment {payment_id} in order {order_id}")
            delete_payment(self.db, order, payment_id, Actor("user", user_id=user_id))
            return ser.order_json(self.db, self.db.orders[order_id])

    def user_delete_order(self, order_id: int, *, user_id: int = MANAGERS[0]) -> None:
        """Delete an order as a manager does in the web UI (the API has no order delete): it is gone from
        lists and gets, and ``orders/history`` gets a record with ``deleted: true``."""
        with self.lock:
            order = self.db.orders.get(order_id)
            if order is None:
                raise KeyError(f"no order with id {order_id}")
            delete_order(self.db, order, Actor("user", user_id=user_id))

    def create_order(self, order: Mapping[str, Any] | None = None, *, site: str | None = None,
                     user_id: int = MANAGERS[0], source: str = "user", **fields: Any) -> dict[str, Any]:
        """Create an order as a manager would (numbered "{id}C"); same body rules as ``orders/create``."""
        body = {**copy.deepcopy(dict(order or {})), **fields}
        with self.lock:
            site_code = site or body.get("site") or self.site_code()
            try:
                created = create_order(self.db, body, site_code, Actor(source, user_id=user_id))
            except ApiError as exc:
                raise _python_error(exc) from exc
            return ser.order_json(self.db, created)

    def add_offer(self, *, name: str, article: str | None = None, xml_id: str | None = None,
                  external_id: str | None = None, prices: Mapping[str, Any] | None = None,
                  purchase_price: Any = None, stock: Mapping[str, Any] | None = None,
                  product_id: int | None = None, barcode: str | None = None,
                  group_id: int | None = None) -> dict[str, Any]:
        """Add an offer (and its product unless ``product_id`` is given). Prices are roubles."""
        with self.lock:
            db = self.db
            now = db.now()
            site = self.site_code()
            if product_id is None:
                product = Product(
                    id=db.next_id("product"), site=site, catalog_id=db.sites[site].catalog_id, name=name,
                    article=article, external_id=xml_id.split("#")[0] if xml_id else external_id,
                    group_ids=[group_id] if group_id is not None else [], offer_ids=[], created_at=now,
                    updated_at=now,
                )
                db.products[product.id] = product
                db.index_product(product)
            else:
                product = db.products[product_id]
                product.updated_at = now
            offer = Offer(
                id=db.next_id("offer"), product_id=product.id, site=site, name=name, article=article,
                external_id=external_id if external_id is not None else xml_id, xml_id=xml_id, barcode=barcode,
                prices={code: to_kopecks(value) for code, value in (prices or {}).items()},
                purchase_price=to_kopecks(purchase_price) if purchase_price is not None else None,
                stock={code: to_number(qty) for code, qty in (stock or {}).items()},
            )
            unknown = [c for c in offer.prices if c not in db.price_types] + [
                s for s in offer.stock if s not in db.stores]
            if unknown:
                raise ValueError(f"unknown price types or stores: {unknown}")
            db.offers[offer.id] = offer
            db.index_offer(offer)
            product.offer_ids.append(offer.id)
            return ser.offer_json(db, offer)

    def rename_article(self, offer_id: int, new: str | None) -> None:
        """A manager retypes an offer's article (the sync must cope with the drift)."""
        with self.lock:
            offer = self._offer(offer_id)
            offer.article = new
            self.db.products[offer.product_id].updated_at = self.db.now()

    def set_offer_property(self, offer_id: int, code: str, value: str | None) -> None:
        """A manager edits an offer property (None removes it), e.g. the ``code`` MoySklad's «Код» sits in."""
        with self.lock:
            offer = self._offer(offer_id)
            if value is None:
                offer.properties.pop(code, None)
            else:
                offer.properties[code] = value
            self.db.products[offer.product_id].updated_at = self.db.now()

    def set_stock(self, offer_id: int, store_code: str, quantity: Any) -> None:
        with self.lock:
            result = upload_inventories(
                self.db, [{"id": offer_id, "stores": [{"code": store_code, "available": quantity}]}], None)
            if result["processedOffersCount"] != 1:
                raise KeyError(f"no offer with id {offer_id}")

    def set_price(self, offer_id: int, code: str, price: Any) -> None:
        """Set (roubles) or, with ``price=None``, remove one price of an offer."""
        entry: dict[str, Any] = {"code": code, "remove": True} if price is None else {"code": code, "price": price}
        with self.lock:
            try:
                result = upload_prices(self.db, [{"id": offer_id, "prices": [entry]}])
            except ApiError as exc:
                raise _python_error(exc) from exc
            if result["processedOffersCount"] != 1:
                raise KeyError(f"no offer with id {offer_id}")

    def set_catalog_mode(self, mode: str) -> None:
        """``"crm"``: the catalog is maintained in the CRM (products/batch/* work). ``"icml"``: it is loaded
        from an ICML file (``loadFromYml: true``, a ``ymlUrl``), and products/batch/* and product-group
        writes answer 400, as a CRM whose catalog comes from a feed would. Stock and price uploads work in
        both modes."""
        if mode not in ("crm", "icml"):
            raise ValueError('mode must be "crm" or "icml"')
        with self.lock:
            for site in self.db.sites.values():
                site.load_from_yml = mode == "icml"
                site.yml_url = f"{site.url}/retailcrm.xml" if mode == "icml" else None

    def load_icml(self, site: str, path: str | Path) -> dict[str, int]:
        """The site loads its catalog from the ICML file at ``path``, as RetailCRM does from the site's
        ``ymlUrl`` (``icml_import.py``): offers and products by their external ids, groups from the categories;
        its offers missing from the file are deactivated. Returns counts."""
        with self.lock:
            if site not in self.db.sites:
                raise KeyError(f"no site {site!r}")
            return load_icml(self.db, site, path)

    def set_store_inventory_type(self, store_code: str, inventory_type: str) -> None:
        """How a store counts stock in ``/reference/stores``: ``"integer"`` (units) or ``"available"`` (in stock
        or not), the two values real accounts show (recorded ``References/testStores.json``). Uploads to it are
        kept as sent: what the real service does with 5 on an ``available`` store is not recorded."""
        if inventory_type not in ("integer", "available"):
            raise ValueError('inventory_type must be "integer" or "available"')
        with self.lock:
            if store_code not in self.db.stores:
                raise KeyError(f"no store {store_code!r}")
            self.db.stores[store_code].inventory_type = inventory_type

    def set_catalog_id(self, catalog_id: int | str, site: str | None = None) -> None:
        """Give a site's catalog another id, e.g. a word: ``/reference/sites`` of real accounts shows
        ``"catalogId": "catalog"`` next to ``"81"`` (recorded ``References/testSites.json``). The site's
        products move with it."""
        with self.lock:
            code = site or self.site_code()
            old = self.db.sites[code].catalog_id
            self.db.sites[code].catalog_id = catalog_id
            for product in self.db.products.values():
                if product.site == code and product.catalog_id == old:
                    product.catalog_id = catalog_id

    def set_clock(self, source: Callable[[], datetime]) -> None:
        """Use another time source (naive local datetimes); the clock still never goes backwards."""
        with self.lock:
            self.db.clock.set_source(source)

    def now(self) -> datetime:
        with self.lock:
            return self.db.now()
