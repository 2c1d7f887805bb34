"""A RetailCRM order as a MoySklad customer order: pure mapping, no HTTP, no store.

The flow (:mod:`app.sync.orders.flow`) gathers what this needs (offer links, the mapped state and store,
whether the order is still active) and this module turns an order into

* a :class:`MappedOrder`: the fields Svyazka owns in MoySklad, in plain values;
* request bodies for a create and for an update (references built by the caller's ``meta`` functions, so
  this module never knows the service's address);
* what a create's answer says about the sum, and what a refusal for a required additional field means.

Its hash of what an update would send lives in :mod:`app.sync.orders.fingerprints`.

Money is Decimal roubles here and kopecks only in request bodies (:mod:`app.money`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.clients.parsing import as_list, as_map, decimal, kopecks, text
from app.clients.retailcrm_models import Address, Order, OrderItem
from app.messages import Message, msg
from app.money import KOPECK, rub, rub_to_kopecks
from app.sync.orders.attributes import AttributeValue
from app.sync.text import shorten

# MoySklad's field limits: longer values are refused with a 412, so they are shortened (or reported) here.
DESCRIPTION_MAX = 4096
SHORT_TEXT_MAX = 255
NAME_MAX = 255
# A discount percent with more places looks like a mistake to a person; the net price says it better.
DISCOUNT_PLACES = 2
DELIVERY = "delivery"  # stands for the delivery service's id in fingerprints (it may not exist yet)
# A RetailCRM price holds the VAT (a Russian shop sells at retail prices), so the customer order says so: with
# ``vatIncluded`` MoySklad keeps ``sum`` at the lines' total and only shows the VAT inside it; without it, it
# adds VAT on top and the order costs 10-20 % more than in RetailCRM ("Включен ли НДС в цену",
# DOC:documents/_customerOrder). What a document gets when it does not say is not documented (the docs'
# example comes back with true), so it is always sent. ``vatEnabled`` (whether VAT is kept at all) is left to
# MoySklad's own settings: with the VAT inside the price it does not change the sum.
VAT_INCLUDED = True

MetaFn = Callable[[str, str], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class OfferTarget:
    """What a RetailCRM offer is in MoySklad (from an ``offer`` link)."""

    ms_id: str
    ms_type: str  # "product" | "variant"


@dataclass(frozen=True, slots=True)
class MappedPosition:
    assortment_type: str  # product | variant | service
    assortment_id: str  # DELIVERY for the delivery service
    quantity: Decimal
    price: Decimal  # roubles per unit, before the discount
    discount: Decimal  # percent
    reserve: Decimal
    label: str = ""  # what a person calls the line, for messages


@dataclass(frozen=True, slots=True)
class LineProblem:
    """An order line that keeps the order from going to MoySklad."""

    index: int
    offer_id: int | None
    name: str
    reason: str  # "unlinked"


@dataclass(frozen=True)
class MappedOrder:
    rc_id: int
    number: str | None
    state_id: str | None  # None: leave the state as it is (unmapped status on an update)
    store_id: str | None
    description: str
    shipment_address: str
    positions: tuple[MappedPosition, ...]
    notes: tuple[Message, ...] = field(default=())  # what was shortened or left out, for the log
    # additional fields Svyazka fills (setting ``order_attributes``, app/sync/orders/attributes.py)
    attributes: tuple[AttributeValue, ...] = field(default=())


# --- money -------------------------------------------------------------------------------------------------


def _line_total(quantity: Decimal, unit: Decimal) -> Decimal:
    return (quantity * unit).quantize(KOPECK, rounding=ROUND_HALF_UP)


def price_and_discount(initial: Decimal, discount_total: Decimal, quantity: Decimal) -> tuple[Decimal, Decimal]:
    """The MoySklad unit price (roubles) and discount (percent) for a RetailCRM line.

    RetailCRM keeps a discount in roubles per unit; MoySklad wants a percent and computes
    ``quantity × price × (1 − discount/100)`` rounded to the kopeck. A percent with at most two places is
    used when it gives exactly RetailCRM's unit price and line total; otherwise the net price goes with 0 %,
    because a total off by a kopeck is worse than a discount not shown as such.
    """
    initial = rub(initial)
    discount = rub(discount_total)
    net = initial - discount
    if discount <= 0 or initial <= 0 or net < 0:
        return max(net, Decimal("0.00")), Decimal(0)
    exact = discount / initial * 100
    wanted_line = _line_total(quantity, net)
    for places in range(DISCOUNT_PLACES + 1):
        percent = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if not Decimal(0) < percent < Decimal(100):
            continue
        factor = 1 - percent / 100
        unit_ok = (initial * factor).quantize(KOPECK, rounding=ROUND_HALF_UP) == net
        if unit_ok and _line_total(quantity, initial * factor) == wanted_line:
            return initial, percent.normalize()
    return net, Decimal(0)


# --- texts -------------------------------------------------------------------------------------------------


def order_description(order: Order, delivery_payment: str = "") -> str:
    """Customer comment and manager comment, each labelled, and the delivery and payment types
    (:func:`app.sync.orders.attributes.delivery_payment_line`) as the MoySklad description."""
    parts = []
    if order.customer_comment and order.customer_comment.strip():
        parts.append(f"Комментарий клиента: {order.customer_comment.strip()}")
    if order.manager_comment and order.manager_comment.strip():
        parts.append(f"Комментарий менеджера: {order.manager_comment.strip()}")
    if delivery_payment:
        parts.append(delivery_payment)
    return "\n".join(parts)


def address_text(address: Address) -> str:
    """The delivery address in one line: RetailCRM's own text when it has one, else the parts joined."""
    if address.text and address.text.strip():
        return " ".join(address.text.split())
    parts = address.parts
    pieces = [
        address.index,
        address.region,
        address.city,
        address.street,
        f"д. {address.building}" if address.building else None,
        # in RetailCRM's own order: "д. 50, стр. 5, корп. 1, кв./офис 13" (recorded References/testStores)
        f"стр. {address.house}" if address.house else None,
        f"корп. {address.housing}" if address.housing else None,
        f"кв. {address.flat}" if address.flat else None,
        text(parts.get("notes")),
    ]
    return ", ".join(p.strip() for p in pieces if p and p.strip())


