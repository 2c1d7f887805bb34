"""The emulator answers in the shape real accounts do: for every endpoint the app reads or writes, each key of
the answer recorded from a real account (``shared/retailcrm-fixtures``) is in ours, with the same JSON type.

The seeded shop is tidy, so first a few things a lived-in account has are made over HTTP the way a shop's
site would make them (an order with an externalId, a paid payment, a discount, line properties and custom
fields; a customer with an address), then each endpoint is asked the same request as the recording.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from app.sandbox.core import EmulatorServer
from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.seed import Shop
from app.sandbox.shapes import differences, shape_of
from tests.recorded import recorded, recorded_file

from .conftest import Api

# Keys of real answers the sandbox leaves out on purpose. Each is something the sandbox does not model and no
# part of the app reads; anything the app reads must not be here.
ALLOWED_MISSING = {
    # RetailCRM's geocoder adds ids, kinds and coordinates to an address; the sandbox keeps what was sent
    "**.address.id": "geocoder: the address record's own id",
    "**.address.regionId": "geocoder", "**.address.cityId": "geocoder", "**.address.streetId": "geocoder",
    "**.address.cityType": "geocoder", "**.address.streetType": "geocoder",
    "**.address.coordinates": "geocoder", "**.address.metro": "geocoder",
    "stores[].address.*": "a store's address is one line of text in the seed; the app never reads it",
    "stores[].phone.number": "optional store contacts; the seed has none and the app never reads them",
    "stores[].email": "optional store contacts; the seed has none and the app never reads them",
    "sites{}.contragent.certificateDate": "only for an entrepreneur; the sandbox's seller is a company",
    "deliveryTypes{}.deliveryServices[]": "delivery services (integrations) are not modelled",
    "deliveryTypes{}.integrationCode": "delivery integrations are not modelled",
    "paymentTypes{}.integrationModule": "payment integrations are not modelled",
    "productStatuses{}.orderStatusByProductStatus": "the order status a line status moves the order to (an "
                                                    "automation, set on a few statuses only): not modelled",
    "productStatuses{}.orderStatusForProductStatus": "the same automation's other half: not modelled",
    "**.delivery.service": "delivery services (integrations) are not modelled",
    "**.segments[]": "customer segments are not modelled (always empty)",
    "**.tags[]": "customer tags are not modelled (always empty)",
    "**.sex": "not modelled", "**.presumableSex": "RetailCRM's guess from the name; not modelled",
    "**.customerSubscriptions": "marketing subscriptions are not modelled",
    "**.emailMarketingUnsubscribedAt": "marketing subscriptions are not modelled",
    "**.mgCustomers": "messenger (MessageGateway) chats are not modelled",
    "**.links": "links between orders are not modelled",
    "**.customFields{}": "custom fields are the account's own: codes and types differ from account to account",
    "**.customFields{}[]": "custom fields are the account's own: codes and types differ from account to account",
    "**.imageUrl": "pictures are not modelled", "**.images": "pictures are not modelled",
}

# Objects keyed by a code or an id: their values are compared, not their keys.
CUSTOM = ("customFields", "customer.customFields", "contact.customFields")
ORDER_MAPS = ("payments", "items[].properties", *CUSTOM)


def _under(prefix: str, names: tuple[str, ...]) -> list[str]:
    return [f"{prefix}.{name}" for name in names]


@pytest.fixture(scope="module")
def lived_in(shop: Shop) -> Iterator[tuple[Api, RetailCrmEmulator]]:
    emulator = RetailCrmEmulator(shop, rate_limit=False)
    with EmulatorServer(emulator) as server:
        api = Api(server.base_url, emulator.api_key)
        _live_in(api, emulator)
        yield api, emulator
        api.close()


def _ok(response: Any) -> dict[str, Any]:
    body = response.json()
    assert response.status_code in (200, 201) and body["success"] is True, body
    return body


def _live_in(api: Api, emulator: RetailCrmEmulator) -> None:
    site = emulator.state.site_code()
    offers = emulator.state.offers()
    address = {"index": "344001", "countryIso": "RU", "region": "Ростовская область", "city": "Ростов-на-Дону",
               "street": "Пушкинская", "building": "10", "flat": "13", "house": "5", "housing": "1",
               "notes": "домофон не работает", "text": "ул. Пушкинская, д. 10"}
    custom = {"galka": True, "test_number": 5, "dictionary": "one", "multiselect": ["a", "b"]}
    _ok(api.post("/api/v5/customers/create", site=site, customer={
        "externalId": "site-customer-1", "firstName": "Андрей", "lastName": "М", "patronymic": "В",
        "email": "andrey@example.com", "phones": [{"number": "89003005069"}], "address": address,
        "customFields": {"galkatrue": True, "moyskladexternalid": "03956a7e", "tags": ["vip"]}}))
    _ok(api.post("/api/v5/orders/create", site=site, order={
        "externalId": "site-order-1", "customer": {"externalId": "site-customer-1"}, "statusComment": "",
        "firstName": "Андрей", "lastName": "М", "patronymic": "В", "phone": "89003005069",
        "email": "andrey@example.com", "customFields": custom,
        "orderMethod": next(iter(emulator.state.db.order_methods)),
        "delivery": {"code": next(iter(emulator.state.db.delivery_types)), "cost": 300, "address": address},
        "items": [{"offer": {"id": offers[0]["id"]}, "quantity": 2, "initialPrice": 1000, "discountManualAmount": 100,
                   "externalIds": [{"code": "moyskladOrder", "value": "0f5b6bb5"}],
                   "properties": [{"code": "size", "name": "Size", "value": "S"},
                                  {"code": "color", "name": "Color", "value": "Beige"}]},
                  {"offer": {"id": offers[1]["id"]}, "quantity": 1, "initialPrice": 500}],
        # paid in full (2 × 900 + 500 + 300 delivery): the order carries fullPaidAt
        "payments": [{"type": next(iter(emulator.state.db.payment_types)), "status": "paid", "amount": 2600,
                      "paidAt": "2026-01-10 12:00:00", "externalId": "pay-1"}]}))
    order = _ok(api.get("/api/v5/orders/site-order-1", params={"site": site}))["order"]
    # a manager's edits in the CRM, then the shop's own through the API: history records of each kind
    emulator.state.user_edit_order(order["id"], managerComment="Комментарии оператора", delivery={"cost": 500},
                                   items=[{"id": order["items"][0]["id"], "quantity": 4},
                                          {"id": order["items"][1]["id"]}])
    payment = next(iter(order["payments"]))
    # a payment unmarked and marked paid again, on another day (records 7110-7116 of the fixture)
    emulator.state.user_edit_order(order["id"], payments=[{"id": int(payment), "status": "not-paid"}])
    emulator.state.user_edit_order(order["id"], payments=[{"id": int(payment), "status": "paid",
                                                           "paidAt": "2026-01-11 09:00:00"}])
    _ok(api.post(f"/api/v5/orders/{order['id']}/edit", by="id", order={"customerComment": "djytfgyu"}))
    _ok(api.post("/api/v5/store/products/batch/create", products=[{
        "name": "Яблоки", "catalogId": _get(api, "/api/v5/reference/sites")["sites"][site]["catalogId"],
        "externalId": "extFruits", "article": "APL-1", "url": "https://example.com/apples",
        "description": "Сочные", "manufacturer": "Сад"}]))


def _get(api: Api, path: str, **params: Any) -> dict[str, Any]:
    return _ok(api.get(path, params=params))


def _check(fixture: str, ours: Any, maps: list[str] | tuple[str, ...] = ()) -> None:
    found = differences(recorded(fixture), ours, maps=maps, allow=ALLOWED_MISSING)
    assert not found, f"{fixture}: the sandbox's answer differs from the recorded one:\n" + "\n".join(found)


REFERENCES = [
    ("References/testSites.json", "/api/v5/reference/sites", ["sites"]),
    ("References/testStores.json", "/api/v5/reference/stores", []),
    ("References/testPriceTypes.json", "/api/v5/reference/price-types", []),
    ("References/testStatuses.json", "/api/v5/reference/statuses", ["statuses"]),
    ("References/testStatusGroups.json", "/api/v5/reference/status-groups", ["statusGroups"]),
    ("References/testDeliveryTypes.json", "/api/v5/reference/delivery-types", ["deliveryTypes"]),
    ("References/testPaymentTypes.json", "/api/v5/reference/payment-types", ["paymentTypes"]),
    ("References/testOrderMethods.json", "/api/v5/reference/order-methods", ["orderMethods"]),
    ("References/testProductStatuses.json", "/api/v5/reference/product-statuses", ["productStatuses"]),
]


@pytest.mark.parametrize(("fixture", "path", "maps"), REFERENCES, ids=[r[1].rsplit("/", 1)[1] for r in REFERENCES])
def test_references(lived_in, fixture: str, path: str, maps: list[str]) -> None:
    api, _ = lived_in
    assert recorded_file(fixture)["endpoint"] == path
    _check(fixture, _get(api, path), maps)


LISTS = [
    ("Orders/testList.json", "/api/v5/orders", _under("orders[]", ORDER_MAPS)),
    ("Customers/testCustomersList.json", "/api/v5/customers", ["customers[].customFields"]),
    ("Store/testProducts.json", "/api/v5/store/products", ["products[].offers[].properties"]),
    ("Store/testOffers.json", "/api/v5/store/offers", ["offers[].properties"]),
    ("Store/testInventories.json", "/api/v5/store/inventories", []),
    ("Store/testProductGroups.json", "/api/v5/store/product-groups", []),
]


@pytest.mark.parametrize(("fixture", "path", "maps"), LISTS, ids=[r[1].split("/api/v5/")[1] for r in LISTS])
def test_lists(lived_in, fixture: str, path: str, maps: list[str]) -> None:
    api, _ = lived_in
    assert recorded_file(fixture)["endpoint"] == path
    _check(fixture, _get(api, path, limit=100), maps)


def test_order_get_create_edit(lived_in) -> None:
    api, emulator = lived_in
    ids = [o["id"] for o in _get(api, "/api/v5/orders", limit=100)["orders"]]
    maps = _under("order", ORDER_MAPS)
    every = shape_of(*(_get(api, f"/api/v5/orders/{i}", by="id") for i in ids), maps=maps)
    _check("Orders/testGet.json", every, maps)
    # a create answers with the payments as a list, an edit keys them by id (as the recorded answers do)
    site = emulator.state.site_code()
    created = _ok(api.post("/api/v5/orders/create", site=site, order={
        "externalId": "shape-create", "customer": {"externalId": "site-customer-1"},
        "items": [{"offer": {"id": emulator.state.offers()[0]["id"]}, "discountManualAmount": 1}],
        "payments": [{"type": next(iter(emulator.state.db.payment_types)), "status": "paid", "amount": 1,
                      "paidAt": "2026-01-10 12:00:00"}]}))
    edited = _ok(api.post("/api/v5/orders/site-order-1/edit", site=site, order={"managerComment": "Manager comment"}))
    create_maps = [m for m in maps if m != "order.payments"]
    found = differences(recorded("Orders/testCreate.json"), created, maps=create_maps, allow=ALLOWED_MISSING)
    found += differences(recorded("Orders/testEdit.json"), edited, maps=maps, allow=ALLOWED_MISSING)
    # the order inside is order_json, checked above on every order; one order lacks keys others have
    writes = [d for d in found if not d.startswith("order.") or d.startswith(("order.payments", "order.applyRound"))]
    assert not writes, "\n".join(writes)


def test_order_statuses(lived_in) -> None:
    api, _ = lived_in
    ids = [o["id"] for o in _get(api, "/api/v5/orders", limit=20)["orders"]]
    _check("Orders/testStatuses.json", _ok(api.get("/api/v5/orders/statuses", params=[("ids[]", i) for i in ids])))


def test_customer_get(lived_in) -> None:
    api, _ = lived_in
    ids = [c["id"] for c in _get(api, "/api/v5/customers", limit=100)["customers"]]
    maps = ["customer.customFields"]
    _check("Customers/testCustomersGet.json",
           shape_of(*(_get(api, f"/api/v5/customers/{i}", by="id") for i in ids), maps=maps), maps)


def test_history(lived_in) -> None:
    """The envelope, then the records field by field: ``oldValue``, ``newValue``, ``item`` and ``payment``
    take a shape that depends on the record's ``field``."""
    api, _ = lived_in
    pages = []
    page = _get(api, "/api/v5/orders/history", limit=100)
    pages.append(page)
    for number in range(2, page["pagination"]["totalPageCount"] + 1):
        pages.append(_get(api, "/api/v5/orders/history", limit=100, page=number))
    maps = _under("history[].order", ORDER_MAPS)
    by_field = {f"history[].{key}.**": "compared per field below"
                for key in ("oldValue", "newValue", "item", "payment")}
    found = differences(recorded("Orders/testHistory.json"), shape_of(*pages, maps=maps), maps=maps,
                        allow={**ALLOWED_MISSING, **by_field})
    theirs: dict[str, list[Any]] = defaultdict(list)
    ours: dict[str, list[Any]] = defaultdict(list)
    for record in recorded("Orders/testHistory.json")["history"]:
        theirs[record["field"]].append(record)
    for answer in pages:
        for record in answer["history"]:
            ours[record["field"]].append(record)
    common = sorted(set(theirs) & set(ours))
    assert {"status", "order_product.quantity", "manager_comment", "customer_comment"} <= set(common)
    per_field = {**ALLOWED_MISSING, "[].order.**": "compared above",
                 "[].apiKey": "only on a change through the API; the sandbox's of this field come from a person",
                 "[].user": "only on a person's change; the sandbox's of this field come through the API"}
    for name in common:
        found += [f"field {name}: {d}" for d in differences(theirs[name], ours[name], allow=per_field)]
    assert not found, "\n".join(found)


