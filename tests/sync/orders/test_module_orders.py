"""The mark RetailCRM's own MoySklad module leaves on orders, read from answers recorded from real accounts."""

from __future__ import annotations

from app.clients.retailcrm_models import Order
from app.sync.orders.module_orders import demand_ids, module_mark
from tests.recorded import recorded


def _order(custom_fields: object) -> Order:
    return Order.from_api({"id": 1, "customFields": custom_fields})


def test_every_recorded_mark_names_a_moysklad_order() -> None:
    orders = [Order.from_api(o) for o in recorded("Orders/testList.json")["orders"]]
    marks = [module_mark(o) for o in orders]
    assert [m.ms_id if m else None for m in marks] == ["0f203a5f-7734-11eb-0a80-026b0001f435"]
    # the module writes the mark over the API with its own key, right after the export
    history = recorded("Orders/testHistory.json")["history"]
    written = [r["newValue"] for r in history if r.get("field") == "custom_moyskladexternalid"]
    assert written and all(module_mark(_order({"moyskladexternalid": v})).ms_id == v for v in written)


def test_no_mark_an_empty_one_and_one_that_is_not_an_id() -> None:
    assert module_mark(_order([])) is None  # PHP's empty map
    assert module_mark(_order({"galka": False})) is None
    assert module_mark(_order({"moyskladexternalid": "  "})) is None
    odd = module_mark(_order({"moyskladexternalid": "заказ 17"}))
    assert odd is not None and odd.ms_id is None and odd.value == "заказ 17"
    upper = module_mark(_order({"moyskladexternalid": " 0F203A5F-7734-11EB-0A80-026B0001F435 "}))
    assert upper is not None and upper.ms_id == "0f203a5f-7734-11eb-0a80-026b0001f435"


def test_shipments_of_a_customer_order() -> None:
    href = "https://api.moysklad.ru/api/remap/1.2/entity/demand/7944ef04-f831-11e5-7a69-971500188b19"
    assert demand_ids({"demands": [{"meta": {"href": href, "type": "demand"}}]}) == [
        "7944ef04-f831-11e5-7a69-971500188b19"]
    assert demand_ids({}) == []
