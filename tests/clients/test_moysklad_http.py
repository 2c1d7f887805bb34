"""MoySkladClient against the MoySklad emulator over real HTTP."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import parse_qs

import httpx
import pytest

from app.clients.errors import (
    ItemError,
    NotFound,
    RemoteValidationError,
    ServiceUnavailable,
    SettingsError,
)
from app.clients.moysklad import TOKEN_REVOKES_OTHERS_WARNING, MoySkladClient, MoySkladLimits
from app.clients.moysklad_filter import Filter
from app.clients.moysklad_models import CustomerOrder, Product
from app.money import rub_to_kopecks
from app.sandbox.core import EmulatorServer, FaultConfig, RequestLog
from app.sandbox.moysklad import MoySkladEmulator, Weights
from app.sandbox.seed import Shop

from .conftest import HtmlSite, fast_retry, faults, seed_for, settled_count, settled_entries

API = "/api/remap/1.2"
FAST = MoySkladLimits(user_weight=1)  # matches the module emulator's Weights(user=1)
PAGING_PRODUCTS = 1001


class RecordingTransport(httpx.HTTPTransport):
    """The real transport, remembering the headers of every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return super().handle_request(request)


@pytest.fixture(scope="module")
def ms(shop: Shop) -> Iterator[EmulatorServer]:
    """Rate limits on, each request weighing 1 unit (45 per 3 s), plus 1001 products coded pg-0000.."""
    emulator = MoySkladEmulator(shop, weights=Weights(user=1))
    for i in range(PAGING_PRODUCTS):
        emulator.state.add_product(f"Товар для пагинации {i}", article="PAGING", code=f"pg-{i:04d}")
    with EmulatorServer(emulator, log=RequestLog()) as server:
        yield server


def emu(server: EmulatorServer) -> MoySkladEmulator:
    return server.emulator  # type: ignore[return-value]


def base(server: EmulatorServer) -> str:
    return server.base_url + API


@pytest.fixture
def client(ms: EmulatorServer) -> Iterator[MoySkladClient]:
    ms.log.clear()
    with MoySkladClient(emu(ms).token, base_url=base(ms), limits=FAST, retry=fast_retry()) as c:
        yield c


def requests_to(server: EmulatorServer, path: str, method: str | None = None) -> int:
    return settled_count(server, lambda e: e.path == API + path and (method is None or e.method == method))


# --- auth, headers, account -------------------------------------------------------------------------------


def test_headers_are_what_moysklad_demands(ms: EmulatorServer):
    transport = RecordingTransport()
    with MoySkladClient(emu(ms).token, base_url=base(ms), limits=FAST, transport=transport) as c:
        c.price_types()
        c.create_many("productfolder", [{"name": "Папка для проверки заголовков"}])
    get, post = transport.sent
    for request in (get, post):
        assert request.headers["accept"] == "application/json;charset=utf-8"
        assert "gzip" in request.headers["accept-encoding"]
        assert request.headers["authorization"] == f"Bearer {emu(ms).token}"
        assert request.headers["user-agent"].startswith("Svyazka/")
    assert "content-type" not in get.headers  # no body, no Content-Type
    assert post.headers["content-type"] == "application/json"


def test_check_access(client: MoySkladClient, ms: EmulatorServer):
    info = client.check_access()
    state = emu(ms).state
    assert info.login == emu(ms).login
    assert [o.id for o in info.organizations] == [state.organization()["id"]]
    assert {s.id for s in info.stores} == {s["id"] for s in state.stores()}


def test_a_refused_token_is_a_settings_error(ms: EmulatorServer):
    with MoySkladClient("0" * 40, base_url=base(ms), retry=fast_retry()) as bad, pytest.raises(SettingsError) as caught:
        bad.check_access()
    assert caught.value.reason == "bad_credentials"
    assert caught.value.status == 401
    assert "0" * 40 not in str(caught.value)


def test_obtain_token_revokes_the_old_one(shop: Shop):
    emulator = MoySkladEmulator(shop, weights=Weights(user=1))
    with EmulatorServer(emulator, log=RequestLog()) as server:
        old = emulator.token
        token = MoySkladClient.obtain_token(emulator.login, emulator.password, base_url=base(server))
        assert token and token != old and token == emulator.token
        with MoySkladClient(token, base_url=base(server), limits=FAST) as fresh:
            assert fresh.check_access().login == emulator.login
        with MoySkladClient(old, base_url=base(server), limits=FAST) as stale, pytest.raises(SettingsError):
            stale.price_types()
        with pytest.raises(SettingsError) as wrong:
            MoySkladClient.obtain_token(emulator.login, "wrong-password-42", base_url=base(server))
        assert wrong.value.reason == "bad_credentials"
        assert "wrong-password-42" not in str(wrong.value) + repr(wrong.value)
    assert "отзывает" in TOKEN_REVOKES_OTHERS_WARNING
    assert MoySkladClient.obtain_token.__doc__ and "revokes" in MoySkladClient.obtain_token.__doc__


