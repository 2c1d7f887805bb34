"""Where the answers recorded from real RetailCRM accounts (``shared/retailcrm-fixtures``) differ from the
sandbox's, as ``python -m app.sandbox.shapes compare`` prints them, and why that is accepted.

Patterns match the printed lines whole, ``*`` standing for any text (app.sandbox.shape_compare.matches).
``real-only``: the real account gave it, the sandbox did not; ``sandbox-only``: the reverse. The recorded
answers are a handful of records of a test account, so many ``sandbox-only`` lines are only the seeded shop
having data that account did not. A new difference fails tests/cli/test_shape_compare.py until the sandbox
learns it or a reason is written here; an entry that no longer matches anything fails it too. Nothing the app
reads may be explained away here.
"""

from __future__ import annotations

_NOT_READ = "; the app never reads it"

KNOWN: dict[str, str] = {
    # --- what the sandbox does not model (as ALLOWED_MISSING in tests/sandbox/retailcrm/test_rc_recorded_shapes.py)
    "real-only retailcrm * *address.*": "an address's geocoded and optional parts (ids, coordinates, metro, flat, "
    "…): the sandbox keeps an address as sent" + _NOT_READ,
    "real-only retailcrm * *.address: key": "customers' addresses: the seed's customers have none" + _NOT_READ,
    "real-only retailcrm GET reference/stores stores[].address: empty object": "a store without an address; every "
    "seeded store has one line" + _NOT_READ,
    "real-only retailcrm GET reference/stores stores[].email: key": "optional store contacts, none in the seed"
    + _NOT_READ,
    "real-only retailcrm GET reference/stores stores[].phone*": "optional store contacts, none in the seed" + _NOT_READ,
    "real-only retailcrm * *.sex: key": "not modelled" + _NOT_READ,
    "real-only retailcrm * *.presumableSex: key": "RetailCRM's guess from the name; not modelled" + _NOT_READ,
    "*-only retailcrm * *.segments*": "customer segments are not modelled (always empty)" + _NOT_READ,
    "*-only retailcrm * *customFields*": "custom fields are each account's own: codes and types differ",
    "real-only retailcrm * *delivery.service: key": "delivery services (integrations) are not modelled" + _NOT_READ,
    "real-only retailcrm GET store/products products[].imageUrl: key": "pictures are not modelled" + _NOT_READ,
    "real-only retailcrm GET store/products products[].offers[].images: key": "pictures are not modelled" + _NOT_READ,
    "real-only retailcrm GET store/products products[].description: key": "optional product text the seed leaves out"
    + _NOT_READ,
    "real-only retailcrm GET store/products products[].manufacturer: key": "optional, the seed leaves it out"
    + _NOT_READ,
    "real-only retailcrm GET store/products products[].url: key": "optional, the seed leaves it out" + _NOT_READ,
    "real-only retailcrm GET reference/sites sites{}.contragent.certificateDate: key": "only for an entrepreneur; "
    "the sandbox's seller is a company" + _NOT_READ,
    # --- codes every account picks for itself
    "*-only retailcrm * *.status = *": "order and payment status codes are each account's own "
    "(References/testStatuses.json)",
    "*-only retailcrm * *payments[].type = *": "payment type codes are each account's own",
    "*-only retailcrm * *payment.type = *": "payment type codes are each account's own",
    "*-only retailcrm GET reference/sites sites{}.catalogId = *": "catalog ids are each account's own; a word one "
    "(References/testSites.json) is served by the lived-in account (app/sandbox/lived_in.py)",
    "real-only retailcrm GET reference/stores stores[].inventoryType = \"available\"": "the tidy account counts in "
    "integers; the lived-in account has an `available` store (app/sandbox/lived_in.py), which the stock flow handles",
    "*-only retailcrm * *contragentType = *": "the recorded account's seller and customers are an entrepreneur "
    "(RetailCRM spells it `enterpreneur`) and individuals; the seed's are companies and individuals",
    "real-only retailcrm GET orders orders[].items[].discounts[].type = \"round\"": "RetailCRM's rounding discount "
    "(applyRound); the seed gives manual discounts only",
    "sandbox-only retailcrm GET orders orders[].items[].discounts[].type = \"manual_product\"": "the recorded list's "
    "lines have no manual discount; the seed's have",
    # --- the recorded orders and history are a few records of one test account; the seed has others
    "real-only retailcrm GET orders orders[].payments: empty object": "an order without payments; every seeded "
    "order has one",
    "sandbox-only retailcrm GET orders orders[].payments*": "the recorded list's orders have no payments; the "
    "seed's have (Orders/testGet.json keys them by id as the sandbox does)",
    "real-only retailcrm GET orders orders[].statusComment: key": "a manager's comment to a status change; the seed "
    "writes none" + _NOT_READ,
    "real-only retailcrm * *items[].externalIds: key": "line ids a shop's site sends; the seed's orders have none "
    "(the emulator keeps them when sent)",
    "real-only retailcrm * *items[].properties*": "line properties a shop's site sends; the seed's orders have none "
    "(the emulator keeps them when sent)",
    "real-only retailcrm GET orders/history history[].item: key": "item-change records; the seed's history holds "
    "whole-order records (the emulator writes item changes for user_edit_order)",
    "real-only retailcrm GET orders/history history[].newValue*": "field-change records of kinds the seed's history "
    "has not (the emulator writes them for user_edit_order)",
    "real-only retailcrm GET orders/history history[].oldValue*": "field-change records of kinds the seed's history "
    "has not (the emulator writes them for user_edit_order)",
    "real-only retailcrm GET orders/history history[].payment.*": "payment-change records; none in the seed's "
    "history (the emulator writes them for user_edit_order)",
    "real-only retailcrm GET orders/history history[].order.customer.*": "a customer made on a site, without "
    "contacts or with an externalId; the seed's customers have both contacts and no externalId",
    "real-only retailcrm GET orders/history history[].order.externalId: key": "an order made on a shop's site; the "
    "seed's orders have no externalId (the emulator keeps one when sent)",
    "real-only retailcrm GET orders/history history[].order.fullPaidAt: key": "a fully paid order; the seed's "
    "history has none (the orders list has: sandbox-only below)",
    "real-only retailcrm GET orders/history history[].order.payments[].*: key": "paid payments; none in the seed's "
    "history",
    "sandbox-only retailcrm GET orders *contragent.INN: key": "company customers; the recorded orders are "
    "individuals'",
    "sandbox-only retailcrm GET orders *contragent.legalName: key": "company customers; the recorded orders are "
    "individuals'",
    "sandbox-only retailcrm GET orders* *customerComment: key": "documented (shared/docs/retailcrm-api.md); no "
    "recorded order has a comment",
    "sandbox-only retailcrm GET orders* *discountManualAmount: key": "documented (shared/docs/retailcrm-api.md); no "
    "recorded line has a manual discount",
    "sandbox-only retailcrm GET orders* *discounts*": "the recorded history's lines have no discounts; the list's do "
    "(Orders/testList.json)",
    "sandbox-only retailcrm GET orders orders[].delivery.code: key": "the recorded orders have no delivery type",
    "sandbox-only retailcrm GET orders orders[].fullPaidAt: key": "fully paid orders (in Orders/testCreate.json); "
    "the recorded list has none",
    "sandbox-only retailcrm GET orders* *offer.properties: key": "offers with properties (Store/testOffers.json); "
    "the recorded orders' offers have none",
    "sandbox-only retailcrm GET orders/history history[].order.*: key": "keys of a whole order (Orders/testList.json "
    "has contact, currency, markingCodes, priceType, patronymic, privilegeType, weight) the recorded history's one "
    "order leaves out",
    # --- products
    "sandbox-only retailcrm GET store/products products[].catalogId: key": "documented "
    "(shared/docs/retailcrm-api.md); the recorded products lack it",
    "sandbox-only retailcrm GET store/products products[].createdAt: key": "the recorded products lack it",
    "sandbox-only retailcrm GET store/products products[].updatedAt: key": "documented "
    "(shared/docs/retailcrm-api.md, Store/testProductsSinceUpdated.json)",
    "sandbox-only retailcrm GET store/products products[].offers[].barcode: key": "documented "
    "(shared/docs/retailcrm-api.md); the recorded offers have no barcode",
    "sandbox-only retailcrm GET store/products products[].offers[].site: key": "the recorded offers lack it",
    "sandbox-only retailcrm GET store/products products[].offers[].*: empty array": "offers without prices or "
    "properties; every recorded offer has some",
    "sandbox-only retailcrm POST store/products/batch/edit processedProductsCount: key": "a create answers with it "
    "(Store/testProductBatchCreate.json); the sandbox's edit answers the same way, the recorded edit did not",
}