# --- validation --------------------------------------------------------------------------------------------


def customer_display_name(order: Order) -> str:
    """What the counterparty would be called: the company, else «Фамилия Имя Отчество»."""
    company = (order.customer.company or "").strip()
    return company or " ".join(order.customer.full_name.split())


def bad_data_reasons(order: Order, *, creating: bool = True) -> list[Message]:
    """What makes the order impossible to send as it is, in words (empty: it is fine).

    The customer's name matters only when the order is created (it may name a new counterparty).
    """
    reasons: list[Message] = []
    name = customer_display_name(order)
    if not creating:
        pass
    elif not name:
        reasons.append(msg("orders.reason_no_name"))
    elif len(name) > NAME_MAX:
        reasons.append(msg("orders.reason_name_too_long", max=NAME_MAX, length=len(name)))
    for index, item in enumerate(order.items, start=1):
        if item.quantity < 0:
            reasons.append(msg("orders.reason_negative_quantity", index=index, item=item_label(item),
                               quantity=item.quantity))
        if item.initial_price < 0:
            reasons.append(msg("orders.reason_negative_price", index=index, item=item_label(item)))
    return reasons


def item_label(item: OrderItem) -> str:
    name = item.product_name or item.offer.name or (f"предложение {item.offer.id}" if item.offer.id else "товар")
    return shorten(name, 80)


# --- mapping -----------------------------------------------------------------------------------------------


