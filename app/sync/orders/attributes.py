"""Additional fields (доп. поля) of MoySklad customer orders, filled from RetailCRM order fields or constants.

Pure parts (no HTTP): what a source gives for an order (:func:`source_text`), how that text becomes a value of
the attribute's type (:func:`attribute_value`), an order's values (:func:`map_attributes`), the delivery and
payment line for the description (:func:`delivery_payment_line`), ``setup --auto``'s guesses by name
(:func:`suggest_source`). Reading (:class:`AttributeReader`): the metadata, RetailCRM's reference names and
customentity dictionaries, each once a run and only when asked for.

Sources (setting ``order_attributes``, attribute id → source, app/store/settings.py): ``field:deliveryType``
(its name from ``/reference/delivery-types``), ``field:paymentType`` (the types of the order's payments, names
from ``/reference/payment-types``), ``field:orderMethod`` (``/reference/order-methods``), ``field:site``
(``/reference/sites``), ``field:manager`` (``managerId`` → «Фамилия Имя» from ``/api/v5/users``, the user
shape the official PHP client recorded (UsersTest); read once a run, only when an order with a manager is
mapped; the id when the key lacks ``user_read``), ``field:number``, ``field:customFields.<code>``,
``const:<text>``, ``none``.

Values per attribute type (OAS ``attributeString`` … ``attributeCustomEntity``, /work/shared/moysklad-openapi;
the fixture ``cash_in.json`` for ``time``: ``"2016-06-07 12:52:33"``): string ≤255 and text ≤4096 characters
(MoySklad's limits for a string / a text additional field, the same as its ``name`` / ``description``,
moysklad-api.md), long and double numbers, boolean, time, customentity as ``{"meta": <element>}`` of its
dictionary (``customEntityMeta`` of the attribute). ``link`` takes a constant only (a URL no order field
holds); ``file`` wants the file's content and is not offered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.clients.errors import SettingsError, SvyazkaApiError
from app.clients.moysklad_models import AttributeMeta
from app.clients.retailcrm_models import Order
from app.messages import Message, msg
from app.store.settings import CUSTOM_FIELD_PREFIX, ORDER_ATTRIBUTE_FIELDS
from app.sync.text import shorten

STRING_MAX = 255
TEXT_MAX = 4096
# types a RetailCRM field can fill; "link" takes a constant only; anything else (file, entity references) is
# not offered
FIELD_TYPES = ("string", "text", "long", "double", "boolean", "time", "customentity")
CONST_TYPES = (*FIELD_TYPES, "link")
NONE = "none"
_TRUE = {"да", "true", "1", "yes", "y", "истина"}
_FALSE = {"нет", "false", "0", "no", "n", "ложь"}


def offered(attribute: AttributeMeta) -> bool:
    """Whether Svyazka can fill this attribute at all."""
    return attribute.type in CONST_TYPES


def source_offered(attribute: AttributeMeta, source: str) -> bool:
    if source == NONE:
        return True
    if source.startswith("const:"):
        return attribute.type in CONST_TYPES
    return attribute.type in FIELD_TYPES


# --- RetailCRM names --------------------------------------------------------------------------------------

@dataclass
class Names:
    """RetailCRM reference names by code, each read on first use (None: not read yet)."""

    delivery_types: Callable[[], Mapping[str, str]]
    payment_types: Callable[[], Mapping[str, str]]
    order_methods: Callable[[], Mapping[str, str]] = dict
    sites: Callable[[], Mapping[str, str]] = dict
    managers: Callable[[], Mapping[str, str]] = dict  # user id (as text) -> «Фамилия Имя»


def payment_type_codes(order: Order) -> list[str]:
    """The order's payments' types, each once (``payments``: an object keyed by id, or a list; fixture
    Orders/testGet.json)."""
    raw = order.raw.get("payments")
    items = raw.values() if isinstance(raw, Mapping) else raw if isinstance(raw, list) else ()
    codes: list[str] = []
    for item in items:
        code = item.get("type") if isinstance(item, Mapping) else None
        if isinstance(code, str) and code and code not in codes:
            codes.append(code)
    return codes


def _plain(value: Any) -> str | None:
    if value is None or value == "" or isinstance(value, Mapping | list):
        return None
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value).strip() or None


def source_text(order: Order, source: str, names: Names) -> str | None:
    """What ``source`` gives for ``order`` in a readable form (names, not codes); None: nothing."""
    kind, _, rest = source.partition(":")
    if kind == "const":
        return rest or None
    if kind != "field":
        return None
    if rest == "deliveryType":
        code = order.delivery.code
        return names.delivery_types().get(code, code) if code else None
    if rest == "paymentType":
        codes = payment_type_codes(order)
        if not codes:
            return None
        known = names.payment_types()
        return ", ".join(known.get(c, c) for c in codes)
    if rest == "orderMethod":
        code = order.order_method
        return names.order_methods().get(code, code) if code else None
    if rest == "site":
        code = order.site
        return names.sites().get(code, code) if code else None
    if rest == "manager":
        manager = _plain(order.raw.get("managerId"))
        return names.managers().get(manager, manager) if manager else None
    if rest == "number":
        return order.number
    if rest.startswith(CUSTOM_FIELD_PREFIX):
        return _plain(order.custom_fields.get(rest[len(CUSTOM_FIELD_PREFIX):]))
    return None


def delivery_payment_line(order: Order, names: Names) -> str:
    """«Доставка: Курьер; оплата: Наличные» for the description (integration guide: "способы доставки и
    оплаты"), empty when the order has neither."""
    parts = []
    delivery = source_text(order, "field:deliveryType", names)
    if delivery:
        parts.append(f"Доставка: {delivery}")
    payment = source_text(order, "field:paymentType", names)
    if payment:
        parts.append(f"{'оплата' if parts else 'Оплата'}: {payment}")
    return "; ".join(parts)


# --- values -----------------------------------------------------------------------------------------------

Dictionary = Mapping[str, Mapping[str, Any]]  # element name (casefolded) -> its meta


@dataclass(frozen=True)
class AttributeValue:
    """One additional field as a request body wants it."""

    id: str
    meta: Mapping[str, Any] = field(compare=False)
    value: Any

    def body(self) -> dict[str, Any]:
        return {"meta": dict(self.meta), "value": self.value}

    def key(self) -> list[Any]:
        """For the fingerprint: a customentity element by its id."""
        value = self.value
        if isinstance(value, Mapping):
            value = str(value.get("meta", {}).get("href", ""))
        return [self.id, value]


@dataclass
class Outcome:
    values: list[AttributeValue] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)  # shortened, left out
    problems: list[Message] = field(default_factory=list)  # bad data: the order waits


