"""The safety check before a run writes: figures a plan reaches only when an assumption went wrong.

A wrong match key, a status order misread, or a service answering an empty list where it has thousands of
rows all look alike from here: the plan suddenly wants to relink, create, ship or zero a lot. The engine
(:mod:`app.sync.engine`) calls :func:`check` after each flow plans and before it applies; what happens next
is the run's :class:`~app.sync.model.SafetyPolicy` (ask, refuse, skip, allow). A dry run only reports.

Pure: it reads the figures a plan already carries (``plan.stats``, the same numbers the wizard and
the report show), the settings' thresholds, and the sizes the last successful run saw (kept by the engine
as cursors of the pseudo-flow :data:`CURSOR_FLOW`, per profile). The guards (0 in a setting turns one off):

* ``linked``: the links after the plan cover less than ``safety_min_linked_percent`` of either catalog;
  judged only when both catalogs have at least ``safety_min_items`` items (a 5-item shop is not a ratio);
* ``unlinked``: the plan drops more than ``safety_max_unlinked_percent`` of the stored links;
* ``new_products``: it creates more than ``safety_max_new_products`` products (both sides together);
* ``shipments``: it posts more than ``safety_max_shipments`` shipments (each writes stock off);
* ``zeroed``: it sets to 0 more than ``safety_max_zeroed_percent`` of the stock values that were above zero
  when last sent (a first stock run sent nothing yet, so there is nothing to judge);
* ``suspect_read``: a catalog or a full stock report has under :data:`NEAR_EMPTY_PERCENT` % of the rows the
  last successful run saw, when it saw at least ``safety_min_items``: an empty answer where thousands were
  is a failed read, not a fact. (A changes-only stock report is legitimately empty: it is not judged.)

The thresholds are checked exactly: "more than 50" trips at 51, "less than half" at 49 of 100.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.store.settings import CHOICE_LABELS, SyncSettings
from app.sync.model import Flow, FlowPlan, SafetyPolicy, SafetyTrip
from app.sync.ports import CursorStore

CURSOR_FLOW = "safety"  # cursors (per profile) holding the sizes the last successful run saw
NEAR_EMPTY_PERCENT = 10  # a read with fewer rows than this share of last time's is suspect

# what the engine remembers after a flow applied: cursor name -> the plan's stats key
_REMEMBERED: dict[Flow, dict[str, str]] = {
    Flow.CATALOG: {"ms_items": "ms_items", "rc_offers": "rc_offers"},
    Flow.STOCK: {"stock_report_rows": "report_rows"},
}



class SeenSizes:
    """The sizes the last successful run saw, as cursors of the pseudo-flow ``"safety"``: the names of
    ``_REMEMBERED`` (``ms_items``, ``rc_offers``, ``stock_report_rows``), values as digits (names and forms
    unchanged)."""

    def __init__(self, store: CursorStore) -> None:
        self.store = store

    def read(self) -> dict[str, int]:
        return {name: int(value) for name, value in self.store.all(CURSOR_FLOW).items() if value.isdigit()}

    def remember(self, sizes: Mapping[str, int]) -> None:
        for name, value in sizes.items():
            self.store.set(CURSOR_FLOW, name, value)


_TRIGGER_POLICY = {
    "schedule": SafetyPolicy.SKIP,  # nobody is there to answer: skip and alert
    "cli": SafetyPolicy.REFUSE,  # the command asks for --yes
    "manual": SafetyPolicy.ASK,
    "wizard": SafetyPolicy.ASK,
}


def policy_for_trigger(trigger: str) -> SafetyPolicy:
    """The policy a run gets when whoever started it did not say: never "allow" by default."""
    return _TRIGGER_POLICY.get(trigger, SafetyPolicy.REFUSE)


def remembered_sizes(plan: FlowPlan) -> dict[str, int]:
    """The sizes to remember once ``plan`` was applied (for the next run's suspect-read check)."""
    stats = plan.stats.as_dict() if plan.stats is not None else {}
    if plan.flow is Flow.STOCK and not stats.get("full"):
        return {}  # a changes-only report is as long as the changes: not a size to compare with
    return {name: int(stats[key]) for name, key in _REMEMBERED.get(plan.flow, {}).items() if key in stats}


def check(plan: FlowPlan, settings: SyncSettings, seen: Mapping[str, int]) -> list[SafetyTrip]:
    """The guards ``plan`` trips, each with a sentence saying what looked wrong and what to check."""
    stats: Mapping[str, int] = plan.stats.as_dict() if plan.stats is not None else {}
    if plan.flow is Flow.CATALOG:
        return _catalog(stats, settings, seen)
    if plan.flow is Flow.STOCK:
        return _stock(stats, settings, seen)
    if plan.flow is Flow.ORDERS:
        return _orders(stats, settings)
    return []


# --- per flow ----------------------------------------------------------------------------------------------


def _catalog(stats: Mapping[str, int], settings: SyncSettings, seen: Mapping[str, int]) -> list[SafetyTrip]:
    trips: list[SafetyTrip] = []
    minimum = settings.safety_min_items
    ms_items, rc_offers = stats.get("ms_items"), stats.get("rc_offers")
    for size, name, service, what in (
        (ms_items, "ms_items", "МойСклад", "товаров и модификаций"),
        (rc_offers, "rc_offers", "RetailCRM", "торговых предложений"),
    ):
        if size is not None and _suspect(size, seen.get(name), minimum):
            trips.append(_trip("suspect_read", Flow.CATALOG, (
                f"{service} вернул {size} {what}, а прошлая синхронизация видела {seen[name]}. Пустой или почти "
                f"пустой ответ — скорее сбой чтения, чем правда. Проверьте каталог в {service} и права доступа "
                "Связки к нему."
            )))

    links = stats.get("pairs")
    percent = settings.safety_min_linked_percent
    both_sizable = (ms_items is not None and rc_offers is not None
                    and ms_items >= max(minimum, 1) and rc_offers >= max(minimum, 1))
    if percent and links is not None and both_sizable:
        key = CHOICE_LABELS.get(settings.match_key, settings.match_key)
        for size, side in ((ms_items, "товаров МойСклад"), (rc_offers, "предложений RetailCRM")):
            if size is not None and links * 100 < percent * size:
                trips.append(_trip("linked", Flow.CATALOG, (
                    f"Ключ сопоставления «{key}» связывает только {links} из {size} {side} "
                    f"({_percent(links, size)}, ожидается не меньше {percent} %). Похоже, ключ выбран не тот "
                    "или в системах он заполнен по-разному: проверьте ключ сопоставления в настройках и "
                    "значения этого поля у нескольких товаров в обеих системах."
                )))

    before, dropped = stats.get("links_before"), stats.get("links_dropped")
    percent = settings.safety_max_unlinked_percent
    if percent and before and dropped and before >= max(minimum, 1) and dropped * 100 > percent * before:
        trips.append(_trip("unlinked", Flow.CATALOG, (
            f"Синхронизация удалила бы {dropped} из {before} связей товаров ({_percent(dropped, before)}, "
            f"допускается не больше {percent} %). Так бывает, когда сервис вернул неполный каталог или товары "
            "массово удалили или переименовали: проверьте, что товары на месте в обеих системах."
        )))

    creates, limit = stats.get("to_create"), settings.safety_max_new_products
    if limit and creates is not None and creates > limit:
        trips.append(_trip("new_products", Flow.CATALOG, (
            f"Синхронизация создала бы {creates} новых товаров (допускается не больше {limit} за раз). Если эти "
            "товары уже есть на другой стороне, они появятся дублями: проверьте ключ сопоставления и что каталог "
            "прочитан полностью."
        )))
    return trips


def _stock(stats: Mapping[str, int], settings: SyncSettings, seen: Mapping[str, int]) -> list[SafetyTrip]:
    trips: list[SafetyTrip] = []
    rows = stats.get("report_rows")
    last = seen.get("stock_report_rows")
    if stats.get("full") and rows is not None and _suspect(rows, last, settings.safety_min_items):
        trips.append(_trip("suspect_read", Flow.STOCK, (
            f"МойСклад вернул отчёт об остатках из {rows} строк, а прошлый полный проход получил "
            f"{seen['stock_report_rows']}. Пустой или почти пустой отчёт — скорее сбой чтения, чем правда: "
            "проверьте остатки и права доступа Связки к отчётам в МойСклад."
        )))
    above, zeroed = stats.get("values_above_zero"), stats.get("values_zeroed")
    percent = settings.safety_max_zeroed_percent
    if (percent and above and zeroed and above >= max(settings.safety_min_items, 1)
            and zeroed * 100 > percent * above):
        trips.append(_trip("zeroed", Flow.STOCK, (
            f"Синхронизация обнулила бы в RetailCRM {zeroed} из {above} остатков, которые сейчас больше нуля "
            f"({_percent(zeroed, above)}, допускается не больше {percent} %). Проверьте остатки в МойСклад и "
            "сопоставление складов в настройках."
        )))
    return trips


def _orders(stats: Mapping[str, int], settings: SyncSettings) -> list[SafetyTrip]:
    shipments, limit = stats.get("shipments"), settings.safety_max_shipments
    if limit and shipments is not None and shipments > limit:
        return [_trip("shipments", Flow.ORDERS, (
            f"Синхронизация создала бы в МойСклад {shipments} отгрузок (допускается не больше {limit} за раз); "
            "каждая списывает товар со склада. Проверьте в настройках статус отгрузки и статусы для выгрузки: "
            "отгрузка создаётся только для заказов, которые дошли до статуса отгрузки."
        ))]
    return []


# --- helpers ----------------------------------------------------------------------------------------------


def _suspect(size: int, last: int | None, minimum: int) -> bool:
    return last is not None and last >= max(minimum, 1) and size * 100 < last * NEAR_EMPTY_PERCENT


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.0f} %"


def _trip(guard: str, flow: Flow, message: str) -> SafetyTrip:
    return SafetyTrip(guard=guard, flow=flow, message=message)