def map_positions(
    order: Order,
    offers: Mapping[int, OfferTarget],
    *,
    reserve: bool,
    skip_offers: frozenset[int] = frozenset(),
    delivery_cost: Decimal | None = None,
    skip_statuses: Collection[str] = (),
) -> tuple[list[MappedPosition], list[LineProblem]]:
    """Order lines as positions; lines whose offer is not linked come back as problems.

    ``skip_offers`` are offers a person chose to leave out ("ignore" on their conflict); ``skip_statuses`` are
    line statuses that cancel a line (app/sync/orders/cancelled_lines.py): such a line is left out, linked or
    not, so it holds no reserve and waits for no link. The delivery cost
    becomes a service line when ``delivery_cost`` is given (the caller knows whether a service exists).
    """
    positions: list[MappedPosition] = []
    problems: list[LineProblem] = []
    for index, item in enumerate(order.items, start=1):
        offer_id = item.offer.id
        if offer_id is not None and offer_id in skip_offers:
            continue
        if item.status is not None and item.status in skip_statuses:
            continue
        target = offers.get(offer_id) if offer_id is not None else None
        if target is None:
            problems.append(LineProblem(index, offer_id, item_label(item), "unlinked"))
            continue
        price, discount = price_and_discount(item.initial_price, item.discount_total, item.quantity)
        positions.append(
            MappedPosition(
                assortment_type=target.ms_type,
                assortment_id=target.ms_id,
                quantity=item.quantity,
                price=price,
                discount=discount,
                reserve=item.quantity if reserve else Decimal(0),
                label=item_label(item),
            )
        )
    if delivery_cost is not None and delivery_cost > 0:
        positions.append(
            MappedPosition("service", DELIVERY, Decimal(1), rub(delivery_cost), Decimal(0), Decimal(0), "доставка")
        )
    return positions, problems


def map_order(
    order: Order,
    positions: Sequence[MappedPosition],
    *,
    state_id: str | None,
    store_id: str | None,
    delivery_payment: str = "",
    attributes: Sequence[AttributeValue] = (),
    attribute_notes: Sequence[Message] = (),
) -> MappedOrder:
    notes: list[Message] = list(attribute_notes)
    description = order_description(order, delivery_payment)
    if len(description) > DESCRIPTION_MAX:
        description = shorten(description, DESCRIPTION_MAX)
        notes.append(msg("orders.note_comment_shortened", max=DESCRIPTION_MAX))
    address = address_text(order.delivery.address)
    if len(address) > SHORT_TEXT_MAX:
        address = shorten(address, SHORT_TEXT_MAX)
        notes.append(msg("orders.note_address_shortened", max=SHORT_TEXT_MAX))
    return MappedOrder(
        rc_id=order.id,
        number=order.number,
        state_id=state_id,
        store_id=store_id,
        description=description,
        shipment_address=address,
        positions=tuple(positions),
        notes=tuple(notes),
        attributes=tuple(attributes),
    )


# --- bodies ------------------------------------------------------------------------------------------------


def _number(value: Decimal) -> float:
    return float(value)


def positions_body(mapped: MappedOrder, meta: MetaFn, delivery_service_id: str | None) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for position in mapped.positions:
        assortment_id = position.assortment_id
        if assortment_id == DELIVERY:
            if delivery_service_id is None:
                continue  # no delivery service to point at: the cost is left out (the flow said so)
            assortment_id = delivery_service_id
        row: dict[str, Any] = {
            "assortment": meta(position.assortment_type, assortment_id),
            "quantity": _number(position.quantity),
            "price": rub_to_kopecks(position.price),
            "discount": _number(position.discount),
        }
        if position.assortment_type != "service":
            row["reserve"] = _number(position.reserve)
        rows.append(row)
    return rows


def update_body(
    mapped: MappedOrder,
    meta: MetaFn,
    state_meta: Callable[[str], dict[str, Any]],
    delivery_service_id: str | None,
) -> dict[str, Any]:
    """The fields Svyazka owns, for a PUT (positions replace the whole set)."""
    body: dict[str, Any] = {
        "description": mapped.description,
        "shipmentAddress": mapped.shipment_address,
        "vatIncluded": VAT_INCLUDED,
        "positions": positions_body(mapped, meta, delivery_service_id),
    }
    if mapped.state_id:
        body["state"] = state_meta(mapped.state_id)
    if mapped.store_id:
        body["store"] = meta("store", mapped.store_id)
    if mapped.attributes:  # merged by attribute id on a PUT (moysklad-api.md §5): the others stay as they are
        body["attributes"] = [a.body() for a in mapped.attributes]
    return body