UPLOADS = [
    ("Store/testInventoriesUpload.json", "/api/v5/store/inventories/upload"),
    ("Store/testPricesUpload.json", "/api/v5/store/prices/upload"),
    ("Store/testProductBatchCreate.json", "/api/v5/store/products/batch/create"),
    ("Store/testProductBatchEdit.json", "/api/v5/store/products/batch/edit"),
    ("Store/testProductGroupsCreate.json", "/api/v5/store/product-groups/create"),
    ("Customers/testCustomersCreate.json", "/api/v5/customers/create"),
]


@pytest.mark.parametrize(("fixture", "path"), UPLOADS, ids=[u[1].split("/api/v5/")[1] for u in UPLOADS])
def test_write_answers(lived_in, fixture: str, path: str) -> None:
    api, emulator = lived_in
    assert recorded_file(fixture)["endpoint"].startswith(path.rsplit("/", 1)[0])
    site = emulator.state.site_code()
    offer = emulator.state.offers()[-1]
    store = emulator.state.stores()[0]
    catalog = _get(api, "/api/v5/reference/sites")["sites"][site]["catalogId"]
    product = _get(api, "/api/v5/store/products", limit=20)["products"][0]
    forms: dict[str, dict[str, Any]] = {
        "/api/v5/store/inventories/upload": {"offers": [{"id": offer["id"],
                                                         "stores": [{"code": store, "available": 3}]}]},
        "/api/v5/store/prices/upload": {"prices": [{"id": offer["id"], "prices": [{"code": "base", "price": 10}]}]},
        "/api/v5/store/products/batch/create": {"products": [{"name": "Новинка", "catalogId": catalog,
                                                             "externalId": f"shape-{fixture}"}]},
        "/api/v5/store/products/batch/edit": {"products": [{"id": product["id"], "name": product["name"]}]},
        "/api/v5/store/product-groups/create": {"productGroup": {"name": "Фрукты", "site": site}},
        "/api/v5/customers/create": {"site": site, "customer": {"firstName": "Зоя"}},
    }
    _check(fixture, _ok(api.post(path, **forms[path])))


def test_error_envelope(lived_in) -> None:
    """A refused request answers ``{"success": false, "errorMsg": ...}`` like Error/testPostErrorResponseHandling."""
    api, _ = lived_in
    response = api.post("/api/v5/customers/create", customer={"firstName": "Зоя"}, site="no-such-site")
    assert response.status_code == 400
    _check("Error/testPostErrorResponseHandling.json", response.json())