def test_a_locked_user_gets_a_settings_error_that_says_so(shop: Shop):
    emulator = MoySkladEmulator(shop, weights=Weights(user=46))  # more than the bucket: every request 429
    with EmulatorServer(emulator, log=RequestLog()) as server:
        raw_headers = {
            "Authorization": f"Bearer {emulator.token}",
            "Accept-Encoding": "gzip",
            "Accept": "application/json;charset=utf-8",
        }
        with httpx.Client(base_url=base(server), headers=raw_headers) as raw:  # somebody else's careless app
            for _ in range(205):
                raw.get("/entity/store")
        assert emulator.limiter.is_locked(emulator.login)
        with (
            MoySkladClient(emulator.token, base_url=base(server), retry=fast_retry()) as client,
            pytest.raises(SettingsError) as caught,
        ):
            client.check_access()
        assert caught.value.reason == "locked"
        assert "поддержку" in caught.value.message


def test_an_address_without_moysklad_is_named(shop: Shop):
    with (
        EmulatorServer(HtmlSite("moysklad"), log=RequestLog()) as server,
        MoySkladClient("some-token-value", base_url=server.base_url, retry=fast_retry()) as client,
        pytest.raises(SettingsError) as caught,
    ):
        client.check_access()
    assert caught.value.reason == "not_service"
    assert "МойСклад" in caught.value.message


def test_references(client: MoySkladClient, ms: EmulatorServer):
    state = emu(ms).state
    assert [p.name for p in client.price_types()] == [p["name"] for p in state.price_types()]
    states = client.order_states()
    assert states and {s.name for s in states} == {s["name"] for s in state.states_of("customerorder")}
    assert client.product_folders()


# --- lists, paging, expand, filters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flt", "expected_rows", "expected_requests"),
    [
        (Filter().eq("article", "NO-SUCH-ARTICLE"), 0, 1),
        (Filter().eq("code", "pg-0007"), 1, 1),
        (Filter().eq("article", "PAGING").ne("code", "pg-1000"), 1000, 1),
        (Filter().eq("article", "PAGING"), 1001, 2),
    ],
)
def test_paging_edges(client: MoySkladClient, ms: EmulatorServer, flt, expected_rows, expected_requests):
    rows = list(client.iter_entities("product", filters=flt))
    assert len(rows) == expected_rows
    assert len({r["id"] for r in rows}) == expected_rows  # no duplicates across pages
    assert requests_to(ms, "/entity/product") == expected_requests
    offsets = sorted(int(parse_qs(e.query)["offset"][0]) for e in settled_entries(ms, API + "/entity/product"))
    assert offsets == [1000 * i for i in range(expected_requests)]  # computed, never from nextHref


def test_expand_forces_pages_of_100(client: MoySkladClient, ms: EmulatorServer):
    rows = list(
        client.iter_entities(
            "product", filters=Filter().eq("article", "PAGING"), expand="productFolder,uom", limit=1000
        )
    )
    assert len(rows) == PAGING_PRODUCTS
    queries = [parse_qs(e.query) for e in settled_entries(ms, API + "/entity/product")]
    assert len(queries) == 11
    assert {q["limit"][0] for q in queries} == {"100"}
    assert all("name" in r["uom"] for r in rows if "uom" in r)  # expanded, not just a meta link


def test_filter_escaping_reaches_the_service_intact(client: MoySkladClient, ms: EmulatorServer):
    odd = emu(ms).state.add_product("Товар с точкой с запятой", article="A;B=1&2 Мир", code="odd-1")
    found = list(client.iter_products(Filter().eq("article", "A;B=1&2 Мир")))
    assert [p.id for p in found] == [odd["id"]]


def test_find_by_values_splits_long_or_lists(client: MoySkladClient, ms: EmulatorServer):
    codes = [f"pg-{i:04d}" for i in range(PAGING_PRODUCTS)] + ["pg-missing"]
    rows = client.find_by_values("product", "code", codes)
    assert sorted(r["code"] for r in rows) == codes[:-1]
    product_requests = [e for e in settled_entries(ms, API + "/entity/product")]
    assert len(product_requests) >= 3  # 17 KB of conditions does not fit one URL
    assert all(len(e.path) + len(e.query) < 6200 for e in product_requests)


