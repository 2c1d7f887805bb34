"""The pure part of the orders flow: prices and discounts to the kopeck, texts, fingerprints, spellings."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from app.clients.retailcrm_models import Order
from app.messages import msg
from app.money import KOPECK
from app.sync.orders.counterparties import customer_of, email_spellings, normalize_phone, phone_spellings
from app.sync.orders.fingerprints import fingerprint, fingerprint_of_entity
from app.sync.orders.mapping import (
    DELIVERY,
    OfferTarget,
    bad_data_reasons,
    create_body,
    map_order,
    map_positions,
    price_and_discount,
    sent_total,
    sum_mismatch,
    update_body,
)

BASE = "https://api.moysklad.ru/api/remap/1.2"


def meta(entity: str, entity_id: str) -> dict[str, Any]:
    return {"meta": {"href": f"{BASE}/entity/{entity}/{entity_id}", "type": entity, "mediaType": "application/json"}}


def state_meta(state_id: str) -> dict[str, Any]:
    return {"meta": {"href": f"{BASE}/entity/customerorder/metadata/states/{state_id}", "type": "state"}}


def rc_order(**overrides: Any) -> Order:
    raw: dict[str, Any] = {
        "id": 1045,
        "number": "1045C",
        "status": "new",
        "site": "shop",
        "firstName": "Анна",
        "lastName": "Петрова",
        "patronymic": "Сергеевна",
        "phone": "8 (912) 345-67-89",
        "email": "Anna@Example.ru",
        "customer": {"id": 77, "phones": [{"number": "+7 912 345-67-89"}, {"number": "+7 913 000-00-01"}]},
        "contragent": {"contragentType": "individual"},
        "customerComment": "Позвонить за час",
        "managerComment": "VIP",
        "shipmentStore": "main",
        "delivery": {"code": "courier", "cost": 300, "address": {"city": "Казань", "street": "ул. Ленина",
                                                                  "building": "5", "flat": "12"}},
        "items": [
            {"id": 1, "offer": {"id": 501, "name": "Кружка"}, "quantity": 2, "initialPrice": 490,
             "discountTotal": 49},
            {"id": 2, "offer": {"id": 502, "name": "Тарелка"}, "quantity": 1, "initialPrice": 650,
             "discountTotal": 0},
        ],
    }
    raw.update(overrides)
    return Order.from_api(raw)


def ms_line(quantity: Decimal, price: Decimal, discount: Decimal) -> Decimal:
    """MoySklad's own line total (emulator and service): quantity × price × (1 − d/100), kopeck-rounded."""
    kop = quantity * price * 100 * (1 - discount / 100)
    return (kop.quantize(Decimal(1), rounding=ROUND_HALF_UP) / 100).quantize(KOPECK)


@pytest.mark.parametrize(
    ("initial", "discount", "quantity", "expected"),
    [
        ("1290.00", "129.00", "3", ("1290.00", "10")),  # a round percent
        ("490.00", "0.00", "1", ("490.00", "0")),
        ("1290.90", "129.00", "3", ("1161.90", "0")),  # 9.993…%: no two-place percent fits, net price
        ("100.00", "12.50", "7", ("100.00", "12.5")),
        ("999.99", "33.33", "1", ("966.66", "0")),
        ("200.00", "250.00", "1", ("0.00", "0")),  # more discount than price: never a negative price
    ],
)
def test_price_and_discount_are_exact_to_the_kopeck(
    initial: str, discount: str, quantity: str, expected: tuple[str, str]
) -> None:
    price, percent = price_and_discount(Decimal(initial), Decimal(discount), Decimal(quantity))
    assert (price, percent) == (Decimal(expected[0]), Decimal(expected[1]))
    net = max(Decimal(initial) - Decimal(discount), Decimal(0))
    assert ms_line(Decimal(quantity), price, percent) == (Decimal(quantity) * net).quantize(KOPECK)


def test_price_and_discount_exhaustively_keep_line_totals() -> None:
    for initial_kop in range(100, 5000, 37):
        for discount_kop in (1, 5, 10, 33, 50, 99, 100, 250):
            if discount_kop > initial_kop:
                continue  # more discount than price is clipped to zero (tested above)
            for quantity in (1, 2, 3, 7):
                initial, discount = Decimal(initial_kop) / 100, Decimal(discount_kop) / 100
                price, percent = price_and_discount(initial, discount, Decimal(quantity))
                assert percent == percent.quantize(Decimal("0.01"))  # at most two places
                assert ms_line(Decimal(quantity), price, percent) == (quantity * (initial - discount)).quantize(KOPECK)


