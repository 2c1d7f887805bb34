"""``/api/v5/orders...``: list, get, create, edit, upload, statuses, history, payments.

Lists are newest first (id descending, as the CRM's order list and the inventories fixture are);
``orders/history`` is ascending by its global id.
"""

from __future__ import annotations

from typing import Any

from .. import listing as ls
from .. import serialize as ser
from ..errors import ApiError, access_denied, entity_error, input_error, not_found
from ..models import Order
from ..orders_logic import add_payment, create_order, delete_payment, edit_order, edit_payment, find_payment
from ..router import Call, Reply, Router
from .history import history_reply

ORDER_FILTERS = frozenset({
    "ids", "externalIds", "numbers", "sites", "extendedStatus", "customerId", "customerExternalId", "customer",
    "email", "createdAtFrom", "createdAtTo", "statusUpdatedAtFrom", "statusUpdatedAtTo", "orderMethods",
    "orderTypes", "deliveryTypes", "shipmentStores", "paymentStatuses", "paymentTypes", "managers", "shipped",
    "expired", "call", "product", "deliveryDateFrom", "deliveryDateTo", "shipmentDateFrom", "shipmentDateTo",
    "paidAtFrom", "paidAtTo",
})
# real RetailCRM filters the sandbox does not emulate: refused by name rather than silently ignored
ORDER_FILTERS_UNSUPPORTED = frozenset({
    "customFields", "fullPaidAtFrom", "fullPaidAtTo", "contragentName", "contragentTypes", "contragentInn",
    "managerGroups", "couriers", "sourceName", "mediumName", "campaignName", "keywordName", "adContentName",
    "countries", "city", "region", "index", "metro", "tags", "attachments", "receiptStatus", "receiptOperation",
    "minPrice", "maxPrice", "minPrepaySumm", "maxPrepaySumm", "minTotalSumm", "maxTotalSumm",
    "returnStatuses", "deliveryServices", "deliveryStates", "sourceIds", "mgChannels", "trackNumber",
    "orderStatuses", "statusComment", "customerType", "isFromCart", "companyName", "productGroups", "offers",
})


def find_order(call: Call, uid: str, by: str, site: str | None) -> Order:
    db = call.db
    order: Order | None = None
    if by == "id":
        order = db.orders.get(int(uid)) if uid.isdigit() else None
    else:
        sites = [site] if site else call.visible_sites()
        for code in sites:
            oid = db.orders_by_ext.get((code, uid))
            if oid is not None:
                order = db.orders[oid]
                break
    if order is None:
        raise not_found()
    if not call.can_see(order.site):
        raise access_denied()
    return order


def _status_set(call: Call, values: list[str]) -> set[str]:
    db = call.db
    chosen: set[str] = set()
    for code in values:
        if code in db.statuses:
            chosen.add(code)
        elif call.config.extended_status_accepts_groups and any(g == code for g, _, _ in db.status_groups):
            chosen.update(s.code for s in db.statuses.values() if s.group == code)
        else:
            raise input_error({"children[extendedStatus]": f'Status "{code}" does not exist.'})
    return chosen