def create_body(
    mapped: MappedOrder,
    meta: MetaFn,
    state_meta: Callable[[str], dict[str, Any]],
    delivery_service_id: str | None,
    *,
    organization_id: str,
    agent_id: str,
    sync_id: str,
    name: str | None,
) -> dict[str, Any]:
    """A new customer order: ``externalCode`` is the RetailCRM order id, ``name`` its number when free."""
    body = update_body(mapped, meta, state_meta, delivery_service_id)
    for key in ("description", "shipmentAddress"):
        if not body[key]:
            del body[key]
    body.update(
        {
            "syncId": sync_id,
            "externalCode": str(mapped.rc_id),
            "organization": meta("organization", organization_id),
            "agent": meta("counterparty", agent_id),
        }
    )
    if name:
        body["name"] = name
    return body


def sent_total(body: Mapping[str, Any]) -> Decimal:
    """The order total the positions of ``body`` make with the VAT inside the prices: what MoySklad's ``sum``
    must be (roubles; each line ``quantity × price × (1 − discount/100)`` rounded to the kopeck, as
    :func:`price_and_discount` expects)."""
    total = Decimal(0)
    for raw in as_list(body.get("positions")):
        row = as_map(raw)
        price = kopecks(row.get("price")) or Decimal(0)
        quantity = decimal(row.get("quantity")) or Decimal(0)
        discount = decimal(row.get("discount")) or Decimal(0)
        total += _line_total(quantity, price * (1 - discount / 100))
    return total


def sum_mismatch(body: Mapping[str, Any], saved: Mapping[str, Any]) -> tuple[Decimal, Decimal] | None:
    """(sent, MoySklad's) totals when the saved order's ``sum`` is not what ``body`` sent, else None.

    Rounding may differ by a kopeck a line; more means MoySklad priced the order differently (VAT added on
    top after all, or a price changed by the account's rules), which a person must look at.
    """
    ms_sum = kopecks(saved.get("sum"))
    if ms_sum is None:
        return None
    sent = sent_total(body)
    slack = KOPECK * max(1, len(as_list(body.get("positions"))))
    return (sent, ms_sum) if abs(ms_sum - sent) > slack else None


# Every field of a MoySklad customer order (the OAS schema ``customerOrder``, shared/moysklad-openapi), and the
# fields of its positions. A "required field" refusal (3000) naming anything else names an additional field
# (доп. поле) the account made required: real accounts answer ``"parameter": "Способ оплаты"`` with the
# field's name (wpcraft-ru/wooms#135, #484). Svyazka fills the fields the setting ``order_attributes`` maps;
# a refusal for another is a conflict (kind ``required_attribute``, app/sync/orders/plan.py and apply.py).
_ORDER_FIELDS = frozenset({
    "accountId", "agent", "agentAccount", "applicable", "attributes", "code", "contract", "created", "deleted",
    "deliveryPlannedMoment", "demands", "description", "externalCode", "files", "group", "id", "invoicedSum",
    "invoicesOut", "meta", "moment", "moves", "name", "organization", "organizationAccount", "owner", "payedSum",
    "payments", "positions", "prepayments", "printed", "productionTasks", "project", "published",
    "purchaseOrders", "rate", "reservedSum", "salesChannel", "shared", "shipmentAddress", "shipmentAddressFull",
    "shippedSum", "state", "store", "sum", "syncId", "taxSystem", "updated", "vatEnabled", "vatIncluded", "vatSum",
    "assortment", "quantity", "price", "discount", "vat", "reserve",
})
_REQUIRED_CODE = 3000  # "поле '…' не может быть пустым или отсутствовать" (moysklad-api.md §2)


def required_attributes(errors: Sequence[Any]) -> list[str]:
    """Names of the additional fields MoySklad refused a customer order without (``FieldError``s of one item)."""
    names: list[str] = []
    for error in errors:
        field_name = (getattr(error, "field", None) or "").strip()
        if getattr(error, "code", None) != _REQUIRED_CODE or not field_name:
            continue
        base = field_name.split(".", 1)[0].split("[", 1)[0]
        if base not in _ORDER_FIELDS and field_name not in names:
            names.append(field_name)
    return names


def required_attributes_advice(names: Sequence[str]) -> Message:
    """What to do about required additional fields, in a sentence for the shop owner."""
    quoted = ", ".join(f"«{n}»" for n in names)
    return msg("orders.required_field" if len(names) == 1 else "orders.required_fields", fields=quoted)