def test_positions_from_links_with_reserve_and_delivery() -> None:
    order = rc_order()
    offers = {501: OfferTarget("ms-501", "variant"), 502: OfferTarget("ms-502", "product")}
    positions, problems = map_positions(order, offers, reserve=True, delivery_cost=order.delivery.cost)
    assert problems == []
    assert [(p.assortment_type, p.assortment_id, p.quantity, p.reserve) for p in positions] == [
        ("variant", "ms-501", Decimal(2), Decimal(2)),
        ("product", "ms-502", Decimal(1), Decimal(1)),
        ("service", DELIVERY, Decimal(1), Decimal(0)),
    ]
    assert positions[0].price == Decimal("490.00") and positions[0].discount == Decimal(10)
    assert positions[2].price == Decimal("300.00")
    inactive, _ = map_positions(order, offers, reserve=False)
    assert all(p.reserve == 0 for p in inactive)


def test_an_unlinked_line_is_a_problem_unless_left_out() -> None:
    order = rc_order()
    positions, problems = map_positions(order, {501: OfferTarget("ms-501", "product")}, reserve=True)
    assert [(p.index, p.offer_id, p.name) for p in problems] == [(2, 502, "Тарелка")]
    positions, problems = map_positions(
        order, {501: OfferTarget("ms-501", "product")}, reserve=True, skip_offers=frozenset({502})
    )
    assert problems == [] and len(positions) == 1


def test_create_body_and_texts() -> None:
    order = rc_order()
    positions, _ = map_positions(order, {501: OfferTarget("a", "product"), 502: OfferTarget("b", "product")},
                                 reserve=True, delivery_cost=order.delivery.cost)
    mapped = map_order(order, positions, state_id="st-1", store_id="store-1")
    body = create_body(mapped, meta, state_meta, "svc-1", organization_id="org", agent_id="cp", sync_id="sync",
                       name="1045C")
    assert body["externalCode"] == "1045" and body["name"] == "1045C" and body["syncId"] == "sync"
    assert body["agent"]["meta"]["href"].endswith("/counterparty/cp")
    assert body["state"]["meta"]["href"].endswith("/states/st-1")
    assert body["description"] == "Комментарий клиента: Позвонить за час\nКомментарий менеджера: VIP"
    assert body["shipmentAddress"] == "Казань, ул. Ленина, д. 5, кв. 12"
    assert [row["price"] for row in body["positions"]] == [49000.0, 65000.0, 30000.0]
    assert "reserve" not in body["positions"][2]  # a service holds no reserve
    without_service = create_body(mapped, meta, state_meta, None, organization_id="org", agent_id="cp",
                                  sync_id="sync", name=None)
    assert len(without_service["positions"]) == 2 and "name" not in without_service


def test_long_texts_are_shortened_with_a_note() -> None:
    order = rc_order(customerComment="x" * 5000, delivery={"address": {"text": "Улица " * 80}})
    mapped = map_order(order, [], state_id=None, store_id=None)
    assert len(mapped.description) == 4096 and mapped.description.endswith("…")
    assert len(mapped.shipment_address) == 255
    assert len(mapped.notes) == 2


def test_bad_data_is_explained() -> None:
    assert bad_data_reasons(rc_order()) == []
    nameless = rc_order(firstName=None, lastName=None, patronymic=None, customer={"id": 5})
    assert bad_data_reasons(nameless) == [msg("orders.reason_no_name")]
    too_long = bad_data_reasons(rc_order(lastName="Я" * 10_000))[0]
    assert (too_long.code, too_long.params["max"]) == ("orders.reason_name_too_long", 255)
    assert "длиннее 255" in str(too_long)
    negative = rc_order(items=[{"offer": {"id": 1}, "quantity": -2, "initialPrice": 10}])
    reason = bad_data_reasons(negative)[0]
    assert (reason.code, reason.params["index"]) == ("orders.reason_negative_quantity", 1)


def test_fingerprint_follows_what_an_update_sends() -> None:
    order = rc_order()
    offers = {501: OfferTarget("a", "product"), 502: OfferTarget("b", "product")}
    positions, _ = map_positions(order, offers, reserve=True, delivery_cost=order.delivery.cost)
    base = fingerprint(map_order(order, positions, state_id="s", store_id="w"), with_delivery=True)
    assert base == fingerprint(map_order(order, positions, state_id="s", store_id="w"), with_delivery=True)
    assert base != fingerprint(map_order(order, positions, state_id="s2", store_id="w"), with_delivery=True)
    assert base != fingerprint(map_order(order, positions[:1], state_id="s", store_id="w"), with_delivery=True)
    without = fingerprint(map_order(order, positions, state_id="s", store_id="w"), with_delivery=False)
    assert without == fingerprint(map_order(order, positions[:2], state_id="s", store_id="w"), with_delivery=False)


