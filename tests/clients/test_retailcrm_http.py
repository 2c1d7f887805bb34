"""RetailCrmClient against the RetailCRM emulator over real HTTP."""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from app.clients.errors import (
    MaybeApplied,
    NotFound,
    ProtocolError,
    RemoteValidationError,
    ServiceUnavailable,
    SettingsError,
)
from app.clients.retailcrm import RetailCrmClient, RetailCrmLimits
from app.clients.retailcrm_models import InventoryUpdate, OfferRef, PriceUpdate, StoreLevel
from app.sandbox.core import EmulatorServer, FaultConfig, Request, RequestLog, Response
from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.seed import Shop, generate_shop

from .conftest import HtmlSite, fast_retry, faults, free_port, seed_for, settled_count, settled_entries

FAST = RetailCrmLimits(requests_per_second=60, rejection_pause=0.01)


@pytest.fixture(scope="module")
def rc(shop: Shop) -> Iterator[EmulatorServer]:
    """A RetailCRM emulator with a raised rate limit (functional tests); pacing tests start their own."""
    emulator = RetailCrmEmulator(shop, rps=60)
    with EmulatorServer(emulator, log=RequestLog()) as server:
        yield server


@pytest.fixture
def client(rc: EmulatorServer, shop: Shop) -> Iterator[RetailCrmClient]:
    rc.log.clear()
    emulator: RetailCrmEmulator = rc.emulator  # type: ignore[assignment]
    with RetailCrmClient(rc.base_url, emulator.api_key, site=shop.site_code, limits=FAST, retry=fast_retry()) as c:
        yield c


def emu(server: EmulatorServer) -> RetailCrmEmulator:
    return server.emulator  # type: ignore[return-value]


def requests_to(server: EmulatorServer, path: str, method: str | None = None) -> int:
    return settled_count(server, lambda e: e.path == path and (method is None or e.method == method))


# --- account and references ------------------------------------------------------------------------------


def test_credentials_and_versions(client: RetailCrmClient):
    assert "5.0" in client.api_versions()
    info = client.check_credentials()
    assert {"order_read", "order_write", "store_write"} <= info.scopes
    assert info.missing_scopes == ()
    assert info.site_access in ("access_full", "access_selective")


def test_references_are_typed(client: RetailCrmClient, shop: Shop):
    assert [s.code for s in client.sites()] == [shop.site_code]
    assert {s.code for s in client.stores()} == {s.rc_code for s in shop.stores}
    assert {p.code for p in client.price_types()} == {p.rc_code for p in shop.price_types}
    statuses = client.statuses()
    assert {s.code for s in statuses} == {s.code for s in shop.statuses}
    groups = client.status_groups()
    assert {g.code for g in groups} >= {s.group for s in shop.statuses}
    assert all(st.group in {g.code for g in groups} for st in statuses)
    delivery = client.delivery_types()
    assert {d.code for d in delivery} == {code for code, _, _ in shop.delivery_types}
    assert all(isinstance(d.default_cost, Decimal) for d in delivery if d.default_cost is not None)
    assert {p.code for p in client.payment_types()} == {code for code, _ in shop.payment_types}
    assert {m.code for m in client.order_methods()} == {code for code, _ in shop.order_methods}


def test_users_are_typed_read_in_pages_and_a_missing_right_is_named(client: RetailCrmClient, rc: EmulatorServer):
    from app.clients.retailcrm_models import User
    from app.sandbox.retailcrm import ALL_SCOPES

    state = emu(rc).state
    for n in range(25):  # more than one page of 20
        state.add_user(f"Имя{n}", f"Фамилия{n}")
    with RetailCrmClient(rc.base_url, emu(rc).api_key, limits=FAST, retry=fast_retry(), page_limit=20) as small:
        rc.log.clear()
        users = {u.id: u for u in small.users()}
        assert requests_to(rc, "/api/v5/users") == math.ceil(len(users) / 20) == 2
    assert users[7].name == "Смирнова Ольга" and users[12].name == "Алина"
    # the user recorded by the official PHP client (UsersTest testGet): a first name only
    recorded = User.from_api({"id": 28, "active": True, "email": "programmer@retailcrm.ru", "firstName": "programmer",
                              "isManager": True, "groups": [{"id": 25, "name": "Менеджеры", "code": "manager"}]})
    assert (recorded.id, recorded.name) == (28, "programmer")

    key = "no-users-key-5b1d"
    state.add_api_key(key, scopes=[s for s in ALL_SCOPES if s != "user_read"])
    with RetailCrmClient(rc.base_url, key, limits=FAST, retry=fast_retry()) as limited, \
            pytest.raises(SettingsError) as denied:
        limited.users()
    assert denied.value.reason == "no_access" and "user_read" in denied.value.message