def _time(raw: str) -> str | None:
    text = raw.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return f"{date.fromisoformat(text):%Y-%m-%d} 00:00:00"
        if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text):
            return f"{datetime.strptime(text, '%d.%m.%Y'):%Y-%m-%d} 00:00:00"
        moment = datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        return None
    return f"{moment.replace(tzinfo=None):%Y-%m-%d %H:%M:%S}"  # MoySklad's "YYYY-MM-DD HH:MM:SS" (cash_in.json)


def attribute_value(attribute: AttributeMeta, raw: str, dictionary: Dictionary | None,
                    out: Outcome) -> None:
    """Add ``raw`` as ``attribute``'s value to ``out`` (or a note / a problem saying why not)."""
    name, kind = attribute.name, attribute.type
    value: Any = raw
    if kind in ("string", "text", "link"):
        limit = TEXT_MAX if kind == "text" else STRING_MAX
        if len(raw) > limit:
            value = shorten(raw, limit)
            out.notes.append(msg("order_fields.note_shortened", field=name, max=limit))
    elif kind in ("long", "double"):
        try:
            number = Decimal(raw.replace(" ", "").replace("\u00a0", "").replace(",", "."))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or (kind == "long" and number != number.to_integral_value()):
            code = "order_fields.reason_not_whole" if kind == "long" else "order_fields.reason_not_number"
            out.problems.append(msg(code, field=name, value=shorten(raw, 40)))
            return
        value = int(number) if kind == "long" else float(number)
    elif kind == "boolean":
        word = raw.strip().casefold()
        if word not in _TRUE | _FALSE:
            out.problems.append(msg("order_fields.reason_not_boolean", field=name, value=shorten(raw, 40)))
            return
        value = word in _TRUE
    elif kind == "time":
        moment = _time(raw)
        if moment is None:
            out.problems.append(msg("order_fields.reason_not_time", field=name, value=shorten(raw, 40)))
            return
        value = moment
    elif kind == "customentity":
        element = (dictionary or {}).get(raw.strip().casefold())
        if element is None and attribute.required:
            # sent empty, MoySklad would refuse it (412) on every run: the order waits as bad data instead and
            # is looked at again each run, so it goes once the element is added
            out.problems.append(msg("order_sources.reason_no_element", field=name, value=shorten(raw, 80)))
            return
        if element is None:
            out.notes.append(msg("order_fields.note_no_element", field=name, value=shorten(raw, 80)))
            return
        value = {"meta": dict(element)}
    else:
        return  # not offered (file, references): the settings cannot ask for it
    out.values.append(AttributeValue(attribute.id, attribute.meta, value))