def _in_range(value: Any, low: Any, high: Any) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def _filter_orders(call: Call, flt: dict[str, Any]) -> list[Order]:
    db = call.db
    ids = ls.ints(flt, "ids")
    external_ids = ls.strings(flt, "externalIds")
    numbers = ls.strings(flt, "numbers")
    sites = ls.strings(flt, "sites")
    statuses = _status_set(call, ls.strings(flt, "extendedStatus") or []) if "extendedStatus" in flt else None
    customer_id = ls.one_int(flt, "customerId")
    customer_ext = ls.one_string(flt, "customerExternalId")
    customer_text = (ls.one_string(flt, "customer") or "").strip().lower()
    email = ls.one_string(flt, "email")
    created_from, created_to = ls.day(flt, "createdAtFrom"), ls.day(flt, "createdAtTo")
    status_from, status_to = ls.day(flt, "statusUpdatedAtFrom"), ls.day(flt, "statusUpdatedAtTo")
    delivery_from, delivery_to = ls.day(flt, "deliveryDateFrom"), ls.day(flt, "deliveryDateTo")
    shipment_from, shipment_to = ls.day(flt, "shipmentDateFrom"), ls.day(flt, "shipmentDateTo")
    paid_from, paid_to = ls.day(flt, "paidAtFrom"), ls.day(flt, "paidAtTo")
    methods = ls.strings(flt, "orderMethods")
    types = ls.strings(flt, "orderTypes")
    delivery_types = ls.strings(flt, "deliveryTypes")
    stores = ls.strings(flt, "shipmentStores")
    payment_statuses = ls.strings(flt, "paymentStatuses")
    payment_types = ls.strings(flt, "paymentTypes")
    managers = ls.ints(flt, "managers")
    shipped, expired, call_flag = ls.flag(flt, "shipped"), ls.flag(flt, "expired"), ls.flag(flt, "call")
    product = (ls.one_string(flt, "product") or "").strip().lower()
    visible = set(call.visible_sites())

    result = []
    for order in db.orders.values():
        if order.site not in visible:
            continue
        if ids is not None and order.id not in ids:
            continue
        if external_ids is not None and order.external_id not in external_ids:
            continue
        if numbers is not None and order.number not in numbers:
            continue
        if sites is not None and order.site not in sites:
            continue
        if statuses is not None and order.status not in statuses:
            continue
        if customer_id is not None and order.customer_id != customer_id:
            continue
        customer = db.customers.get(order.customer_id) if order.customer_id is not None else None
        if customer_ext is not None and (customer is None or customer.external_id != customer_ext):
            continue
        if customer_text:
            haystack = " ".join(x or "" for x in (order.last_name, order.first_name, order.patronymic,
                                                   order.phone, order.email)).lower()
            if customer_text not in haystack:
                continue
        if email is not None and (order.email or "").lower() != email.lower():
            continue
        if not _in_range(order.created_at.date(), created_from, created_to):
            continue
        if not _in_range(order.status_updated_at.date(), status_from, status_to):
            continue
        if not _in_range(order.delivery_date, delivery_from, delivery_to):
            continue
        if not _in_range(order.shipment_date, shipment_from, shipment_to):
            continue
        if paid_from is not None or paid_to is not None:
            paid_days = [p.paid_at.date() for p in order.payments.values() if p.paid_at is not None]
            if not any(_in_range(d, paid_from, paid_to) for d in paid_days):
                continue
        if methods is not None and order.order_method not in methods:
            continue
        if types is not None and order.order_type not in types:
            continue
        if delivery_types is not None and order.delivery_code not in delivery_types:
            continue
        if stores is not None and order.shipment_store not in stores:
            continue
        if payment_statuses is not None and not any(p.status in payment_statuses for p in order.payments.values()):
            continue
        if payment_types is not None and not any(p.type in payment_types for p in order.payments.values()):
            continue
        if managers is not None and order.manager_id not in managers:
            continue
        if shipped is not None and order.shipped != shipped:
            continue
        if expired is not None and order.expired != expired:
            continue
        if call_flag is not None and order.call != call_flag:
            continue
        if product and not any(product in _item_name(call, item).lower() for item in order.items):
            continue
        result.append(order)
    result.sort(key=lambda o: o.id, reverse=True)
    return result


def _item_name(call: Call, item: Any) -> str:
    offer = call.db.offers.get(item.offer_id) if item.offer_id is not None else None
    return " ".join(x or "" for x in (item.product_name, offer.name if offer else None,
                                       offer.article if offer else None))