def test_a_wrong_key_is_a_settings_error(rc: EmulatorServer):
    with (
        RetailCrmClient(rc.base_url, "definitely-not-a-key-123", retry=fast_retry()) as bad,
        pytest.raises(SettingsError) as caught,
    ):
        bad.check_credentials()
    error = caught.value
    assert error.reason == "bad_credentials"
    assert error.status == 403
    assert "ключ" in error.message
    assert "definitely-not-a-key-123" not in str(error) + repr(error)


def test_missing_scopes_are_named(rc: EmulatorServer):
    key = "readonly-key-7f3a9c"
    emu(rc).state.add_api_key(key, scopes=["order_read", "reference_read"])
    with RetailCrmClient(rc.base_url, key, limits=FAST, retry=fast_retry()) as limited:
        with pytest.raises(SettingsError) as caught:
            limited.check_credentials()
        error = caught.value
        assert error.reason == "missing_scopes"
        assert set(error.missing_scopes) == {
            "order_write",
            "customer_read",
            "customer_write",
            "store_read",
            "store_write",
        }
        for scope in error.missing_scopes:
            assert scope in error.message
        # asking only for what it has is fine
        assert limited.check_credentials(["order_read"]).missing_scopes == ()
        # a call outside its scopes names the one it lacks
        with pytest.raises(SettingsError) as denied:
            next(limited.iter_offers())
        assert denied.value.reason == "no_access"
        assert "store_read" in denied.value.message
        assert key not in str(denied.value)


def test_empty_key_is_refused_before_any_request(rc: EmulatorServer):
    with pytest.raises(SettingsError) as caught:
        RetailCrmClient(rc.base_url, "   ")
    assert caught.value.reason == "bad_credentials"


def test_an_address_without_retailcrm_is_account_not_found(html_site: EmulatorServer):
    with RetailCrmClient(html_site.base_url, "some-key-123456", retry=fast_retry()) as client:
        with pytest.raises(SettingsError) as on_get:
            client.check_credentials()
        with pytest.raises(SettingsError) as on_post:
            client.edit_order_status(1, "new")
    for caught in (on_get, on_post):
        assert caught.value.reason == "not_found"
        assert "не найден аккаунт RetailCRM" in caught.value.message


class Redirector(HtmlSite):
    """An address that sends everything elsewhere (an old domain, a custom domain gone wrong)."""

    def handle(self, request: Request) -> Response:
        return Response(status=301, headers={"Location": "https://other-shop.retailcrm.ru/api/v5/x"}, content_type=None)


def test_a_redirect_is_reported_not_followed_so_the_key_stays_home():
    with (
        EmulatorServer(Redirector("retailcrm"), log=RequestLog()) as server,
        RetailCrmClient(server.base_url, "key-never-sent-elsewhere", retry=fast_retry()) as client,
        pytest.raises(SettingsError) as caught,
    ):
        client.sites()
    assert "other-shop.retailcrm.ru" in caught.value.message
    assert caught.value.reason == "not_found"


class BrokenGzip(HtmlSite):
    """Says gzip, sends garbage: the body cannot be decoded."""

    def handle(self, request: Request) -> Response:
        response = Response(status=200, body=b"not gzip at all", headers={"Content-Encoding": "gzip"})
        response.compress = False
        return response


