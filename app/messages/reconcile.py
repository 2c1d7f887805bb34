"""The reconciliation's («Сверка») words (app/sync/reconcile/*): the kinds of differences, what could not be
compared, the values and notes of each difference, the progress lines."""

MESSAGES: dict[str, tuple[str, str]] = {
    "reconcile.kind.stock": ("Остатки", "Stock"),
    "reconcile.kind.price": ("Цены", "Prices"),
    "reconcile.kind.order_missing": ("Заказы, которых нет в МойСклад", "Orders missing in MoySklad"),
    "reconcile.kind.reserve_left": (
        "Резервы отменённых или удалённых заказов",
        "Reserves of cancelled or deleted orders",
    ),
    "reconcile.kind.link_gone": ("Связи с исчезнувшими товарами", "Links to goods that are gone"),
    "reconcile.progress.catalogs": (
        "Читаем каталоги RetailCRM и МойСклад…",
        "Reading the RetailCRM and MoySklad catalogs…",
    ),
    "reconcile.progress.stock": ("Сверяем остатки…", "Comparing stock…"),
    "reconcile.progress.orders": ("Сверяем заказы…", "Comparing orders…"),
    "reconcile.no_site": (
        "Сайт RetailCRM из настроек не найден: товары, остатки и цены не сверялись. Откройте настройки и выберите "
        "сайт.",
        "The RetailCRM site from the settings was not found: goods, stock and prices were not compared. Open the "
        "settings and choose the site.",
    ),
    "reconcile.no_store_pairs": (
        "Склады не сопоставлены: остатки не сверялись.",
        "Warehouses are not mapped: stock was not compared.",
    ),
    "reconcile.no_price_pairs": (
        "Типы цен не сопоставлены: цены не сверялись.",
        "Price types are not mapped: prices were not compared.",
    ),
    "reconcile.no_export_statuses": (
        "Статусы для выгрузки не выбраны: заказы не сверялись.",
        "No statuses to export are chosen: orders were not compared.",
    ),
    "reconcile.waiting_orders": (
        "Заказов, которые ждут решения конфликта и поэтому не выгружены: {n} ({numbers}). Это не считается "
        "расхождением: решите конфликты на вкладке «Конфликты» (svyazka conflicts list).",
        "Orders waiting for a conflict to be resolved and so not exported: {n} ({numbers}). This is not counted "
        "as a difference: resolve the conflicts on the «Conflicts» tab (svyazka conflicts list).",
    ),
    # a difference's values and notes
    "reconcile.value.none": ("нет", "none"),
    "reconcile.value.present": ("есть", "present"),
    "reconcile.value.archived": ("в архиве", "archived"),
    "reconcile.value.reserve": ("резерв на {amount} ₽", "reserve of {amount} ₽"),
    "reconcile.gone.ms_deleted": ("товар удалён в МойСклад", "the product was deleted in MoySklad"),
    "reconcile.gone.ms_archived": ("товар в архиве МойСклад", "the product is archived in MoySklad"),
    "reconcile.gone.rc_deleted": (
        "предложение удалено в RetailCRM (или не в каталоге сайта)",
        "the offer was deleted in RetailCRM (or is not in the site's catalog)",
    ),
    "reconcile.join": ("{head}; {tail}", "{head}; {tail}"),
    "reconcile.order_name": ("Заказ {number}", "Order {number}"),
    "reconcile.order_gone_ms": (
        "заказ был выгружен, но в МойСклад его больше нет",
        "the order was exported, but it is no longer in MoySklad",
    ),
    "reconcile.order_not_exported": ("ещё не выгружен", "not exported yet"),
    "reconcile.reserve_order_deleted": (
        "заказ удалён в RetailCRM, а резерв в МойСклад остался",
        "the order was deleted in RetailCRM, but the reserve in MoySklad is still there",
    ),
    "reconcile.reserve_order_closed": (
        "заказ отменён или выполнен в RetailCRM, а резерв в МойСклад остался",
        "the order was cancelled or completed in RetailCRM, but the reserve in MoySklad is still there",
    ),
}