def test_typed_products_and_variants(client: MoySkladClient, ms: EmulatorServer):
    state = emu(ms).state
    raw = next(p for p in state.products() if p.get("variantsCount"))
    product = next(iter(client.iter_products(Filter().eq("id", raw["id"]))))
    assert isinstance(product, Product)
    first_price = raw["salePrices"][0]
    assert product.sale_prices[0].value == (Decimal(str(first_price["value"])) / 100).quantize(Decimal("0.01"))
    assert product.price(product.sale_prices[0].price_type_id or "") == product.sale_prices[0].value
    variants = list(client.iter_variants(Filter().eq("productid", raw["id"])))
    assert len(variants) == raw["variantsCount"]
    assert all(v.product_id == raw["id"] and v.characteristics for v in variants)
    counterparties = list(client.iter_counterparties())
    assert {c.id for c in counterparties} == {c["id"] for c in state.counterparties()}
    assert {c.inn for c in counterparties if c.inn} == {c["inn"] for c in state.counterparties() if c.get("inn")}


def test_get_missing_is_none(client: MoySkladClient):
    assert client.get("product", str(uuid.uuid4())) is None
    with pytest.raises(NotFound):
        client.update("product", str(uuid.uuid4()), {"name": "x"})


# --- writes ------------------------------------------------------------------------------------------------


def order_body(client: MoySkladClient, ms: EmulatorServer, external_code: str, quantity: int = 2) -> dict:
    state = emu(ms).state
    product = state.find_products(code="pg-0001")[0]
    agent = state.counterparties()[0]
    store = state.stores()[0]
    return {
        "organization": client.meta("organization", state.organization()["id"]),
        "agent": client.meta("counterparty", agent["id"]),
        "store": client.meta("store", store["id"]),
        "externalCode": external_code,
        "positions": [
            {
                "quantity": quantity,
                "price": rub_to_kopecks(Decimal("150.25")),
                "reserve": quantity,
                "assortment": client.meta("product", product["id"]),
            }
        ],
    }


def test_create_many_reports_a_bad_item_in_place_and_saves_the_rest(client: MoySkladClient, ms: EmulatorServer):
    items = [order_body(client, ms, "svz-b-1"), {"name": "без юрлица"}, order_body(client, ms, "svz-b-2")]
    results = client.create_many("customerorder", items)
    assert isinstance(results[0], dict) and isinstance(results[2], dict)
    assert isinstance(results[1], ItemError) and results[1].index == 1
    assert any(e.code == 3000 for e in results[1].errors)
    saved = CustomerOrder.from_api(results[0])
    assert saved.sum == Decimal("300.50")  # kopecks -> roubles at the edge
    assert saved.sync_id  # every create carries one
    for code in ("svz-b-1", "svz-b-2"):
        assert len(emu(ms).state.find_customer_orders(external_code=code)) == 1


def test_create_many_splits_batches(client: MoySkladClient, ms: EmulatorServer):
    results = client.create_many("productfolder", [{"name": f"Папка {i}"} for i in range(25)], batch_size=10)
    assert len(results) == 25 and all(isinstance(r, dict) for r in results)
    assert requests_to(ms, "/entity/productfolder", "POST") == 3


def test_a_single_create_refused_is_a_validation_error(client: MoySkladClient):
    with pytest.raises(RemoteValidationError) as caught:
        client.create("customerorder", {"name": "без юрлица"})
    assert caught.value.status == 412
    assert any(e.code == 3000 and e.field for e in caught.value.errors)
    assert "МойСклад отклонил данные" in caught.value.message


def test_sync_id_makes_a_resent_create_harmless(client: MoySkladClient, ms: EmulatorServer):
    body = {**order_body(client, ms, "svz-sync"), "syncId": str(uuid.uuid4())}
    first = client.create("customerorder", body)
    second = client.create("customerorder", body)
    assert first["id"] == second["id"]
    assert len(emu(ms).state.find_customer_orders(external_code="svz-sync")) == 1


