"""The RetailCRM client reads answers recorded from real accounts (``shared/retailcrm-fixtures``).

A small server answers each request with the recorded answer for its path, so every answer goes through the
client's own code: HTTP, envelope checks, paging and the models, exactly as on a real account.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from itertools import islice
from typing import Any
from urllib.parse import parse_qs

import pytest

from app.clients.errors import RemoteValidationError
from app.clients.retailcrm import RetailCrmClient
from app.clients.retailcrm_models import InventoryUpdate, OfferRef, PriceUpdate, StoreLevel
from app.sandbox.core import EmulatorServer, Request, RequestLog, Response
from tests.recorded import recorded, recorded_file

LISTS = ("orders", "history", "customers", "products", "offers", "productGroup")


class Replay:
    """Answers ``(method, path)`` with a recorded answer: the first time as recorded, then with its lists
    emptied (the next page of a list, the next ``sinceId`` of the history: nothing more)."""

    service = "retailcrm"

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], tuple[dict[str, Any], int]] = {}
        self.seen: list[Request] = []

    def add(self, fixture: str, status: int = 200, *, path: str | None = None) -> None:
        record = recorded_file(fixture)
        self.answers[(record["method"], path or record["endpoint"])] = (record["response"], status)

    def admit(self, request: Request) -> Response | None:
        return None

    def handle(self, request: Request) -> Response:
        answer = self.answers.get((request.method, request.path))
        if answer is None:
            return Response.json({"success": False, "errorMsg": "API method not found"}, status=404)
        body, status = answer
        if any(r.method == request.method and r.path == request.path for r in self.seen):
            body = {k: ([] if k in LISTS else v) for k, v in body.items()}
        self.seen.append(request)
        return Response.json(body, status=status)

    def release(self, request: Request) -> None:
        pass

    def fault_response(self, kind: str) -> Response:
        return Response.empty(500)

    def params(self, path: str) -> dict[str, list[str]]:
        """The query (or form) of the first request to ``path``."""
        request = next(r for r in self.seen if r.path == path)
        return parse_qs(request.body.decode() if request.method == "POST" else request.query)


@pytest.fixture
def replay() -> Iterator[tuple[Replay, RetailCrmClient]]:
    emulator = Replay()
    with EmulatorServer(emulator, log=RequestLog()) as server:
        client = RetailCrmClient(server.base_url, "recorded-key")
        yield emulator, client
        client.close()


# --- references ---------------------------------------------------------------------------------------------


def test_sites_keep_a_catalog_id_that_is_not_a_number(replay) -> None:
    server, client = replay
    server.add("References/testSites.json")
    sites = {s.code: s for s in client.sites()}
    assert sites["test"].catalog_id == "catalog" and sites["test"].load_from_yml is True
    assert sites["test-ru"].catalog_id == "81" and sites["test-ru"].load_from_yml is False
    assert sites["test-ru"].id == 101 and sites["test-ru"].currency == "RUB" and sites["test-ru"].name == "Test Shop"


def test_stores_say_how_their_stock_is_counted(replay) -> None:
    server, client = replay
    server.add("References/testStores.json")
    stores = {s.code: s for s in client.stores()}
    assert stores["food"].inventory_type == "available" and stores["main12"].inventory_type == "integer"
    assert stores["main12"].name == "Основной" and stores["main12"].type == "store-type-warehouse"
    assert all(s.active for s in stores.values())


def test_statuses_and_groups_give_the_process_order(replay) -> None:
    server, client = replay
    server.add("References/testStatuses.json")
    server.add("References/testStatusGroups.json")
    statuses = {s.code: s for s in client.statuses()}
    groups = {g.code: g for g in client.status_groups()}
    # ordering restarts in each group; a shop's own status gets 990; no-call is a cancel
    assert (statuses["new"].ordering, statuses["send-to-delivery"].ordering) == (10, 10)
    assert statuses["no-call"].group == "cancel" and statuses["3"].ordering == 990
    assert any(not s.active for s in statuses.values())
    assert [g.code for g in sorted(groups.values(), key=lambda g: g.ordering or 0)][:3] == [
        "new", "approval", "assembling"]
    assert groups["approval"].statuses == ("availability-confirmed", "offer-analog", "client-confirmed", "prepayed")
    assert groups["approval"].process is True
    assert all(statuses[code].group == g.code for g in groups.values() for code in g.statuses if code in statuses)


def test_price_delivery_payment_types_and_order_methods(replay) -> None:
    server, client = replay
    for name in ("PriceTypes", "DeliveryTypes", "PaymentTypes", "OrderMethods"):
        server.add(f"References/test{name}.json")
    prices = {p.code: p for p in client.price_types()}
    assert prices["base"].default is True and prices["base"].id == 4 and prices["base"].name == "Базовая"
    assert sum(p.default for p in prices.values()) == 1
    delivery = {d.code: d for d in client.delivery_types()}
    assert delivery["2"].default_cost == Decimal("500.00") and delivery["ozon-seller"].active is False
    payments = {p.code: p for p in client.payment_types()}
    assert payments["13"].name == "Наличными" and "wallete-one-payment-vog" in payments
    methods = {m.code: m for m in client.order_methods()}
    assert methods["shopping-cart"].name == "Через корзину" and methods["phone"].active


def test_payment_statuses_say_which_mean_paid(replay) -> None:
    server, client = replay
    server.add("References/testPaymentStatuses.json")
    statuses = {s.code: s for s in client.payment_statuses()}
    assert {code for code, s in statuses.items() if s.complete} == {"paid", "fiskalizirovan"}
    assert statuses["not-paid"].name == "Не оплачен" and not statuses["dict-paymentstatuses-1571123793"].active


def test_product_statuses_say_which_cancel_a_line(replay) -> None:
    server, client = replay
    server.add("References/testProductStatuses.json")
    statuses = {s.code: s for s in client.product_statuses()}
    assert {code for code, s in statuses.items() if s.cancel} == {
        "otmena", "out-of-stock", "failure", "product-is-damaged", "assembly-not-delivery", "lost", "returned"}
    assert statuses["new"].name == "Добавлен" and not statuses["4"].active


# --- orders -------------------------------------------------------------------------------------------------


def test_order_list_items_point_at_offers(replay) -> None:
    server, client = replay
    server.add("Orders/testList.json")
    orders = list(client.iter_orders({"createdAtFrom": "2021-01-01"}))
    assert server.params("/api/v5/orders")["filter[createdAtFrom]"] == ["2021-01-01"]
    assert len(orders) == 1
    order = orders[0]
    assert (order.id, order.number, order.status, order.order_method) == (7141, "7141C", "assembling", "phone")
    assert order.customer.full_name == "М Андрей В" and order.customer.phone == "+79515151515"
    assert order.created_at is not None and order.total_summ is not None
    item = order.items[0]
    assert item.offer.id == 61121 and item.offer.external_id == "tGunLo27jlPGmbA8BrHxY2"
    assert item.offer.article == "14451445-14451445" and item.price_type == "base"
    assert item.quantity == Decimal(1) and item.unit_price == item.initial_price - item.discount_total
    # the id RetailCRM's own MoySklad module stored (app.sync.orders.module_orders), and the shop's other fields
    assert order.custom_fields["moyskladexternalid"] == "0f203a5f-7734-11eb-0a80-026b0001f435"
    assert order.custom_fields["multiselect"] == ["test1", "test3"]


def test_order_get_create_and_edit(replay) -> None:
    server, client = replay
    server.add("Orders/testGet.json")
    server.add("Orders/testCreate.json")
    server.add("Orders/testEdit.json")
    order = client.get_order("8123522898559160")
    assert order is not None and server.params("/api/v5/orders/8123522898559160")["by"] == ["externalId"]
    assert (order.id, order.external_id, order.site, order.status) == (6722, "8123522898559160", "aliexpress",
                                                                        "delivering")
    assert order.created_at == datetime(2020, 12, 29, 17, 35, 8) and order.shipment_store == "main12"
    assert order.customer.external_id == "ru1067815391" and order.customer.contragent_type == "individual"
    assert order.delivery.address.city == "Rostov-Na-Donu" and order.delivery.address.index == "344065"
    assert order.delivery.address.parts["notes"] == "ул. 50-летия Ростсельмаша, 2/6"
    [item] = order.items
    assert item.offer.id == 1867352 and item.offer.xml_id == "1680c0a6-c5a3-48a6-aa8d-864553a8add9"
    assert item.offer.name == "Test product/not for sale (do not order!)" and item.status == "new"
    created = client.create_order({"externalId": "x"})
    assert created.id == 7146 and created.number == "7146A" and created.items
    assert created.customer.patronymic == "Patronymic" and created.customer.email == "testuser12345678901@example.com"
    edited = client.edit_order("8123522898559160", {"managerComment": "Manager comment"})
    assert edited.id == 6722 and edited.manager_comment == "Manager comment"


def test_order_statuses(replay) -> None:
    server, client = replay
    server.add("Orders/testStatuses.json")
    [info] = client.orders_statuses(ids=[6722])
    assert (info.id, info.external_id, info.status, info.group) == (6722, "8123522898559160", "delivering",
                                                                    "delivery")


def test_order_history_records(replay) -> None:
    server, client = replay
    server.add("Orders/testHistory.json")
    records = list(client.iter_order_history(0))
    raw = recorded("Orders/testHistory.json")["history"]
    assert [r.id for r in records] == [r["id"] for r in raw]
    by_id = {r.id: r for r in records}
    created = by_id[7038]
    assert created.created and created.field == "status" and created.old is None and created.new == {"code": "new"}
    assert created.source == "api" and created.api_key_current is False  # another integration's change
    assert created.order_id == 2031 and created.order_external_id == "14" and created.order["number"] == "14"
    by_hand = by_id[7044]
    assert by_hand.source == "user" and by_hand.api_key_current is None
    assert (by_hand.old, by_hand.new) == ({"code": "new"}, {"code": "client-confirmed"})
    quantity = by_id[7080]
    assert quantity.field == "order_product.quantity" and (quantity.old, quantity.new) == (1, 4)
    assert quantity.item_offer is not None and quantity.item_offer.id == 20282
    assert quantity.item_offer.external_id == "tgGLBBeLjviVOs6wwSJpR2"
    assert by_id[7118].item_offer is not None and by_id[7118].item_offer.id is None  # a line without its offer
    assert by_id[7051].raw["payment"]["externalId"] == "11"
    assert by_id[7083].new == {"from": "09:00", "to": "13:00"}
    # the recorded page says 298 pages: the walk asked on by sinceId and stopped at the empty answer
    assert [q for r in server.seen for q in parse_qs(r.query).get("filter[sinceId]", [])] == ["0", "7137"]


def test_newest_history_id_from_the_last_page(replay) -> None:
    server, client = replay
    server.add("Orders/testHistory.json")
    assert client.newest_order_history_id() == 7137
    assert parse_qs(server.seen[-1].query)["page"] == ["298"]  # pagination.totalPageCount of the recording


# --- customers ----------------------------------------------------------------------------------------------


def test_customers_list_get_and_create(replay) -> None:
    server, client = replay
    server.add("Customers/testCustomersList.json")
    server.add("Customers/testCustomersGet.json")
    server.add("Customers/testCustomersCreate.json")
    listed = list(islice(client.iter_customers(), 50))
    raw = recorded("Customers/testCustomersList.json")["customers"]
    assert [c.id for c in listed] == [c["id"] for c in raw]
    assert all(c.created_at is not None and c.site for c in listed)
    customer = client.get_customer(4770, by="id")
    assert customer is not None and customer.external_id == "5" and customer.first_name == "Omega"
    assert customer.email == "omega@omega.com" and customer.phones == ("79094055045", "+79094055044")
    assert customer.site == "bb_demo" and customer.created_at == datetime(2022, 3, 11, 15, 39, 8)
    assert client.create_customer({"firstName": "Зоя"}, site="bb_demo") == 1


def test_customer_history_records(replay) -> None:
    server, client = replay
    server.add("Customers/testCustomersHistory.json")
    records = list(client.iter_customer_history(0))
    raw = recorded("Customers/testCustomersHistory.json")["history"]
    assert [r.id for r in records] == [r["id"] for r in raw]
    by_id = {r.id: r for r in records}
    phone = by_id[2696]
    assert (phone.field, phone.old, phone.new, phone.customer_id) == ("phones", None, "9515120000", 982)
    assert phone.source == "api" and phone.api_key_current is False
    email = by_id[2734]
    assert email.field == "email" and (email.old, email.new) == ("admin@mail.ru", "test12@gmail.com")
    assert by_id[2718].field == "address.building" and by_id[2718].api_key_current is None
    assert by_id[2695].created and by_id[2744].deleted and by_id[2744].customer_id == 982
    assert [q for r in server.seen for q in parse_qs(r.query).get("filter[sinceId]", [])] == ["0", "2791"]


def test_newest_customer_history_id_from_the_last_page(replay) -> None:
    server, client = replay
    server.add("Customers/testCustomersHistory.json")
    assert client.newest_customer_history_id() == 2791
    assert parse_qs(server.seen[-1].query)["page"] == ["287"]  # pagination.totalPageCount of the recording


# --- catalog and stock --------------------------------------------------------------------------------------


def test_products_and_their_offers(replay) -> None:
    server, client = replay
    server.add("Store/testProducts.json")
    products = list(client.iter_products())
    raw = recorded("Store/testProducts.json")["products"]
    assert [p.id for p in products] == [p["id"] for p in raw]
    product = products[0]
    assert (product.id, product.external_id, product.article, product.name) == (828272, "38311", "38311",
                                                                                "Test Product")
    assert product.group_ids == (4050, 4154, 4279) and product.catalog_id is None  # real answers have no catalogId
    [offer] = product.offers
    assert (offer.id, offer.xml_id, offer.product_id) == (1941833, "38311", 828272)
    assert offer.prices == {"base": Decimal("624.00")} and offer.purchase_price == Decimal("272.64")
    assert all(o.product_id == p.id for p in products for o in p.offers)


def test_offers_with_their_product(replay) -> None:
    server, client = replay
    server.add("Store/testOffers.json")
    offers = list(client.iter_offers({"active": 1}))
    raw = recorded("Store/testOffers.json")["offers"]
    assert [o.id for o in offers] == [o["id"] for o in raw]
    assert offers[0].product_id == 828272 and offers[0].prices["base"] == Decimal("624.00")
    assert all(o.product_id == r["product"]["id"] for o, r in zip(offers, raw, strict=True))
    assert all(o.quantity is not None and o.quantity >= 0 for o in offers)


def test_inventories_and_product_groups(replay) -> None:
    server, client = replay
    server.add("Store/testInventories.json")
    server.add("Store/testProductGroups.json")
    stock = list(client.iter_inventories())
    assert server.params("/api/v5/store/inventories")["filter[details]"] == ["1"]
    assert len(stock) == 20 and stock[0].id == 1818323 and stock[0].quantity == Decimal(100000)
    assert stock[0].purchase_price == Decimal("100000.00") and stock[1].purchase_price is None
    assert stock[1].xml_id == "02nwfIWEgNXZnA6mODvJt0" and stock[1].site == "moysklad"
    groups = {g.id: g for g in client.iter_product_groups()}
    assert groups[3680].parent_id == 3679 and groups[3679].parent_id == 3677 and groups[3677].parent_id is None
    assert groups[3678].external_id == "extFruits" and groups[3678].site == "moysklad"


def test_write_answers(replay) -> None:
    server, client = replay
    for name in ("InventoriesUpload", "PricesUpload", "ProductBatchCreate", "ProductBatchEdit",
                 "ProductGroupsCreate"):
        server.add(f"Store/test{name}.json")
    stock = client.upload_inventories([InventoryUpdate(OfferRef(id=1), (StoreLevel("main12", 3),))])
    assert (stock.processed, stock.not_found, stock.batches) == (1, (), 1)  # no notFoundOffers key: none
    prices = client.upload_prices([PriceUpdate(OfferRef(id=1), {"base": Decimal("10")})])
    assert (prices.processed, prices.not_found) == (1, ())
    created = client.products_batch_create([{"name": "x", "catalogId": 1}])
    assert created.added_ids == (100,) and created.processed == 1
    # the real edit answer is a bare {"success": true}: no count, nothing missing
    edited = client.products_batch_edit([{"id": 100, "name": "y"}])
    assert edited.not_found == () and edited.batches == 1
    assert client.create_product_group({"name": "Фрукты"}, site="moysklad") == 9740


@pytest.mark.parametrize("status", [400, 200])
def test_an_error_answer_is_a_refusal_with_its_message(replay, status: int) -> None:
    server, client = replay
    server.add("Error/testPostErrorResponseHandling.json", status, path="/api/v5/orders/create")
    with pytest.raises(RemoteValidationError) as caught:
        client.create_order({"externalId": "x"})
    assert "Invalid data" in caught.value.message and "Traceback" not in caught.value.message
    assert json.loads(json.dumps(recorded("Error/testPostErrorResponseHandling.json"))) == {
        "success": False, "errorMsg": "Invalid data"}
