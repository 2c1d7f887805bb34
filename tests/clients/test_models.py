"""Parsing of answers: PHP's [] for {}, absent fields, money and quantities as exact Decimals."""

from datetime import date, datetime
from decimal import Decimal

from app.clients.http import json_text
from app.clients.moysklad import weight_class
from app.clients.moysklad.reports import _comma_chunks
from app.clients.moysklad_models import Counterparty, CustomerOrder, Product, Variant
from app.clients.phpquery import php_params
from app.clients.retailcrm_models import HistoryRecord, InventoryOffer, Offer, OfferRef, Order


def test_order_with_php_empty_maps_and_absent_fields():
    order = Order.from_api(
        {
            "id": 7141,
            "number": "7141C",
            "site": "moysklad",
            "status": "assembling",
            "createdAt": "2021-02-25 09:37:48",
            "totalSumm": 1499.9,
            "customFields": [],
            "payments": [],
            "contragent": {"contragentType": "legal-entity", "INN": "7701234567", "legalName": "ООО Ромашка"},
            "customer": {"id": 4924, "firstName": "Андрей", "phones": [{"number": "+79515151515"}]},
            "delivery": {
                "code": "courier",
                "cost": 300,
                "date": "2021-03-01",
                "address": {"city": "Ростов", "text": "ул. Пушкинская, 10"},
            },
            "items": [
                {
                    "id": 11301,
                    "quantity": 2,
                    "initialPrice": 749.95,
                    "discountTotal": 0.1,
                    "properties": [],
                    "offer": {"id": 61121, "externalId": "a#b", "xmlId": "a#b", "article": "14451445", "name": "Товар"},
                }
            ],
        }
    )
    assert order.external_id is None  # absent, not ""
    assert order.created_at == datetime(2021, 2, 25, 9, 37, 48)
    assert order.total_summ == Decimal("1499.90")
    assert order.customer.first_name == "Андрей" and order.customer.phone == "+79515151515"
    assert order.customer.inn == "7701234567" and order.customer.company == "ООО Ромашка"
    assert order.delivery.cost == Decimal("300.00") and order.delivery.date == date(2021, 3, 1)
    assert order.delivery.address.city == "Ростов"
    item = order.items[0]
    assert item.offer.xml_id == "a#b" and item.offer.article == "14451445"
    assert item.initial_price == Decimal("749.95") and item.unit_price == Decimal("749.85")
    assert item.quantity == Decimal(2)


def test_history_record():
    api = HistoryRecord.from_api(
        {
            "id": 7038,
            "createdAt": "2018-10-02 13:30:06",
            "created": True,
            "source": "api",
            "apiKey": {"current": True},
            "field": "status",
            "oldValue": None,
            "newValue": {"code": "new"},
            "order": {"id": 1, "externalId": "x"},
        }
    )
    assert (api.id, api.created, api.deleted, api.api_key_current) == (7038, True, False, True)
    assert (api.order_id, api.order_external_id, api.new) == (1, "x", {"code": "new"})
    user = HistoryRecord.from_api(
        {
            "id": 7045,
            "source": "user",
            "user": {"id": 19},
            "field": "order_product.status",
            "item": {"id": 3635, "offer": {"id": 20277, "xmlId": "p#v"}},
            "order": {"id": 2031},
        }
    )
    assert user.api_key_current is None
    assert user.item_offer is not None and user.item_offer.xml_id == "p#v"


def test_offer_prices_and_inventory_stores():
    offer = Offer.from_api(
        {
            "id": 1,
            "prices": [{"priceType": "base", "price": 624}, {"priceType": "opt", "price": 99.9}],
            "purchasePrice": 272.64,
        }
    )
    assert offer.prices == {"base": Decimal("624.00"), "opt": Decimal("99.90")}
    assert offer.purchase_price == Decimal("272.64")
    inventory = InventoryOffer.from_api(
        {
            "id": 5,
            "quantity": 20,
            "stores": [{"store": "main", "quantity": 15, "purchasePrice": 15}, {"store": "b", "quantity": 5}],
        }
    )
    assert inventory.stock_by_store() == {"main": Decimal(15), "b": Decimal(5)}


