"""``/api/v5/customers...``: list, get, create, edit, history."""

from __future__ import annotations

from typing import Any

from .. import listing as ls
from .. import serialize as ser
from ..customers_logic import create_customer, edit_customer
from ..errors import access_denied, not_found
from ..models import Customer
from ..router import Call, Reply, Router
from .history import history_reply

CUSTOMER_FILTERS = frozenset({"ids", "externalIds", "sites", "name", "email", "dateFrom", "dateTo", "managers",
                              "vip", "bad"})
CUSTOMER_FILTERS_UNSUPPORTED = frozenset({
    "customFields", "segment", "tags", "attachments", "city", "region", "country", "minOrderCount",
    "maxOrderCount", "minAverageSumm", "maxAverageSumm", "minTotalSumm", "maxTotalSumm", "firstOrderFrom",
    "firstOrderTo", "lastOrderFrom", "lastOrderTo", "browserId", "commentary", "contragentName",
    "contragentInn", "contragentKpp", "contragentBik", "contragentCorrAccount", "contragentBankAccount",
    "contragentTypes", "discountCardNumber", "sex", "emailMarketingUnsubscribed", "managerGroups",
})


def find_customer(call: Call, uid: str, by: str, site: str | None) -> Customer:
    db = call.db
    customer: Customer | None = None
    if by == "id":
        customer = db.customers.get(int(uid)) if uid.isdigit() else None
    else:
        for code in [site] if site else call.visible_sites():
            cid = db.customers_by_ext.get((code, uid))
            if cid is not None:
                customer = db.customers[cid]
                break
    if customer is None:
        raise not_found()
    if not call.can_see(customer.site):
        raise access_denied()
    return customer


def _filter(call: Call, flt: dict[str, Any]) -> list[Customer]:
    ids = ls.ints(flt, "ids")
    external_ids = ls.strings(flt, "externalIds")
    sites = ls.strings(flt, "sites")
    name = (ls.one_string(flt, "name") or "").strip().lower()
    email = ls.one_string(flt, "email")
    date_from, date_to = ls.day(flt, "dateFrom"), ls.day(flt, "dateTo")
    managers = ls.ints(flt, "managers")
    vip, bad = ls.flag(flt, "vip"), ls.flag(flt, "bad")
    visible = set(call.visible_sites())
    result = []
    for customer in call.db.customers.values():
        if customer.site not in visible:
            continue
        if ids is not None and customer.id not in ids:
            continue
        if external_ids is not None and customer.external_id not in external_ids:
            continue
        if sites is not None and customer.site not in sites:
            continue
        if name:
            haystack = " ".join(x or "" for x in (customer.last_name, customer.first_name, customer.patronymic,
                                                   customer.email, *customer.phones)).lower()
            if name not in haystack:
                continue
        if email is not None and (customer.email or "").lower() != email.lower():
            continue
        created = customer.created_at.date()
        if (date_from is not None and created < date_from) or (date_to is not None and created > date_to):
            continue
        if managers is not None and customer.manager_id not in managers:
            continue
        if vip is not None and customer.vip != vip:
            continue
        if bad is not None and customer.bad != bad:
            continue
        result.append(customer)
    result.sort(key=lambda c: c.id, reverse=True)
    return result


def register(router: Router) -> None:
    @router.add("GET", "/api/v5/customers", "customer_read")
    def customers_list(call: Call) -> Reply:
        limit, page = ls.page_params(call)
        flt = ls.read_filter(call, CUSTOMER_FILTERS, CUSTOMER_FILTERS_UNSUPPORTED)
        chunk, pagination = ls.paginate(_filter(call, flt), limit, page)
        return {"success": True, "pagination": pagination,
                "customers": [ser.customer_json(call.db, c) for c in chunk]}

    @router.add("POST", "/api/v5/customers/create", "customer_write")
    def customers_create(call: Call) -> Reply:
        body = call.json_object("customer")
        site = call.site_for_write(body.get("site"))
        customer = create_customer(call.db, body, site, call.actor)
        return {"success": True, "id": customer.id}, 201

    @router.add("GET", "/api/v5/customers/history", "customer_read")
    def customers_history(call: Call) -> Reply:
        return history_reply(call, call.db.customer_history, "customer")

    @router.add("GET", "/api/v5/customers/{uid}", "customer_read")
    def customers_get(call: Call) -> Reply:
        customer = find_customer(call, call.path_params["uid"], call.by(), call.text_param("site"))
        return {"success": True, "customer": ser.customer_json(call.db, customer)}

    @router.add("POST", "/api/v5/customers/{uid}/edit", "customer_write")
    def customers_edit(call: Call) -> Reply:
        customer = find_customer(call, call.path_params["uid"], call.by(), call.text_param("site"))
        body = call.json_object("customer")
        updated = edit_customer(call.db, customer, body, call.actor)
        return {"success": True, "id": updated.id}
