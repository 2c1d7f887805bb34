"""``/api/v5/reference/*``. Most references are objects keyed by code; ``stores`` and ``priceTypes`` are
arrays (api-client-php ``ReferencesTest``)."""

from __future__ import annotations

from typing import Any

from ..router import Call, Reply, Router
from ..units import fmt_dt, kop_json

WEEK = ("mo", "tu", "we", "th", "fr", "sa", "su")
_PROCESS_GROUPS = frozenset({"approval", "assembling", "delivery"})


def register(router: Router) -> None:
    @router.add("GET", "/api/v5/reference/statuses", "reference_read")
    def statuses(call: Call) -> Reply:
        return {"success": True, "statuses": {
            s.code: {"name": s.name, "code": s.code, "active": s.active, "ordering": s.ordering, "group": s.group}
            for s in call.db.statuses.values()
        }}

    @router.add("GET", "/api/v5/reference/status-groups", "reference_read")
    def status_groups(call: Call) -> Reply:
        groups: dict[str, Any] = {}
        # real accounts (testStatusGroups.json): groups in their ``ordering``, members by their ordering inside
        # the group; ``process`` is true for approval, assembling and delivery only (false for «new» too)
        for code, name, ordering in sorted(call.db.status_groups, key=lambda g: (g[2], g[0])):
            members = sorted((s for s in call.db.statuses.values() if s.group == code),
                             key=lambda s: (s.ordering, s.code))
            groups[code] = {"name": name, "code": code, "active": True, "ordering": ordering,
                            "process": code in _PROCESS_GROUPS, "statuses": [s.code for s in members]}
        return {"success": True, "statusGroups": groups}

    @router.add("GET", "/api/v5/reference/stores", "reference_read")
    def stores(call: Call) -> Reply:
        rows = []
        for store in call.db.stores.values():
            # fixture References/testStores: a description, a week of working hours (empty lists: not set)
            row: dict[str, Any] = {"description": store.address, "code": store.code, "name": store.name,
                                   "type": store.type, "inventoryType": store.inventory_type,
                                   "active": store.active, "address": {"text": store.address}, "phone": {},
                                   "workTime": {day: [] for day in WEEK}}
            if store.external_id:
                row["externalId"] = store.external_id
            rows.append(row)
        return {"success": True, "stores": rows}

    @router.add("GET", "/api/v5/reference/sites", "reference_read")
    def sites(call: Call) -> Reply:
        result: dict[str, Any] = {}
        for ordering, site in enumerate(call.db.sites.values(), start=989):
            if not call.can_see(site.code):
                continue
            row: dict[str, Any] = {"id": site.id, "code": site.code, "name": site.name, "url": site.url,
                                   "description": site.name}
            # every recorded site has a catalog URL, loaded from it or not (fixture References/testSites)
            row["ymlUrl"] = site.yml_url or f"{site.url}/catalog.xml"
            row["loadFromYml"] = site.load_from_yml
            if site.catalog_updated_at is not None:
                row["catalogUpdatedAt"] = fmt_dt(site.catalog_updated_at)
                row["catalogLoadingAt"] = fmt_dt(site.catalog_updated_at)
            # catalogId is a string, and need not be a number ("catalog" in fixture References/testSites)
            row.update({"catalogId": str(site.catalog_id), "isCatalogMainSite": True, "currency": "RUB",
                        "countryIso": "RU", "defaultForCrm": True, "ordering": ordering, "isDemo": False,
                        "senderName": site.name, "senderEmail": f"shop@{site.code}.example.ru",
                        "contragent": {"contragentType": "legal-entity", "legalName": f"ООО «{site.name}»",
                                       "INN": f"77{site.id:08d}", "code": site.code, "countryIso": "RU"}})
            result[site.code] = row
        return {"success": True, "sites": result}

    @router.add("GET", "/api/v5/reference/delivery-types", "reference_read")
    def delivery_types(call: Call) -> Reply:
        db = call.db
        return {"success": True, "deliveryTypes": {
            code: {"isDynamicCostCalculation": False, "isAutoCostCalculation": False,
                   "isAutoNetCostCalculation": False, "isCostDependsOnRegionAndWeightAndSum": False,
                   "isCostDependsOnDateTime": False, "code": code, "name": name, "description": name,
                   "active": True, "defaultCost": kop_json(cost), "defaultNetCost": 0,
                   "paymentTypes": list(db.payment_types), "deliveryServices": [], "currency": "RUB",
                   "sites": list(db.sites), "defaultForCrm": False,
                   # fixture References/testDeliveryTypes: whether each payment type is cash on delivery
                   "deliveryPaymentTypes": [{"code": p, "cod": p == "cash"} for p in db.payment_types]}
            for code, (name, cost) in db.delivery_types.items()
        }}

    @router.add("GET", "/api/v5/reference/payment-types", "reference_read")
    def payment_types(call: Call) -> Reply:
        db = call.db
        return {"success": True, "paymentTypes": {
            code: {"name": name, "code": code, "description": name, "active": True, "defaultForCrm": False,
                   "defaultForApi": False,
                   "deliveryTypes": list(db.delivery_types), "paymentStatuses": list(db.payment_statuses),
                   "sites": list(db.sites)}
            for code, name in db.payment_types.items()
        }}

    @router.add("GET", "/api/v5/reference/payment-statuses", "reference_read")
    def payment_statuses(call: Call) -> Reply:
        db = call.db
        return {"success": True, "paymentStatuses": {
            code: {"name": name, "code": code, "active": True, "defaultForCrm": code == "not-paid",
                   "defaultForApi": code == "not-paid", "paymentComplete": complete, "ordering": (i + 1) * 10,
                   "paymentTypes": list(db.payment_types)}
            for i, (code, (name, complete)) in enumerate(db.payment_statuses.items())
        }}

    @router.add("GET", "/api/v5/reference/product-statuses", "reference_read")
    def product_statuses(call: Call) -> Reply:
        # an object keyed by code; ``createdAt`` and ``cancelStatus`` as recorded (References/testProductStatuses)
        return {"success": True, "productStatuses": {
            s.code: {"code": s.code, "ordering": s.ordering, "active": s.active, "createdAt": fmt_dt(s.created_at),
                     "cancelStatus": s.cancel, "name": s.name}
            for s in call.db.product_statuses.values()
        }}

    @router.add("GET", "/api/v5/reference/price-types", "reference_read")
    def price_types(call: Call) -> Reply:
        return {"success": True, "priceTypes": [
            {"id": p.id, "code": p.code, "name": p.name, "active": p.active, "default": p.default, "geo": [],
             "groups": [], "ordering": p.ordering}
            for p in call.db.price_types.values()
        ]}

    @router.add("GET", "/api/v5/reference/order-methods", "reference_read")
    def order_methods(call: Call) -> Reply:
        return {"success": True, "orderMethods": {
            code: {"name": name, "code": code, "active": True, "defaultForCrm": code == "phone",
                   "defaultForApi": code == "shopping-cart", "isFromPos": False}
            for code, name in call.db.order_methods.items()
        }}

    @router.add("GET", "/api/v5/reference/order-types", "reference_read")
    def order_types(call: Call) -> Reply:
        return {"success": True, "orderTypes": {
            code: {"name": name, "code": code, "active": True, "defaultForCrm": code == "eshop-individual",
                   "defaultForApi": code == "eshop-individual", "ordering": (i + 1) * 10}
            for i, (code, name) in enumerate(call.db.order_types.items())
        }}