def test_an_undecodable_body_is_retried_then_reported_as_our_error_type():
    with (
        EmulatorServer(BrokenGzip("retailcrm"), log=RequestLog()) as server,
        RetailCrmClient(server.base_url, "key-for-broken-gzip", retry=fast_retry(attempts=3)) as client,
        pytest.raises(ServiceUnavailable),
    ):
        client.sites()
    assert client.stats.snapshot().requests == 3


# --- orders -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, 100, 101])
def test_order_paging_edges(client: RetailCrmClient, rc: EmulatorServer, count: int):
    all_ids = sorted(o["id"] for o in emu(rc).state.orders())
    wanted = all_ids[:count]
    flt = {"ids": wanted} if count else {"numbers": ["no-such-number"]}
    rc.log.clear()
    orders = list(client.iter_orders(flt))
    assert sorted(o.id for o in orders) == wanted
    assert len({o.id for o in orders}) == len(orders)  # no duplicates across pages
    assert requests_to(rc, "/api/v5/orders") == max(1, math.ceil(count / 100))


def test_orders_filter_by_status_and_typed_fields(client: RetailCrmClient, rc: EmulatorServer, shop: Shop):
    by_status: dict[str, int] = {}
    for order in emu(rc).state.orders():
        by_status[order["status"]] = by_status.get(order["status"], 0) + 1
    status, expected = max(by_status.items(), key=lambda kv: kv[1])
    orders = list(client.iter_orders({"extendedStatus": [status]}))
    assert len(orders) == expected
    assert all(o.status == status for o in orders)
    sample = orders[0]
    assert sample.site == shop.site_code
    assert sample.number and sample.created_at is not None
    assert sample.items and all(isinstance(i.initial_price, Decimal) for i in sample.items)
    assert all(i.offer.xml_id or i.offer.id for i in sample.items)
    assert sample.customer.first_name or sample.customer.last_name
    raw_total = Decimal(str(sample.raw["totalSumm"]))
    assert sample.total_summ == raw_total.quantize(Decimal("0.01"))


def test_create_get_edit_and_history(client: RetailCrmClient, rc: EmulatorServer):
    offer = emu(rc).state.offers()[0]
    last_history = emu(rc).state.last_history_id()
    order = client.create_order(
        {
            "externalId": "svz-create-1",
            "firstName": "Ольга",
            "lastName": "Смирнова",
            "phone": "+79990001122",
            "items": [{"offer": {"xmlId": offer["xmlId"]}, "quantity": 3, "initialPrice": Decimal("199.90")}],
            "delivery": {
                "code": "courier",
                "cost": Decimal("300"),
                "address": {"city": "Тверь", "text": "Тверь, ул. Ленина, 1"},
            },
            "status": "new",
        }
    )
    assert order.external_id == "svz-create-1"
    assert order.items[0].quantity == 3
    assert order.items[0].initial_price == Decimal("199.90")
    assert order.delivery.cost == Decimal("300.00")
    assert order.delivery.address.city == "Тверь"
    assert client.get_order("svz-create-1") == order
    assert client.get_order(order.id, by="id") == order
    assert client.get_order("svz-no-such-order") is None

    edited = client.edit_order("svz-create-1", {"status": "complete", "managerComment": "Собрано"})
    assert edited.status == "complete"
    assert client.edit_order_status(order.id, "new").status == "new"
    statuses = client.orders_statuses(ids=[order.id], external_ids=["svz-create-1"])
    assert {(s.id, s.status) for s in statuses} == {(order.id, "new")}

    records = list(client.iter_order_history(last_history))
    mine = [r for r in records if r.order_id == order.id]
    assert mine and all(r.source == "api" and r.api_key_current is True for r in mine)
    assert mine[0].created
    assert [r.new for r in mine if r.field == "status"][-2:] == [{"code": "complete"}, {"code": "new"}]
    assert all(a.id < b.id for a, b in itertools.pairwise(records))


def test_editing_a_missing_order_is_not_found(client: RetailCrmClient):
    with pytest.raises(NotFound):
        client.edit_order("svz-missing-order", {"status": "new"})