def register(router: Router) -> None:
    @router.add("GET", "/api/v5/orders", "order_read")
    def orders_list(call: Call) -> Reply:
        limit, page = ls.page_params(call)
        flt = ls.read_filter(call, ORDER_FILTERS, ORDER_FILTERS_UNSUPPORTED)
        chunk, pagination = ls.paginate(_filter_orders(call, flt), limit, page)
        return {"success": True, "pagination": pagination, "orders": [ser.order_json(call.db, o) for o in chunk]}

    @router.add("POST", "/api/v5/orders/create", "order_write")
    def orders_create(call: Call) -> Reply:
        body = call.json_object("order")
        site = call.site_for_write(body.get("site"))
        order = create_order(call.db, body, site, call.actor)
        return {"success": True, "id": order.id, "order": ser.written_order_json(call.db, order, created=True)}, 201

    @router.add("POST", "/api/v5/orders/upload", "order_write")
    def orders_upload(call: Call) -> Reply:
        rows = call.json_field("orders")
        if not isinstance(rows, list):
            raise entity_error({"orders": "This value should be a JSON array of orders."})
        limit = call.config.orders_upload_limit
        if len(rows) > limit:
            raise ApiError(400, f"Too many orders in one request: {len(rows)}. At most {limit} are accepted.",
                           {"orders": f"This collection should contain {limit} elements or less."})
        uploaded, failed, bodies, messages = [], [], [], []
        for idx, row in enumerate(rows):
            external_id = row.get("externalId") if isinstance(row, dict) else None
            try:
                if not isinstance(row, dict):
                    raise entity_error({f"orders[{idx}]": "This value should be a JSON object."})
                site = call.site_for_write(row.get("site"))
                order = create_order(call.db, row, site, call.actor)
            except ApiError as exc:
                failed.append({"externalId": external_id} if external_id is not None else {})
                detail = "; ".join(f"{k}: {m}" for k, m in exc.errors.items()) if isinstance(exc.errors, dict) else ""
                messages.append(f"orders[{idx}]: {exc.message}" + (f" ({detail})" if detail else ""))
                continue
            ref: dict[str, Any] = {"id": order.id}
            if order.external_id is not None:
                ref["externalId"] = order.external_id
            uploaded.append(ref)
            bodies.append(ser.written_order_json(call.db, order, created=True))
        if failed:
            return {
                "success": False,
                "errorMsg": "Orders are loaded with errors",
                "errors": messages,
                "uploadedOrders": uploaded,
                "orders": bodies,
                "failedOrders": failed,
            }, 460
        return {"success": True, "uploadedOrders": uploaded, "orders": bodies}, 201

    @router.add("GET", "/api/v5/orders/statuses", "order_read")
    def orders_statuses(call: Call) -> Reply:
        ids = ls.ints(call.params, "ids") or []
        external_ids = ls.strings(call.params, "externalIds") or []
        if not ids and not external_ids:
            raise input_error({"ids": "Set ids[] or externalIds[] (at most 500 in total)."})
        if len(ids) + len(external_ids) > 500:
            raise input_error({"ids": "At most 500 ids and externalIds in total."})
        db = call.db
        found: dict[int, Order] = {}
        for oid in ids:
            if oid in db.orders:
                found[oid] = db.orders[oid]
        for ext in external_ids:
            for site in call.visible_sites():
                ext_match = db.orders_by_ext.get((site, ext))
                if ext_match is not None:
                    found[ext_match] = db.orders[ext_match]
        rows = []
        for order in found.values():
            if not call.can_see(order.site):
                continue
            row: dict[str, Any] = {"id": order.id}
            if order.external_id is not None:
                row["externalId"] = order.external_id
            row["status"] = order.status
            status = db.statuses.get(order.status)
            row["group"] = status.group if status else "new"
            rows.append(row)
        return {"success": True, "orders": rows}

    @router.add("GET", "/api/v5/orders/history", "order_read")
    def orders_history(call: Call) -> Reply:
        return history_reply(call, call.db.history, "order")

    @router.add("POST", "/api/v5/orders/payments/create", "order_write")
    def payment_create(call: Call) -> Reply:
        body = call.json_object("payment")
        ref = body.get("order")
        if not isinstance(ref, dict) or (ref.get("id") is None and ref.get("externalId") is None):
            raise entity_error({"order": "Set one of the following fields: id, externalId"})
        if ref.get("id") is not None:
            order = find_order(call, str(ref["id"]), "id", None)
        else:
            order = find_order(call, str(ref["externalId"]), "externalId", call.text_param("site"))
        payment = add_payment(call.db, order, body, call.actor)
        return {"success": True, "id": payment.id}, 201

    def _payment(call: Call) -> tuple[Order, int]:
        found = find_payment(call.db, call.path_params["pid"], call.by())
        if found is None or not call.can_see(found[0].site):
            raise not_found()
        return found

    @router.add("POST", "/api/v5/orders/payments/{pid}/edit", "order_write")
    def payment_edit(call: Call) -> Reply:
        order, pid = _payment(call)
        body = call.json_object("payment")
        edit_payment(call.db, order, pid, body, call.actor)
        return {"success": True, "id": pid}

    @router.add("POST", "/api/v5/orders/payments/{pid}/delete", "order_write")
    def payment_delete(call: Call) -> Reply:
        if not call.path_params["pid"].isdigit():
            raise not_found()
        found = find_payment(call.db, call.path_params["pid"], "id")
        if found is None or not call.can_see(found[0].site):
            raise not_found()
        delete_payment(call.db, found[0], found[1], call.actor)
        return {"success": True}

    @router.add("GET", "/api/v5/orders/{uid}", "order_read")
    def orders_get(call: Call) -> Reply:
        order = find_order(call, call.path_params["uid"], call.by(), call.text_param("site"))
        return {"success": True, "order": ser.order_json(call.db, order)}

    @router.add("POST", "/api/v5/orders/{uid}/edit", "order_write")
    def orders_edit(call: Call) -> Reply:
        order = find_order(call, call.path_params["uid"], call.by(), call.text_param("site"))
        body = call.json_object("order")
        updated = edit_order(call.db, order, body, call.actor)
        return {"success": True, "id": updated.id, "order": ser.written_order_json(call.db, updated, created=False)}