def test_a_create_whose_answer_was_lost_is_retried_without_a_duplicate(client: MoySkladClient, ms: EmulatorServer):
    seed = seed_for(0.5, [True], drops=True)
    with faults(ms, FaultConfig(share_dropped=0.5, drop_after_handling=1.0, seed=seed)):
        results = client.create_many(
            "customerorder", [order_body(client, ms, "svz-drop-1"), order_body(client, ms, "svz-drop-2")]
        )
    posts = [e for e in settled_entries(ms, API + "/entity/customerorder") if e.method == "POST"]
    assert posts[0].fault == "drop-after"  # the first attempt was applied, its answer lost
    assert len(posts) >= 2
    assert all(isinstance(r, dict) for r in results)
    for code in ("svz-drop-1", "svz-drop-2"):
        assert len(emu(ms).state.find_customer_orders(external_code=code)) == 1


def test_update_delete_and_demand_from_order(client: MoySkladClient, ms: EmulatorServer):
    state = emu(ms).state
    order = CustomerOrder.from_api(client.create("customerorder", order_body(client, ms, "svz-ship", quantity=3)))
    product_id = state.find_products(code="pg-0001")[0]["id"]
    store_id = order.store_id
    stock_before = {r.store_id: r.value for r in client.stock_current(assortment_ids=[product_id], include_zero=True)}

    new_state = client.order_states()[1]
    updated = CustomerOrder.from_api(
        client.update("customerorder", order.id, {"state": client.state_meta(new_state.id)})
    )
    assert updated.state_id == new_state.id

    with_positions = CustomerOrder.from_api(client.get("customerorder", order.id, expand="positions") or {})
    assert with_positions.positions and with_positions.positions[0].quantity == 3
    assert with_positions.positions[0].price == Decimal("150.25")

    template = client.demand_template(order.id)
    assert template["customerOrder"]["meta"]["href"].endswith(order.id)
    assert "id" not in template  # not saved
    demand = client.create_demand_from_order(order.id)
    assert demand.customer_order_id == order.id and demand.sum == Decimal("450.75")
    stock_after = {r.store_id: r.value for r in client.stock_current(assortment_ids=[product_id], include_zero=True)}
    assert stock_after.get(store_id, Decimal(0)) == stock_before.get(store_id, Decimal(0)) - 3

    listed = list(client.iter_customer_orders(Filter().eq("externalCode", "svz-ship"), with_positions=True))
    assert [o.id for o in listed] == [order.id]
    assert listed[0].positions and listed[0].positions[0].assortment_id == product_id
    assert demand.id in {d.id for d in client.iter_demands()}

    spare = client.create("productfolder", {"name": "Удалить меня"})
    results = client.delete_many("productfolder", [spare["id"], str(uuid.uuid4())])
    assert results[0] is None and isinstance(results[1], ItemError)
    assert client.get("productfolder", spare["id"]) is None


# --- stock -------------------------------------------------------------------------------------------------


def test_stock_reports(client: MoySkladClient, ms: EmulatorServer):
    state = emu(ms).state
    product = state.find_products(code="pg-0002")[0]
    stores = state.stores()
    state.set_stock(product["id"], stores[0]["id"], 7)
    state.set_stock(product["id"], stores[1]["id"], 5)
    by_store = {r.store_id: r.value for r in client.stock_current(assortment_ids=[product["id"]])}
    assert by_store == {stores[0]["id"]: Decimal(7), stores[1]["id"]: Decimal(5)}
    total = client.stock_current(by_store=False, assortment_ids=[product["id"]])
    assert [(r.store_id, r.value) for r in total] == [(None, Decimal(12))]
    only_one_store = client.stock_current(assortment_ids=[product["id"]], store_ids=[stores[1]["id"]])
    assert [(r.store_id, r.value) for r in only_one_store] == [(stores[1]["id"], Decimal(5))]
    free = client.stock_current("freeStock", assortment_ids=[product["id"]])
    assert {r.value for r in free} == {Decimal(7), Decimal(5)}
    everything = client.stock_current()
    assert len({r.assortment_id for r in everything}) > 100
    since = state.now().replace(microsecond=0)
    state.advance_clock(5)
    state.set_stock(product["id"], stores[0]["id"], 0)
    changed = client.stock_current(changed_since=since)
    assert (product["id"], stores[0]["id"], Decimal(0)) in {(r.assortment_id, r.store_id, r.value) for r in changed}


def test_stock_for_many_ids_is_split_into_short_urls(client: MoySkladClient, ms: EmulatorServer):
    ids = [p["id"] for p in emu(ms).state.products()][:600]
    rows = client.stock_current(assortment_ids=ids, include_zero=True)
    assert {r.assortment_id for r in rows} <= set(ids)
    calls = [e for e in settled_entries(ms, API + "/report/stock/bystore/current")]
    assert len(calls) >= 3
    assert all(len(e.query) < 6200 for e in calls)