def test_invalid_data_is_a_validation_error_with_field_errors(client: RetailCrmClient):
    with pytest.raises(RemoteValidationError) as caught:
        client.edit_order_status(emu_first_order_id(client), "no-such-status")
    error = caught.value
    assert error.status == 400
    assert error.errors
    assert "RetailCRM отклонил данные" in error.message


def emu_first_order_id(client: RetailCrmClient) -> int:
    return next(client.iter_orders()).id


def test_history_walks_everything_by_since_id(client: RetailCrmClient, rc: EmulatorServer):
    expected = emu(rc).state.history()
    rc.log.clear()
    records = list(client.iter_order_history(0))
    assert [r.id for r in records] == [h["id"] for h in expected]
    pages = requests_to(rc, "/api/v5/orders/history")
    assert pages == math.ceil(len(expected) / 100)
    queries = [e.query for e in rc.log.entries() if e.path == "/api/v5/orders/history"]
    assert all("page=" not in q for q in queries)  # walks by sinceId, never by page
    # nothing new: one request, nothing yielded
    rc.log.clear()
    assert list(client.iter_order_history(records[-1].id)) == []
    assert requests_to(rc, "/api/v5/orders/history") == 1


def test_newest_history_id_takes_at_most_two_requests(client: RetailCrmClient, rc: EmulatorServer):
    newest = emu(rc).state.last_history_id()
    assert newest > 40  # several pages of 20: the second request must go to the last one
    rc.log.clear()
    assert client.newest_order_history_id() == newest
    queries = [e.query for e in settled_entries(rc, "/api/v5/orders/history")]
    pages = math.ceil(len(emu(rc).state.history()) / 20)
    assert len(queries) == 2 and f"page={pages}" in queries[1] and "limit=20" in queries[0]
    # a new change is the newest at once
    order = emu(rc).state.orders()[0]
    emu(rc).state.user_edit_order(order["id"], managerComment="позвонить")
    assert client.newest_order_history_id() == emu(rc).state.last_history_id() > newest


def test_newest_history_id_of_an_account_without_history_is_zero(shop: Shop):
    empty = generate_shop(products=5, orders=0, stores=1, seed=2)
    emulator = RetailCrmEmulator(empty, rps=60)
    with (
        EmulatorServer(emulator, log=RequestLog()) as server,
        RetailCrmClient(server.base_url, emulator.api_key, limits=FAST, retry=fast_retry()) as client,
    ):
        assert client.newest_order_history_id() == 0
        assert settled_count(server, lambda e: e.path == "/api/v5/orders/history") == 1


def test_orders_statuses_splits_long_id_lists(client: RetailCrmClient, rc: EmulatorServer):
    ids = [o["id"] for o in emu(rc).state.orders()][:120]
    rc.log.clear()
    result = client.orders_statuses(ids=ids, chunk=50)
    assert sorted(s.id for s in result) == sorted(ids)
    assert requests_to(rc, "/api/v5/orders/statuses") == 3


# --- customers --------------------------------------------------------------------------------------------


def test_customers(client: RetailCrmClient, rc: EmulatorServer):
    customers = list(client.iter_customers())
    assert len(customers) == len(emu(rc).state.customers())
    new_id = client.create_customer({"externalId": "svz-cust-1", "firstName": "Пётр", "email": "petr@example.ru"})
    found = client.get_customer("svz-cust-1")
    assert found is not None and found.id == new_id and found.email == "petr@example.ru"
    assert client.get_customer("svz-nobody") is None


# --- catalog, stock, prices -------------------------------------------------------------------------------


def test_catalog_reads(client: RetailCrmClient, rc: EmulatorServer):
    state = emu(rc).state
    offers = list(client.iter_offers())
    assert len(offers) == len(state.offers())
    sample = offers[0]
    assert sample.prices and all(isinstance(v, Decimal) for v in sample.prices.values())
    assert sample.prices == state.prices(sample.id)
    products = list(client.iter_products())
    assert len(products) == len(state.products())
    assert sum(len(p.offers) for p in products) == len(offers)
    groups = list(client.iter_product_groups())
    assert groups and all(g.name for g in groups)
    inventories = list(client.iter_inventories())
    assert len(inventories) == len(offers)
    first = inventories[0]
    assert first.stock_by_store() == {k: Decimal(str(v)) for k, v in state.stock(first.id).items()}