def test_fingerprint_of_a_returned_entity_matches_the_body() -> None:
    order = rc_order()
    offers = {501: OfferTarget("a", "product"), 502: OfferTarget("b", "variant")}
    positions, _ = map_positions(order, offers, reserve=True, delivery_cost=order.delivery.cost)
    mapped = map_order(order, positions, state_id="s", store_id="w")
    body = create_body(mapped, meta, state_meta, "svc", organization_id="o", agent_id="c", sync_id="x", name=None)
    rows = []
    for row in body["positions"]:
        echoed = dict(row, id="p", reserve=row.get("reserve", 0.0))
        rows.append(echoed)
    entity = {**body, "positions": {"rows": rows}}
    assert fingerprint_of_entity(entity, "svc") == fingerprint(mapped, with_delivery=True)


def test_customer_info_collects_every_phone() -> None:
    customer = customer_of(rc_order())
    assert customer.key == "77"
    assert customer.info.phones() == ("79123456789", "79130000001")
    assert customer.name == "Петрова Анна Сергеевна" and customer.company_type == "individual"
    legal = customer_of(rc_order(contragent={"contragentType": "legal-entity", "legalName": "ООО «Вектор»",
                                             "INN": "5332438566"}))
    assert (legal.name, legal.company_type, legal.info.inn) == ("ООО «Вектор»", "legal", "5332438566")


def test_spellings_cover_what_people_type() -> None:
    spellings = phone_spellings("79123456789")
    for typed in ("8 (912) 345-67-89", "+7 (912) 345-67-89", "+79123456789", "89123456789", "+7 912 345 67 89"):
        assert typed in spellings
    assert all(normalize_phone(s) == "79123456789" for s in spellings)
    assert email_spellings(" Client@Example.RU ") == ["Client@Example.RU", "client@example.ru", "CLIENT@EXAMPLE.RU"]
    assert email_spellings("not an address") == []


def test_the_body_says_vat_is_inside_the_prices_and_the_saved_sum_is_checked() -> None:
    order = rc_order()
    positions, _ = map_positions(order, {501: OfferTarget("a", "product"), 502: OfferTarget("b", "product")},
                                 reserve=True, delivery_cost=order.delivery.cost)
    mapped = map_order(order, positions, state_id="st-1", store_id="store-1")
    body = create_body(mapped, meta, state_meta, "svc-1", organization_id="org", agent_id="cp", sync_id="sync",
                       name=None)
    assert body["vatIncluded"] is True and "vatEnabled" not in body  # VAT kept or not: MoySklad's own setting
    assert update_body(mapped, meta, state_meta, "svc-1")["vatIncluded"] is True
    total = sent_total(body)
    assert total == sum((Decimal(repr(r["price"])) / 100 * Decimal(repr(r["quantity"]))
                         * (1 - Decimal(repr(r["discount"])) / 100)).quantize(Decimal("0.01"))
                        for r in body["positions"])
    assert sum_mismatch(body, {"sum": float(total * 100)}) is None
    assert sum_mismatch(body, {"sum": float(total * 100) + 1}) is None  # a kopeck of rounding is not a mistake
    on_top = total * Decimal("1.2")
    assert sum_mismatch(body, {"sum": float(on_top * 100)}) == (total, on_top.quantize(Decimal("0.01")))
    assert sum_mismatch(body, {}) is None  # nothing to compare with


def test_a_required_field_refusal_names_the_additional_field_not_a_standard_one() -> None:
    from app.clients.errors import FieldError
    from app.sync.orders.mapping import required_attributes, required_attributes_advice

    refusal = "Ошибка сохранения объекта: поле 'Канал продаж' не может быть пустым или отсутствовать"
    assert required_attributes([FieldError("Канал продаж", refusal, 3000)]) == ["Канал продаж"]
    assert required_attributes([FieldError("utm", "…", 3000), FieldError("agent", "…", 3000)]) == ["utm"]
    assert required_attributes([FieldError("positions[0].assortment", "…", 3000)]) == []
    assert required_attributes([FieldError("Канал продаж", "…", 3006), FieldError(None, "…", 3000)]) == []
    advice = required_attributes_advice(["Канал продаж"])
    assert advice == msg("orders.required_field", fields="«Канал продаж»")
    assert "«Канал продаж»" in str(advice) and "необязательным" in str(advice)
    assert required_attributes_advice(["a", "b"]) == msg("orders.required_fields", fields="«a», «b»")