# --- faults and limits -------------------------------------------------------------------------------------


def test_reads_survive_5xx_and_drops(client: MoySkladClient, ms: EmulatorServer):
    expected = len(emu(ms).state.products())
    with faults(ms, FaultConfig(share_5xx=0.2, share_dropped=0.15, share_malformed=0.05, seed=3)):
        rows = list(client.iter_entities("product", limit=200))
    assert len(rows) == expected
    met = {e.fault for e in settled_entries(ms) if e.fault}
    assert "5xx" in met
    assert client.stats.snapshot().server_errors > 0


def test_an_injected_429_is_waited_out_as_the_service_says(client: MoySkladClient, ms: EmulatorServer):
    started = time.monotonic()
    with faults(ms, FaultConfig(share_rate_limited=0.3, seed=seed_for(0.3, [True, False]))):
        folders = client.product_folders()
    elapsed = time.monotonic() - started
    assert folders
    assert client.stats.snapshot().rate_limited == 1
    assert 2.9 <= elapsed < 10  # X-Lognex-Retry-After: 3000 means milliseconds: 3 s, not 50 minutes


def test_a_too_optimistic_client_meets_429_and_recovers(shop: Shop):
    """Configured for weight 1 against a service charging 4 and learning switched off: real 1049s."""
    emulator = MoySkladEmulator(shop, weights=Weights(user=4))
    with (
        EmulatorServer(emulator, log=RequestLog()) as server,
        MoySkladClient(
            emulator.token,
            base_url=base(server),
            limits=MoySkladLimits(user_weight=1, learn_weights=False),
            retry=fast_retry(),
        ) as client,
    ):
        for _ in range(5):  # 20 requests * 4 units: far more than the 45-unit bucket
            threads = [threading.Thread(target=client.price_types) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        ok = settled_count(server, lambda e: e.status == 200)
        rejected = settled_count(server, lambda e: e.status == 429)
    assert ok == 20
    assert rejected > 0  # it really met the limiter …
    assert client.stats.snapshot().rate_limited == rejected  # … and waited each one out


def test_eight_threads_never_exceed_the_parallel_limit(shop: Shop):
    emulator = MoySkladEmulator(shop, weights=Weights(user=1))
    with (
        EmulatorServer(emulator, log=RequestLog(), latency_ms=40) as server,
        MoySkladClient(emulator.token, base_url=base(server), limits=FAST, retry=fast_retry()) as client,
    ):
        barrier = threading.Barrier(8)

        def worker() -> None:
            barrier.wait()
            for _ in range(3):
                client.price_types()

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert settled_count(server, lambda e: e.status == 200) == 24
        assert settled_count(server, lambda e: e.status == 429) == 0  # no 1073, no 1049
        assert client.gate.slots.peak == 4


def test_a_client_allowed_too_many_parallel_requests_backs_off(shop: Shop):
    emulator = MoySkladEmulator(shop, weights=Weights(user=1))
    limits = MoySkladLimits(user_weight=1, max_parallel=8, parallel_backoff=0.02)
    with (
        EmulatorServer(emulator, log=RequestLog(), latency_ms=60) as server,
        MoySkladClient(emulator.token, base_url=base(server), limits=limits, retry=fast_retry(attempts=10)) as client,
    ):
        barrier = threading.Barrier(8)
        errors: list[BaseException] = []

        def worker() -> None:
            barrier.wait()
            try:
                for _ in range(2):
                    client.price_types()
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    assert settled_count(server, lambda e: e.status == 429) > 0  # it met the parallel limit (no Retry-After) …
    assert client.gate.slots.limit < 8  # … and lowered its own


def test_rejections_are_capped_far_below_the_lockout(shop: Shop):
    emulator = MoySkladEmulator(shop, weights=Weights(user=46))  # every request is refused
    limits = MoySkladLimits(user_weight=1, learn_weights=False, rejections_per_minute=6)
    with (
        EmulatorServer(emulator, log=RequestLog()) as server,
        MoySkladClient(emulator.token, base_url=base(server), limits=limits, retry=fast_retry(attempts=20)) as client,
    ):
        with pytest.raises(ServiceUnavailable) as caught:
            client.price_types()
        assert "слишком часто" in caught.value.message
        assert settled_count(server, lambda e: e.status == 429) == 7
        assert not emulator.limiter.is_locked(emulator.login)
