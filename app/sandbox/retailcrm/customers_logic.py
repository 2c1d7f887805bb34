"""Creating and editing customers from API bodies (``customers/create``, ``customers/{x}/edit``) and from
orders that arrive without one (RetailCRM then makes a customer out of the order's contact fields)."""

from __future__ import annotations

import copy
from typing import Any

from . import validate as v
from .database import Actor, Database
from .errors import ApiError, entity_error
from .models import Customer, Order


def find_customer(db: Database, ref: dict[str, Any], site: str) -> Customer | None:
    if ref.get("id") is not None:
        try:
            return db.customers.get(int(ref["id"]))
        except (TypeError, ValueError):
            return None
    if ref.get("externalId") is not None:
        cid = db.customers_by_ext.get((str(ref.get("site") or site), str(ref["externalId"])))
        return db.customers.get(cid) if cid is not None else None
    return None


def _apply(db: Database, customer: Customer, body: dict[str, Any], errors: v.Errors) -> None:
    for camel, attr in (("firstName", "first_name"), ("lastName", "last_name"), ("patronymic", "patronymic")):
        if camel in body:
            setattr(customer, attr, v.text(body[camel], camel, errors))
    if "externalId" in body:
        customer.external_id = v.text(body["externalId"], "externalId", errors, allow_empty=False)
    if "email" in body:
        customer.email = v.email(body["email"], "email", errors)
    if "managerId" in body:
        customer.manager_id = v.integer(body["managerId"], "managerId", errors)
    for name in ("vip", "bad"):
        if name in body:
            value = v.flag(body[name], name, errors)
            if value is not None:
                setattr(customer, name, value)
    if "phones" in body:
        phones = body["phones"]
        if not isinstance(phones, list):
            errors.add("phones")
        else:
            numbers = []
            for idx, row in enumerate(phones):
                number = row.get("number") if isinstance(row, dict) else None
                text = v.text(number, f"phones[{idx}].number", errors, allow_empty=False)
                if text:
                    numbers.append(text)
            customer.phones = numbers
    if "address" in body:
        address = v.mapping(body["address"], "address", errors)
        if address is not None:
            merged = {**customer.address, **{k: val for k, val in address.items() if k != "id"}}
            customer.address = {k: val for k, val in merged.items() if val is not None}
            customer.address.setdefault("id", db.next_id("address"))
    if "customFields" in body:
        fields = v.mapping(body["customFields"], "customFields", errors)
        if fields is not None:
            merged = {**customer.custom_fields, **fields}
            customer.custom_fields = {k: val for k, val in merged.items() if val is not None}
    if "contragent" in body:
        contragent = v.mapping(body["contragent"], "contragent", errors)
        if contragent is not None:
            kind = contragent.get("contragentType", customer.contragent.get("contragentType"))
            if kind not in ("individual", "legal-entity", "enterpreneur"):
                errors.add("contragent.contragentType")
            else:
                customer.contragent = {**customer.contragent, **contragent}


def create_customer(db: Database, body: dict[str, Any], site: str, actor: Actor) -> Customer:
    errors = v.Errors()
    external_id = body.get("externalId")
    if external_id is not None and (site, str(external_id)) in db.customers_by_ext:
        raise ApiError(400, "Customer already exists.",
                       {"externalId": f"Customer with externalId={external_id} already exists."})
    created_at = v.moment(body.get("createdAt"), "createdAt", errors) or db.now()
    customer = Customer(id=db.next_id("customer"), site=site, created_at=created_at)
    _apply(db, customer, body, errors)
    if errors:
        raise entity_error(errors)
    db.customers[customer.id] = customer
    db.index_customer(customer)
    db.record_customer_created(customer, actor)
    return customer


def edit_customer(db: Database, customer: Customer, body: dict[str, Any], actor: Actor) -> Customer:
    errors = v.Errors()
    before = db.customer_values(customer)
    work = copy.deepcopy(customer)
    _apply(db, work, body, errors)
    if work.external_id != customer.external_id and work.external_id is not None:
        other = db.customers_by_ext.get((work.site, work.external_id))
        if other is not None and other != work.id:
            errors.add("externalId", f"Customer with externalId={work.external_id} already exists.")
    if errors:
        raise entity_error(errors)
    db.customers[work.id] = work
    db.index_customer(work, previous_external_id=customer.external_id)
    db.record_customer_changes(before, work, actor)
    return work


def customer_from_order(db: Database, order: Order, actor: Actor) -> Customer:
    """An order created without a customer gets a new one built from its contact fields."""
    customer = Customer(
        id=db.next_id("customer"),
        site=order.site,
        created_at=order.created_at,
        first_name=order.first_name,
        last_name=order.last_name,
        patronymic=order.patronymic,
        email=order.email,
        phones=[order.phone] if order.phone else [],
        contragent=dict(order.contragent),
        manager_id=order.manager_id,
    )
    db.customers[customer.id] = customer
    db.index_customer(customer)
    db.record_customer_created(customer, actor)
    return customer