@pytest.mark.parametrize("count", [250, 251])
def test_offer_paging_at_250(client: RetailCrmClient, rc: EmulatorServer, count: int):
    ids = sorted(o["id"] for o in emu(rc).state.offers())[:count]
    rc.log.clear()
    offers = list(client.iter_offers({"ids": ids}))
    assert sorted(o.id for o in offers) == ids
    assert requests_to(rc, "/api/v5/store/offers") == math.ceil(count / 250)


@pytest.mark.parametrize("method", ["iter_offers", "iter_products"])
def test_a_refused_250_falls_back_to_100_and_stays_there(client: RetailCrmClient, rc: EmulatorServer, method: str):
    emulator = emu(rc)
    emulator.config.limit_250_on_catalog_lists = False
    try:
        expected = len(emulator.state.offers() if method == "iter_offers" else emulator.state.products())
        rc.log.clear()
        rows = list(getattr(client, method)())
        assert len({r.id for r in rows}) == len(rows) == expected
        assert client.catalog_page_limit == 100
        path = "/api/v5/store/offers" if method == "iter_offers" else "/api/v5/store/products"
        limits = [e.query for e in settled_entries(rc, path)]
        assert "limit=250" in limits[0] and all("limit=100" in q for q in limits[1:])
        assert len(limits) == 1 + math.ceil(expected / 100)
        rc.log.clear()
        list(getattr(client, method)())
        assert all("limit=100" in e.query for e in settled_entries(rc, path))
        assert client.inventory_page_limit == 250  # 250 is evidenced on inventories: untouched
    finally:
        emulator.config.limit_250_on_catalog_lists = True


def test_a_refusal_mid_walk_goes_on_from_the_first_row_not_yet_seen(client: RetailCrmClient, rc: EmulatorServer):
    """250 taken for page 1, refused for page 2 (a deploy between two requests): nothing lost, nothing twice."""
    emulator = emu(rc)
    ids = sorted(o["id"] for o in emulator.state.offers())[:260]
    rows = client.iter_offers({"ids": ids})
    first = [next(rows) for _ in range(250)]
    emulator.config.limit_250_on_catalog_lists = False
    try:
        rest = list(rows)
    finally:
        emulator.config.limit_250_on_catalog_lists = True
    seen = [o.id for o in first + rest]
    assert sorted(seen) == ids
    assert client.catalog_page_limit == 100


def test_other_400s_on_a_list_are_not_taken_for_a_limit_problem(client: RetailCrmClient, rc: EmulatorServer):
    with pytest.raises(RemoteValidationError):
        list(client.iter_products({"nonsense": "1"}))
    assert client.catalog_page_limit == 250


def test_inventory_upload_is_split_into_250s_and_reports_unknown_offers(client: RetailCrmClient, rc: EmulatorServer):
    state = emu(rc).state
    offers = state.offers()[:560]
    updates = [
        InventoryUpdate(OfferRef(xml_id=o["xmlId"]), (StoreLevel("main", 5 + i % 7, Decimal("10.10")),))
        for i, o in enumerate(offers)
    ]
    updates.append(InventoryUpdate(OfferRef(xml_id="svz-unknown-offer"), (StoreLevel("main", 1),)))
    rc.log.clear()
    result = client.upload_inventories(updates)
    assert result.batches == 3
    assert requests_to(rc, "/api/v5/store/inventories/upload") == 3
    assert result.processed == len(offers)
    assert [r.xml_id for r in result.not_found] == ["svz-unknown-offer"]
    for i, offer in enumerate(offers[:20]):
        assert state.stock(offer["id"])["main"] == 5 + i % 7
        assert state.purchase_price(offer["id"]) == Decimal("10.10")