def map_attributes(order: Order, mapping: Mapping[str, str], attributes: Mapping[str, AttributeMeta],
                   names: Names, dictionary: Callable[[str], Dictionary]) -> Outcome:
    """The order's additional fields as the mapping says (attribute ids no longer in MoySklad are left out)."""
    out = Outcome()
    for attribute_id, source in sorted(mapping.items()):
        attribute = attributes.get(attribute_id)
        if attribute is None or source == NONE or not source_offered(attribute, source):
            continue
        raw = source_text(order, source, names)
        if raw is None:
            continue
        wanted = dictionary(attribute.dictionary_id) if attribute.type == "customentity" and \
            attribute.dictionary_id else None
        attribute_value(attribute, raw, wanted, out)
    return out


# --- setup --auto -----------------------------------------------------------------------------------------

# A person's words for the fields in MoySklad → the RetailCRM field (checked in order, on casefolded names).
_GUESSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("доставк",), "field:deliveryType"),
    (("оплат",), "field:paymentType"),
    (("канал продаж", "источник", "способ заказа", "способ оформления"), "field:orderMethod"),
    (("сайт", "магазин"), "field:site"),
    (("менеджер", "ответственн"), "field:manager"),
    (("номер заказа", "номер в crm", "номер retailcrm"), "field:number"),
)


def suggest_source(attribute: AttributeMeta) -> str | None:
    """The RetailCRM field an attribute's name asks for, or None."""
    if attribute.type not in FIELD_TYPES:
        return None
    name = attribute.name.casefold()
    for words, source in _GUESSES:
        if any(w in name for w in words):
            return source
    return None


def suggest_attributes(attributes: Iterable[AttributeMeta], current: Mapping[str, str]) -> dict[str, str]:
    """The mapping the wizard prefills and ``setup --auto`` saves: what a person chose stays; an attribute not
    chosen yet gets the field its name asks for (ids gone from MoySklad are dropped)."""
    listed = list(attributes)
    known = {a.id for a in listed}
    result = {i: s for i, s in current.items() if i in known}
    for attribute in listed:
        if attribute.id not in result:
            guess = suggest_source(attribute)
            if guess is not None:
                result[attribute.id] = guess
    return result


def parse_cli_mapping(text: str) -> tuple[str, str]:
    """``NAME=field:deliveryType`` / ``NAME=const:Значение`` / ``NAME=none`` → (name, source); ValueError
    with a Russian sentence when it is not one of these."""
    name, sep, source = text.partition("=")
    name, source = name.strip(), source.strip()
    if not sep or not name or not source:
        raise ValueError(str(msg("order_fields.cli_bad_form", value=text)))
    from app.store.settings import order_attribute_source_ok

    if not order_attribute_source_ok(source):
        raise ValueError(str(msg("order_fields.cli_bad_source", value=source,
                                 fields=", ".join(f"field:{f}" for f in ORDER_ATTRIBUTE_FIELDS))))
    return name, source


# --- reading ----------------------------------------------------------------------------------------------