def test_offer_ref_to_api():
    assert OfferRef(id=5).to_api() == {"id": 5}
    assert OfferRef(xml_id="X").to_api() == {"xmlId": "X"}
    assert OfferRef(external_id="E").to_api() == {"externalId": "E"}


def test_moysklad_money_in_kopecks_becomes_roubles():
    product = Product.from_api(
        {
            "id": "p1",
            "name": "Тыква",
            "salePrices": [
                {
                    "value": 3353.0,
                    "priceType": {
                        "meta": {"href": "https://x/context/companysettings/pricetype/pt1"},
                        "name": "Цена продажи",
                    },
                }
            ],
            "buyPrice": {"value": 54.0},
            "barcodes": [{"ean13": "2000000000000"}, {"code128": "abc"}],
            "productFolder": {"meta": {"href": "https://x/entity/productfolder/f1?expand=x"}},
            "updated": "2026-03-25 17:44:31.829",
        }
    )
    assert product.sale_prices[0].value == Decimal("33.53")
    assert product.price("pt1") == Decimal("33.53") and product.buy_price == Decimal("0.54")
    assert product.barcodes == ("2000000000000", "abc") and product.folder_id == "f1"
    assert product.updated == datetime(2026, 3, 25, 17, 44, 31, 829000)
    variant = Variant.from_api(
        {
            "id": "v1",
            "product": {"meta": {"href": "https://x/entity/product/p1"}},
            "characteristics": [{"name": "Цвет", "value": "красный"}],
        }
    )
    assert variant.product_id == "p1" and variant.characteristics == (("Цвет", "красный"),)
    order = CustomerOrder.from_api({"id": "o1", "sum": 45075.0, "positions": {"meta": {"href": "…"}}})
    assert order.sum == Decimal("450.75") and order.positions is None  # not expanded
    assert Counterparty.from_api({"id": "c", "name": "N", "tags": ["vip"]}).tags == ("vip",)


def test_php_params():
    assert php_params(
        {"filter": {"ids": [1, 2], "active": True, "none": None, "customFields": {"nps": {"min": 5}}}, "limit": 100}
    ) == [
        ("filter[ids][]", "1"),
        ("filter[ids][]", "2"),
        ("filter[active]", "1"),
        ("filter[customFields][nps][min]", "5"),
        ("limit", "100"),
    ]
    assert php_params({"d": date(2024, 1, 2), "t": datetime(2024, 1, 2, 3, 4, 5), "m": Decimal("1.50")}) == [
        ("d", "2024-01-02"),
        ("t", "2024-01-02 03:04:05"),
        ("m", "1.50"),
    ]


def test_json_bodies_keep_money_exact_and_cyrillic_readable():
    assert (
        json_text({"price": Decimal("199.90"), "qty": Decimal("3"), "name": "Мир"})
        == '{"price":199.9,"qty":3,"name":"Мир"}'
    )
    assert json_text({"at": datetime(2024, 1, 2, 3, 4, 5)}) == '{"at":"2024-01-02 03:04:05"}'


def test_moysklad_weight_classes():
    assert weight_class("report/stock/all") == "stock_report"
    assert weight_class("/report/stock/bystore/") == "stock_report"
    assert weight_class("report/stock/bystore/current") == "default"
    assert weight_class("entity/product") == "default"


def test_comma_chunks_fit_the_budget():
    ids = [f"{i:08d}-0000-0000-0000-000000000000" for i in range(500)]
    chunks = list(_comma_chunks(ids, 2000))
    assert [i for c in chunks for i in c] == ids
    assert all(len(",".join(c)) + 2 * len(c) <= 2000 for c in chunks)