def test_price_upload_sets_and_removes(client: RetailCrmClient, rc: EmulatorServer):
    state = emu(rc).state
    offer = state.offers()[3]
    before = state.prices(offer["id"])
    removable = next(code for code in before if code != "base")
    result = client.upload_prices(
        [PriceUpdate(OfferRef(id=offer["id"]), {"base": Decimal("1234.56"), removable: None})]
    )
    assert result.processed == 1 and result.not_found == ()
    after = state.prices(offer["id"])
    assert after["base"] == Decimal("1234.56")
    assert removable not in after


def test_products_batch_create_and_edit_in_50s(client: RetailCrmClient, rc: EmulatorServer):
    catalog_id = client.sites()[0].catalog_id
    products = [
        {"name": f"Тестовый товар {i}", "externalId": f"svz-p-{i}", "catalogId": int(catalog_id or 1)}
        for i in range(120)
    ]
    rc.log.clear()
    created = client.products_batch_create(products)
    assert created.batches == 3 and created.processed == 120 and len(created.added_ids) == 120
    assert requests_to(rc, "/api/v5/store/products/batch/create") == 3
    edited = client.products_batch_edit([{"id": pid, "name": "Переименован"} for pid in created.added_ids[:10]])
    assert edited.processed == 10
    names = {p["id"]: p["name"] for p in emu(rc).state.products()}
    assert all(names[pid] == "Переименован" for pid in created.added_ids[:10])


def test_create_product_group(client: RetailCrmClient):
    group_id = client.create_product_group({"name": "Новинки", "externalId": "svz-group-1"})
    assert any(g.id == group_id and g.name == "Новинки" for g in client.iter_product_groups())


# --- faults, retries, idempotency -------------------------------------------------------------------------


def test_reads_survive_a_storm_of_5xx_503_drops_and_truncated_bodies(client: RetailCrmClient, rc: EmulatorServer):
    expected = len(emu(rc).state.orders())
    storm = FaultConfig(share_5xx=0.15, share_rate_limited=0.15, share_dropped=0.1, share_malformed=0.05, seed=11)
    with faults(rc, storm):
        orders = list(client.iter_orders())
        history = list(client.iter_order_history(0))
    assert len(orders) == expected
    assert [r.id for r in history] == [h["id"] for h in emu(rc).state.history()]
    met = {e.fault for e in rc.log.entries() if e.fault}
    assert {"5xx", "rate"} <= met
    stats = client.stats.snapshot()
    assert stats.retries > 0 and stats.rate_limited > 0 and stats.server_errors > 0


def test_truncated_answers_forever_are_a_protocol_error(client: RetailCrmClient, rc: EmulatorServer):
    with faults(rc, FaultConfig(share_malformed=1.0)), pytest.raises(ProtocolError):
        client.sites()


@pytest.mark.parametrize("after_handling", [1.0, 0.0])
def test_create_with_a_dropped_connection_is_maybe_applied_and_never_resent(
    client: RetailCrmClient, rc: EmulatorServer, after_handling: float
):
    state = emu(rc).state
    external_id = f"svz-dropped-{int(after_handling)}"
    offer = state.offers()[1]
    body = {
        "externalId": external_id,
        "firstName": "Анна",
        "items": [{"offer": {"xmlId": offer["xmlId"]}, "quantity": 1}],
    }
    rc.log.clear()
    with (
        faults(rc, FaultConfig(share_dropped=1.0, drop_after_handling=after_handling)),
        pytest.raises(MaybeApplied) as caught,
    ):
        client.create_order(body)
    assert requests_to(rc, "/api/v5/orders/create") == 1  # sent exactly once
    assert "дубль" in caught.value.message
    # what the caller does next: look it up by externalId, create only if absent
    existing = client.get_order(external_id)
    if existing is None:
        client.create_order(body)
    assert len([o for o in state.orders() if o.get("externalId") == external_id]) == 1
    assert (existing is not None) == (after_handling == 1.0)