class AttributeReader:
    """The metadata, reference names and dictionaries, each read once (per run: one reader a plan)."""

    def __init__(self, ms: Any, rc: Any, *, payment_types: Callable[[], Mapping[str, str]] | None = None) -> None:
        self.ms = ms
        self.rc = rc
        self._attributes: dict[str, AttributeMeta] | None = None
        self._dictionaries: dict[str, Dictionary] = {}
        self._refs: dict[str, Mapping[str, str]] = {}
        self.failed: list[str] = []  # what could not be read (names fall back to codes)
        self._managers: dict[str, str] | None = None
        self.managers_refused: bool = False  # the key lacks user_read: managers go as their ids
        self.managers_unread: str | Message | None = None  # the users list failed otherwise (its error)
        self.names = Names(
            delivery_types=lambda: self._ref("delivery_types"),
            payment_types=payment_types or (lambda: self._ref("payment_types")),
            order_methods=lambda: self._ref("order_methods"),
            sites=lambda: self._ref("sites"),
            managers=self.managers,
        )

    def _ref(self, what: str) -> Mapping[str, str]:
        if what not in self._refs:
            try:
                self._refs[what] = {r.code: r.name for r in getattr(self.rc, what)()}
            except SvyazkaApiError:
                self._refs[what] = {}  # the codes stand in; the journal says so once
                self.failed.append(what)
        return self._refs[what]

    def managers(self) -> Mapping[str, str]:
        """Managers' names by id: ``/api/v5/users`` walked once a run, on the first order that needs one (it
        takes no ``ids`` filter, so one walk names the managers of every order of the run). Refused for rights
        or unreadable: empty, and the ids stand in (:func:`managers_log` says so)."""
        if self._managers is None:
            try:
                self._managers = {str(u.id): u.name for u in self.rc.users() if u.id and u.name}
            except SettingsError as exc:
                if exc.reason != "no_access":
                    raise
                self._managers, self.managers_refused = {}, True
            except SvyazkaApiError as exc:
                self._managers, self.managers_unread = {}, exc.sentence
        return self._managers

    def attributes(self) -> dict[str, AttributeMeta]:
        if self._attributes is None:
            self._attributes = {a.id: a for a in self.ms.attributes("customerorder")}
        return self._attributes

    def dictionary(self, dictionary_id: str) -> Dictionary:
        if dictionary_id not in self._dictionaries:
            elements: dict[str, Mapping[str, Any]] = {}
            for row in self.ms.custom_entity_elements(dictionary_id):
                name = str(row.get("name") or "").strip().casefold()
                if name and isinstance(row.get("meta"), Mapping):
                    elements.setdefault(name, row["meta"])
            self._dictionaries[dictionary_id] = elements
        return self._dictionaries[dictionary_id]


def managers_log(reader: AttributeReader) -> list[tuple[str, Message]]:
    """(level, line) for the journal when managers went as ids this run: a warning naming what to do (the
    right ``user_read``, or the read that failed) and a debug line for the technical log."""
    if not (reader.managers_refused or reader.managers_unread is not None):
        return []
    if reader.managers_refused:
        warning = msg("order_sources.managers_refused", scope="user_read")
    else:
        warning = msg("order_sources.managers_unread", error=reader.managers_unread or "")
    return [("warning", warning), ("debug", msg("order_sources.managers_as_ids"))]


def by_name(attributes: Iterable[AttributeMeta]) -> dict[str, AttributeMeta]:
    """Attributes by casefolded name (the refusal and the CLI name them as MoySklad shows them)."""
    return {a.name.strip().casefold(): a for a in attributes}


def mapped_names(mapping: Mapping[str, str], attributes: Mapping[str, AttributeMeta]) -> set[str]:
    """Casefolded names of the attributes the mapping fills (``none`` does not fill)."""
    return {attributes[i].name.strip().casefold() for i, s in mapping.items() if s != NONE and i in attributes}


def unmapped_required(mapping: Mapping[str, str], attributes: Sequence[AttributeMeta]) -> list[AttributeMeta]:
    return [a for a in attributes if a.required and mapping.get(a.id, NONE) == NONE]


# --- flow hooks (plan.py, apply.py) -----------------------------------------------------------------------

@dataclass
class PlanFields:
    """What the planner hands :func:`app.sync.orders.decide.decide` about additional fields."""

    attributes: Callable[[Order], Outcome] | None = None
    delivery_payment: Callable[[Order], str] | None = None
    hold_new: str | None = None
    held: dict[int, str] = field(default_factory=dict)


def _conflict_key(name: str) -> str:
    from app.sync.conflict_key import ConflictKey
    from app.vocab import ConflictKind

    return str(ConflictKey.of(ConflictKind.REQUIRED_ATTRIBUTE, name.strip()))


