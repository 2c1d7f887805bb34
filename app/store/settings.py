"""Per-profile settings: a small key → JSON table, and the typed :class:`SyncSettings` document in it.

SyncSettings is saved as one JSON object under the key ``"sync"``. Keys this version does not know (written
by a newer Svyazka) are kept in ``extra`` and written back untouched; a bad value raises
:class:`SettingsError` with a Russian sentence that names the setting as the settings page does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.store.errors import SettingsError
from app.store.models import SettingRow
from app.vocab import CatalogMode, Master, MatchKey, StockType

if TYPE_CHECKING:
    from app.store.database import Database

SYNC_SETTINGS_KEY = "sync"

# The allowed values, in the order the settings page and messages list them (the enums' order).
MATCH_KEYS = tuple(MatchKey)
MASTERS = tuple(Master)
STOCK_TYPES = tuple(StockType)
CATALOG_MODES = tuple(CatalogMode)


class StorePair(NamedTuple):
    """A MoySklad warehouse whose stock goes to a RetailCRM store."""

    ms_store_id: str
    ms_store_name: str
    rc_store_code: str


class PricePair(NamedTuple):
    """A MoySklad price type whose values go to a RetailCRM price type."""

    ms_price_type_id: str
    ms_price_type_name: str
    rc_price_code: str


P = TypeVar("P", StorePair, PricePair)
E = TypeVar("E", bound=StrEnum)


# Setting names as the settings page calls them: messages name the setting the way the shop owner knows it.
SETTING_LABELS: dict[str, str] = {
    "organization_id": "организация",
    "organization_name": "название организации",
    "store_pairs": "пары складов",
    "price_pairs": "пары типов цен",
    "status_map": "соответствие статусов",
    "state_names": "названия статусов МойСклад",
    "reverse_status_map": "обратное соответствие статусов",
    "export_statuses": "статусы для выгрузки",
    "shipment_status": "статус отгрузки",
    "return_statuses": "статусы возврата",
    "shipped_in_ms_status": "статус заказа, отгруженного в МойСклад",
    "match_key": "ключ сопоставления",
    "match_field": "поле RetailCRM для ключа сопоставления",
    "master": "главная система для товаров",
    "stock_type": "вид остатка",
    "catalog_mode": "способ выгрузки каталога",
    "retailcrm_site": "магазин RetailCRM",
    "excluded_folders": "исключённые группы товаров МойСклад",
    "icml_folder": "папка для файла каталога ICML",
    "schedule_minutes": "интервал синхронизации",
    "stock_schedule_minutes": "интервал обновления остатков",
    "reverse_status_flow": "обратная передача статусов",
    "delivery_service_name": "служба доставки",
    "payment_documents": "документы оплат по типам оплаты",
    "order_attributes": "дополнительные поля заказа МойСклад",
    "first_sync_days": "период заказов для первой синхронизации",
    "safety_min_linked_percent": "проверка перед записью: наименьшая доля связанных товаров, %",
    "safety_max_unlinked_percent": "проверка перед записью: наибольшая доля удаляемых связей, %",
    "safety_max_new_products": "проверка перед записью: наибольшее число новых товаров",
    "safety_max_shipments": "проверка перед записью: наибольшее число новых отгрузок",
    "safety_max_zeroed_percent": "проверка перед записью: наибольшая доля обнуляемых остатков, %",
    "safety_min_items": "проверка перед записью: с какого числа позиций проверять доли",
    "extra": "дополнительные настройки",
}

# The allowed values of the choice settings, in words.
CHOICE_LABELS: dict[str, str] = {
    "article": "артикул",
    "code": "код",
    "external-code": "внешний код",
    "barcode": "штрихкод",
    "moysklad": "МойСклад",
    "retailcrm": "RetailCRM",
    "stock": "остаток",
    "freeStock": "доступный остаток",
    "crm": "через API RetailCRM",
    "icml": "файл ICML",
}

# The safety check's thresholds (app/sync/safety.py): kept as they are whenever settings are suggested anew.
SAFETY_SETTINGS = (
    "safety_min_linked_percent",
    "safety_max_unlinked_percent",
    "safety_max_new_products",
    "safety_max_shipments",
    "safety_max_zeroed_percent",
    "safety_min_items",
)

_SHOWN_MAX = 80  # a broken value may be huge; the message only needs a glimpse of it


def _shown(value: Any) -> str:
    """A stored value as a shop owner can read it (no Python quotes around text)."""
    if value is None:
        text = "пусто"
    elif isinstance(value, bool):
        text = "«да»" if value else "«нет»"
    elif isinstance(value, str):
        text = f"«{value}»"
    else:
        text = str(value)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def _bad(setting: str, problem: str) -> SettingsError:
    label = SETTING_LABELS.get(setting, setting.replace("_", " "))
    return SettingsError(f"Настройка «{label}» {problem}. Откройте настройки и выберите значение заново.")


def _opt_str(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(name, f"должна быть текстом, а сохранено {_shown(value)}")
    return value.strip() or None


def _choice(name: str, value: Any, choices: type[E]) -> E:
    """``value`` (the stored string or a member) as a member of ``choices``."""
    value = getattr(value, "value", value)  # a member of this or an equal enum
    if not isinstance(value, str) or value not in choices._value2member_map_:
        allowed = ", ".join(CHOICE_LABELS.get(c, c) for c in choices)
        raise _bad(name, f"имеет неизвестное значение {_shown(value)} (возможны: {allowed})")
    return choices(value)


# The RetailCRM offer fields a match key can meet (app.sync.catalog.keys.RC_FIELDS; the store does not import sync);
# an offer property is "property:<code>".
MATCH_FIELDS = ("article", "xml-id", "external-id", "barcode")
MATCH_PROPERTY_PREFIX = "property:"


def _match_field(name: str, value: Any) -> str | None:
    """None (the key's usual field), a known field, or ``property:<code>`` (letters, digits, ``_-.``)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if value in MATCH_FIELDS:
            return value
        code = value[len(MATCH_PROPERTY_PREFIX) :] if value.startswith(MATCH_PROPERTY_PREFIX) else ""
        if code and all(c.isalnum() or c in "_-." for c in code):
            return value
    allowed = "артикул, xml-id, external-id, штрихкод или property:<код свойства>"
    raise _bad(name, f"имеет неизвестное значение {_shown(value)} (возможны: {allowed})")


def _minutes(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(name, f"должна быть целым числом минут (0 — выключено), а сохранено {_shown(value)}")
    return value


def _days(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(name, f"должна быть целым числом дней (0 — без ограничения), а сохранено {_shown(value)}")
    return value


def _percent(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise _bad(name, f"должна быть целым числом процентов от 0 до 100 (0 — проверка выключена), а сохранено "
                         f"{_shown(value)}")
    return value


def _count(name: str, value: Any, zero: str = "проверка выключена") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(name, f"должна быть целым числом не меньше 0 (0 — {zero}), а сохранено {_shown(value)}")
    return value


def _str_map(name: str, value: Any, *, values_optional: bool = False) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(name, f"должна быть таблицей соответствий, а сохранено {_shown(value)}")
    result: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise _bad(name, f"содержит пустую или нетекстовую строку {_shown(key)}")
        if item is None and values_optional:
            result[key] = None
        elif isinstance(item, str) and item:
            result[key] = item
        else:
            raise _bad(name, f"не содержит значения для «{key}»")
    return result


PAYMENT_DOCUMENTS = ("paymentin", "cashin", "skip")


def _payment_documents(value: Any) -> dict[str, str]:
    result = _str_map("payment_documents", value)
    for code, document in result.items():
        if document not in PAYMENT_DOCUMENTS:
            raise _bad("payment_documents", f"для типа оплаты «{code}» содержит {_shown(document)}, а допустимы "
                                            "«paymentin» (входящий платёж), «cashin» (приходный ордер) и «skip» "
                                            "(не передавать)")
    return result


# What an additional field of a MoySklad customer order is filled from (app/sync/orders/attributes.py):
# "field:<one of these>", "field:customFields.<code>", "const:<text>" or "none" (left empty).
ORDER_ATTRIBUTE_FIELDS = ("deliveryType", "paymentType", "orderMethod", "site", "manager", "number")
CUSTOM_FIELD_PREFIX = "customFields."


def order_attribute_source_ok(source: str) -> bool:
    """Whether ``source`` is a source :mod:`app.sync.orders.attributes` can fill a field from."""
    if source == "none":
        return True
    kind, _, rest = source.partition(":")
    if kind == "const":
        return bool(rest)
    if kind == "field":
        return rest in ORDER_ATTRIBUTE_FIELDS or (rest.startswith(CUSTOM_FIELD_PREFIX)
                                                  and len(rest) > len(CUSTOM_FIELD_PREFIX))
    return False


def _order_attributes(value: Any) -> dict[str, str]:
    result = _str_map("order_attributes", value)
    for attribute, source in result.items():
        if not order_attribute_source_ok(source):
            raise _bad("order_attributes", f"для поля {_shown(attribute)} содержит {_shown(source)}, а допустимы "
                                           "поле заказа RetailCRM («field:deliveryType», «field:paymentType», "
                                           "«field:orderMethod», «field:site», «field:manager», «field:number», "
                                           "«field:customFields.<код>»), значение («const:<текст>») и «none» "
                                           "(не заполнять)")
    return result


def _str_tuple(name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise _bad(name, f"должна быть списком, а сохранено {_shown(value)}")
    if not all(isinstance(v, str) and v for v in value):
        raise _bad(name, "содержит пустую или нетекстовую строку")
    return tuple(value)


def _pairs(name: str, value: Any, pair_type: type[P]) -> tuple[P, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise _bad(name, f"должна быть списком, а сохранено {_shown(value)}")
    fields = pair_type._fields
    result: list[P] = []
    for item in value:
        if isinstance(item, Mapping):
            parts = [item.get(f) for f in fields]
        elif isinstance(item, list | tuple) and len(item) == len(fields):
            parts = list(item)
        else:
            raise _bad(name, f"содержит запись, которую Связка не может прочитать: {_shown(item)}")
        if not all(isinstance(p, str) for p in parts) or not parts[0] or not parts[-1]:
            raise _bad(name, f"содержит неполную запись: {_shown(item)}")
        result.append(pair_type(*[str(p) for p in parts]))
    return tuple(result)


@dataclass(frozen=True)
class SyncSettings:
    organization_id: str | None = None
    organization_name: str | None = None
    store_pairs: tuple[StorePair, ...] = ()
    price_pairs: tuple[PricePair, ...] = ()
    status_map: Mapping[str, str | None] = field(default_factory=dict)  # rc status code → ms state id
    state_names: Mapping[str, str] = field(default_factory=dict)  # ms state id → name
    reverse_status_map: Mapping[str, str] = field(default_factory=dict)  # ms state id → rc status code
    export_statuses: tuple[str, ...] = ()  # empty = export nothing, never "everything"
    shipment_status: str | None = None
    # a shipped order moving to one of these gets a sales return (app/sync/orders/returns.py);
    # None: the statuses of the cancel group, () no returns
    return_statuses: tuple[str, ...] | None = None
    # with the statuses back: the RetailCRM status an order gets when its shipment is made in MoySklad itself
    shipped_in_ms_status: str | None = None
    match_key: MatchKey = MatchKey.ARTICLE
    # the RetailCRM offer field the key is compared with; None: the key's usual one (article for article and
    # code, xmlId for the external code, barcode for barcodes), as before this could be chosen
    match_field: str | None = None
    master: Master = Master.MOYSKLAD
    stock_type: StockType = StockType.STOCK
    catalog_mode: CatalogMode = CatalogMode.CRM
    retailcrm_site: str | None = None
    # MoySklad productFolder ids whose products (subfolders too) are not linked, created or counted; empty:
    # the whole assortment (app/sync/catalog/folders.py)
    excluded_folders: tuple[str, ...] = ()
    # the folder each catalog run writes svyazka-catalog.xml into (app/sync/catalog/icml.py); None: no file
    icml_folder: str | None = None
    schedule_minutes: int = 15  # 0 = no automatic runs
    stock_schedule_minutes: int = 5
    reverse_status_flow: bool = False
    delivery_service_name: str | None = None
    # RetailCRM payment type code → the MoySklad document a paid payment becomes (app/sync/orders/payments.py):
    # "paymentin" (card, bank), "cashin" (cash) or "skip"; a type missing here gets the suggested one
    payment_documents: Mapping[str, str] = field(default_factory=dict)
    # MoySklad customer order additional field id → what fills it (see ORDER_ATTRIBUTE_FIELDS); a field missing
    # here is not sent (app/sync/orders/attributes.py)
    order_attributes: Mapping[str, str] = field(default_factory=dict)
    # The first orders sync takes orders created in the last N days only (0 = every order): years of old
    # orders must not land in MoySklad, with their shipments, because a shop connected Svyazka today.
    first_sync_days: int = 30
    # The safety check before a run writes (app/sync/safety.py): a run that would do more than these stops and
    # asks (the window), needs --yes (the CLI) or is skipped with an alert (a scheduled run). 0 turns a check off.
    safety_min_linked_percent: int = 50  # the match key links at least this share of each catalog
    safety_max_unlinked_percent: int = 20  # a run drops at most this share of the existing links
    safety_max_new_products: int = 50
    safety_max_shipments: int = 50
    safety_max_zeroed_percent: int = 20  # of the stock values above zero that were sent last
    # Shares are judged only from this many items on (a 5-item catalog halves with one product), and a read
    # is suspect only when the last run saw at least this many.
    safety_min_items: int = 20
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)  # keys from a newer Svyazka

    def __post_init__(self) -> None:
        # Validate and normalize once, so every SyncSettings in the app is a good one.
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        put("organization_id", _opt_str("organization_id", self.organization_id))
        put("organization_name", _opt_str("organization_name", self.organization_name))
        put("store_pairs", _pairs("store_pairs", self.store_pairs, StorePair))
        put("price_pairs", _pairs("price_pairs", self.price_pairs, PricePair))
        put("status_map", _str_map("status_map", self.status_map, values_optional=True))
        put("state_names", _str_map("state_names", self.state_names))
        put("reverse_status_map", _str_map("reverse_status_map", self.reverse_status_map))
        put("export_statuses", _str_tuple("export_statuses", self.export_statuses))
        put("shipment_status", _opt_str("shipment_status", self.shipment_status))
        if self.return_statuses is not None:
            put("return_statuses", _str_tuple("return_statuses", self.return_statuses))
        put("shipped_in_ms_status", _opt_str("shipped_in_ms_status", self.shipped_in_ms_status))
        put("match_key", _choice("match_key", self.match_key, MatchKey))
        put("match_field", _match_field("match_field", self.match_field))
        put("master", _choice("master", self.master, Master))
        put("stock_type", _choice("stock_type", self.stock_type, StockType))
        put("catalog_mode", _choice("catalog_mode", self.catalog_mode, CatalogMode))
        put("retailcrm_site", _opt_str("retailcrm_site", self.retailcrm_site))
        put("excluded_folders", _str_tuple("excluded_folders", self.excluded_folders))
        put("icml_folder", _opt_str("icml_folder", self.icml_folder))
        put("schedule_minutes", _minutes("schedule_minutes", self.schedule_minutes))
        put("stock_schedule_minutes", _minutes("stock_schedule_minutes", self.stock_schedule_minutes))
        if not isinstance(self.reverse_status_flow, bool):
            flow = _shown(self.reverse_status_flow)
            raise _bad("reverse_status_flow", f"должна быть «да» или «нет», а сохранено {flow}")
        put("delivery_service_name", _opt_str("delivery_service_name", self.delivery_service_name))
        put("payment_documents", _payment_documents(self.payment_documents))
        put("order_attributes", _order_attributes(self.order_attributes))
        put("first_sync_days", _days("first_sync_days", self.first_sync_days))
        for name in ("safety_min_linked_percent", "safety_max_unlinked_percent", "safety_max_zeroed_percent"):
            put(name, _percent(name, getattr(self, name)))
        for name in ("safety_max_new_products", "safety_max_shipments"):
            put(name, _count(name, getattr(self, name)))
        put("safety_min_items", _count("safety_min_items", self.safety_min_items, "доли проверяются всегда"))
        if not isinstance(self.extra, Mapping):
            raise _bad("extra", "сохранена в непонятном виде")
        put("extra", dict(self.extra))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; pairs become objects with named fields, unknown keys are carried along."""
        data: dict[str, Any] = dict(self.extra)
        for f in dataclasses.fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if f.name in ("store_pairs", "price_pairs"):
                value = [pair._asdict() for pair in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            data[f.name] = value
        return data

    @classmethod
    def from_json(cls, data: Any) -> SyncSettings:
        if not isinstance(data, Mapping):
            raise SettingsError(
                "Сохранённые настройки синхронизации не удаётся прочитать. Откройте настройки и сохраните их заново."
            )
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values = {k: v for k, v in data.items() if k in known}
        extra = {k: v for k, v in data.items() if k not in known}
        return cls(**values, extra=extra)


class SettingsRepository:
    def __init__(self, db: Database, profile_id: int) -> None:
        self._db = db
        self.profile_id = profile_id

    def get(self, key: str, default: Any = None) -> Any:
        with self._db.read_session() as session:
            value = session.scalar(
                select(SettingRow.value).where(SettingRow.profile_id == self.profile_id, SettingRow.key == key)
            )
        return default if value is None else value

    def set(self, key: str, value: Any) -> None:
        statement = sqlite_insert(SettingRow).values(profile_id=self.profile_id, key=key, value=value)
        statement = statement.on_conflict_do_update(
            index_elements=[SettingRow.profile_id, SettingRow.key], set_={"value": statement.excluded.value}
        )
        with self._db.session() as session:
            session.execute(statement)

    def delete(self, key: str) -> None:
        with self._db.session() as session:
            session.execute(delete(SettingRow).where(SettingRow.profile_id == self.profile_id, SettingRow.key == key))

    def all(self) -> dict[str, Any]:
        with self._db.read_session() as session:
            rows = session.execute(
                select(SettingRow.key, SettingRow.value).where(SettingRow.profile_id == self.profile_id)
            )
            return {key: value for key, value in rows}

    def load_sync(self) -> SyncSettings:
        """The saved sync settings, or the defaults if none were saved yet."""
        data = self.get(SYNC_SETTINGS_KEY)
        return SyncSettings() if data is None else SyncSettings.from_json(data)

    def save_sync(self, settings: SyncSettings) -> None:
        self.set(SYNC_SETTINGS_KEY, settings.to_json())