def test_create_after_a_5xx_is_maybe_applied(client: RetailCrmClient, rc: EmulatorServer):
    offer = emu(rc).state.offers()[2]
    body = {"externalId": "svz-5xx", "items": [{"offer": {"xmlId": offer["xmlId"]}, "quantity": 1}]}
    rc.log.clear()
    with faults(rc, FaultConfig(share_5xx=1.0)), pytest.raises(MaybeApplied):
        client.create_order(body)
    assert requests_to(rc, "/api/v5/orders/create") == 1


def test_create_is_retried_when_rate_limited_since_nothing_was_processed(client: RetailCrmClient, rc: EmulatorServer):
    offer = emu(rc).state.offers()[4]
    body = {"externalId": "svz-503", "items": [{"offer": {"xmlId": offer["xmlId"]}, "quantity": 1}]}
    rc.log.clear()
    with faults(rc, FaultConfig(share_rate_limited=0.6, seed=5)):
        order = client.create_order(body)
    assert order.external_id == "svz-503"
    assert [o for o in emu(rc).state.orders() if o.get("externalId") == "svz-503"] != []
    assert len([o for o in emu(rc).state.orders() if o.get("externalId") == "svz-503"]) == 1
    assert requests_to(rc, "/api/v5/orders/create") >= 1


def test_connection_refused_is_retried_then_service_unavailable():
    client = RetailCrmClient(f"http://127.0.0.1:{free_port()}", "key-for-nowhere-1", retry=fast_retry(attempts=3))
    with client, pytest.raises(ServiceUnavailable) as caught:
        client.create_order({"externalId": "x"})
    assert not isinstance(caught.value, MaybeApplied)  # never sent: safe, and said so
    assert "соединиться" in caught.value.message
    assert client.stats.snapshot().requests == 3


# --- pacing at the real limit -----------------------------------------------------------------------------


def test_eight_threads_at_the_real_limit_meet_no_503(shop: Shop):
    emulator = RetailCrmEmulator(shop, rps=10)
    with (
        EmulatorServer(emulator, log=RequestLog()) as server,
        RetailCrmClient(server.base_url, emulator.api_key, retry=fast_retry()) as client,
    ):
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                for _ in range(3):
                    client.statuses()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert settled_count(server, lambda e: e.status == 200) == 24
        assert settled_count(server, lambda e: e.status == 503) == 0
        assert client.stats.snapshot().rate_limited == 0


# --- timeouts ---------------------------------------------------------------------------------------------

SHORT_READ = httpx.Timeout(connect=2.0, read=0.15, write=2.0, pool=2.0)


def test_a_read_that_times_out_is_retried(rc: EmulatorServer, shop: Shop):
    emulator = emu(rc)
    with (
        RetailCrmClient(rc.base_url, emulator.api_key, limits=FAST, retry=fast_retry(), timeout=SHORT_READ) as client,
        faults(rc, FaultConfig(share_slow=0.5, slow_ms=400, seed=seed_for(0.5, [True, False], slow=True))),
    ):
        sites = client.sites()
    assert [s.code for s in sites] == [shop.site_code]
    assert client.stats.snapshot().transport_errors == 1
    assert client.stats.snapshot().retries == 1


def test_a_create_that_times_out_is_maybe_applied_and_found_later(rc: EmulatorServer):
    emulator = emu(rc)
    rc.log.clear()
    offer = emulator.state.offers()[5]
    body = {"externalId": "svz-slow", "items": [{"offer": {"xmlId": offer["xmlId"]}, "quantity": 1}]}
    with (
        RetailCrmClient(rc.base_url, emulator.api_key, limits=FAST, retry=fast_retry(), timeout=SHORT_READ) as client,
    ):
        with faults(rc, FaultConfig(share_slow=1.0, slow_ms=400)), pytest.raises(MaybeApplied):
            client.create_order(body)
        # the server finishes the request after we gave up on it: the lookup finds it, no second create
        deadline = time.monotonic() + 3
        found = None
        while found is None and time.monotonic() < deadline:
            found = client.get_order("svz-slow")
            time.sleep(0.05)
        assert found is not None
    assert requests_to(rc, "/api/v5/orders/create") == 1
    assert len([o for o in emulator.state.orders() if o.get("externalId") == "svz-slow"]) == 1