def prepare(p: Any) -> PlanFields:
    """The planner's side: the reader, the open required-field conflicts settled (closed once the field is
    mapped or optional: the metadata is read only when one is open or the mapping is not empty)."""
    from app.sync.model import Flow, Level
    from app.vocab import ConflictKind

    reader: AttributeReader = p.attribute_reader
    mapping = p.settings.order_attributes
    out = PlanFields(delivery_payment=lambda order: delivery_payment_line(order, reader.names))
    open_conflicts = p.conflict_repo.list(status="open", kind=ConflictKind.REQUIRED_ATTRIBUTE)
    if not mapping and not open_conflicts:
        return out
    try:
        attributes = reader.attributes()
    except SvyazkaApiError as exc:
        if not open_conflicts:
            raise
        # unreadable now: the orders keep waiting (nothing changed as far as Svyazka can tell)
        p.ctx.log(Level.WARNING, Flow.ORDERS, msg("order_fields.metadata_unread", error=exc.sentence))
        for conflict in open_conflicts:
            _hold(out, conflict)
        return out
    if mapping:
        out.attributes = lambda order: map_attributes(order, mapping, attributes, reader.names, reader.dictionary)
    names = by_name(attributes.values())
    filled = mapped_names(mapping, attributes)
    closed = []
    for conflict in open_conflicts:
        data = conflict.rc_data or {}
        field_name = str(data.get("field") or "")
        found = names.get(field_name.strip().casefold())
        if found is not None and found.required and field_name.strip().casefold() not in filled:
            _hold(out, conflict)
            # seen in this run: it stays open below
            p.conflict_repo.record_many([conflict_row(field_name, list(zip(
                data.get("order_ids") or (), data.get("orders") or (), strict=False)))], p.ctx.run_id)
            continue
        closed.append(msg("order_fields.required_closed", field=field_name, how=msg(
            "order_fields.how_mapped" if found is not None and found.required else "order_fields.how_optional")))
    if closed and p.ctx.run_id is not None:
        # the ones not seen in this run are the settled ones (the store closes a conflict only this way)
        p.conflict_repo.close_missing(p.ctx.run_id, [ConflictKind.REQUIRED_ATTRIBUTE])
        for line in closed:
            p.ctx.log(Level.INFO, Flow.ORDERS, line)
    return out


def _hold(out: PlanFields, conflict: Any) -> None:
    data = conflict.rc_data or {}
    name = str(data.get("field") or "")
    if not name:
        return
    out.hold_new = out.hold_new or name
    for order_id in data.get("order_ids") or ():
        if isinstance(order_id, int):
            out.held.setdefault(order_id, name)


def conflict_row(name: str, orders: Sequence[tuple[int, str]]) -> dict[str, Any]:
    """A ``required_attribute`` conflict (keyed by the field's name) listing the waiting orders (id, label)."""
    from app.vocab import ConflictKind

    labels = [lbl for _, lbl in orders]
    more = msg("orders.and_more", count=len(labels) - 5) if len(labels) > 5 else ""
    title = msg("orders.conflict_waiting", title=msg("order_fields.required_title", field=name),
                orders=", ".join(labels[:5]), more=more) if labels else msg("order_fields.required_title", field=name)
    return {"kind": ConflictKind.REQUIRED_ATTRIBUTE, "key": _conflict_key(name), "title": title,
            "rc_data": {"field": name, "name": name, "orders": labels, "order_ids": [i for i, _ in orders]},
            "ms_data": None}


def record_waiting(repo: Any, run_id: int | None, name: str, orders: Sequence[tuple[int, str]]) -> None:
    """Record (or refresh) the conflict for ``name`` with ``orders`` added to the ones it listed."""
    from app.vocab import ConflictKind

    known = repo.get_by_key(ConflictKind.REQUIRED_ATTRIBUTE, _conflict_key(name))
    merged: dict[int, str] = {}
    if known is not None and known.status == "open":
        data = known.rc_data or {}
        for order_id, lbl in zip(data.get("order_ids") or (), data.get("orders") or (), strict=False):
            if isinstance(order_id, int):
                merged[order_id] = str(lbl)
    for order_id, lbl in orders:
        merged[order_id] = lbl
    repo.record_many([conflict_row(name, sorted(merged.items()))], run_id)
