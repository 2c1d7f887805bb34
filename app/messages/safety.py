"""The safety check's findings (app/sync/safety.py): what looked wrong in a plan and what to check."""

MESSAGES: dict[str, tuple[str, str]] = {
    "safety.suspect_catalog_ms": (
        "МойСклад вернул {size} товаров и модификаций, а прошлая синхронизация видела {last}. Пустой или почти "
        "пустой ответ — скорее сбой чтения, чем правда. Проверьте каталог в МойСклад и права доступа Связки к нему.",
        "MoySklad returned {size} products and variants, while the last sync saw {last}. An empty or nearly empty "
        "answer is more likely a failed read than the truth. Check the catalog in MoySklad and Svyazka's access "
        "rights to it.",
    ),
    "safety.suspect_catalog_rc": (
        "RetailCRM вернул {size} торговых предложений, а прошлая синхронизация видела {last}. Пустой или почти "
        "пустой ответ — скорее сбой чтения, чем правда. Проверьте каталог в RetailCRM и права доступа Связки к "
        "нему.",
        "RetailCRM returned {size} offers, while the last sync saw {last}. An empty or nearly empty answer is more "
        "likely a failed read than the truth. Check the catalog in RetailCRM and Svyazka's access rights to it.",
    ),
    "safety.linked_ms": (
        "Ключ сопоставления «{key}» связывает только {links} из {size} товаров МойСклад ({share} %, ожидается не "
        "меньше {percent} %). Похоже, ключ выбран не тот или в системах он заполнен по-разному: проверьте ключ "
        "сопоставления в настройках и значения этого поля у нескольких товаров в обеих системах.",
        "The match key «{key}» links only {links} of {size} MoySklad products ({share} %, at least {percent} % "
        "expected). The key may be the wrong one, or filled in differently in the two systems: check the match key "
        "in the settings and this field's values for a few products in both systems.",
    ),
    "safety.linked_rc": (
        "Ключ сопоставления «{key}» связывает только {links} из {size} предложений RetailCRM ({share} %, ожидается "
        "не меньше {percent} %). Похоже, ключ выбран не тот или в системах он заполнен по-разному: проверьте ключ "
        "сопоставления в настройках и значения этого поля у нескольких товаров в обеих системах.",
        "The match key «{key}» links only {links} of {size} RetailCRM offers ({share} %, at least {percent} % "
        "expected). The key may be the wrong one, or filled in differently in the two systems: check the match key "
        "in the settings and this field's values for a few products in both systems.",
    ),
    "safety.unlinked": (
        "Синхронизация удалила бы {dropped} из {before} связей товаров ({share} %, допускается не больше "
        "{percent} %). Так бывает, когда сервис вернул неполный каталог или товары массово удалили или "
        "переименовали: проверьте, что товары на месте в обеих системах.",
        "The sync would remove {dropped} of {before} product links ({share} %, at most {percent} % allowed). This "
        "happens when a service returned an incomplete catalog or products were deleted or renamed in bulk: check "
        "that the products are there in both systems.",
    ),
    "safety.new_products": (
        "Синхронизация создала бы {creates} новых товаров (допускается не больше {limit} за раз). Если эти товары "
        "уже есть на другой стороне, они появятся дублями: проверьте ключ сопоставления и что каталог прочитан "
        "полностью.",
        "The sync would create {creates} new products (at most {limit} at a time allowed). If these products "
        "already exist on the other side they will appear twice: check the match key and that the catalog was "
        "read in full.",
    ),
    "safety.suspect_stock": (
        "МойСклад вернул отчёт об остатках из {rows} строк, а прошлый полный проход получил {last}. Пустой или "
        "почти пустой отчёт — скорее сбой чтения, чем правда: проверьте остатки и права доступа Связки к отчётам в "
        "МойСклад.",
        "MoySklad returned a stock report of {rows} rows, while the last full pass got {last}. An empty or nearly "
        "empty report is more likely a failed read than the truth: check the stock and Svyazka's access rights to "
        "reports in MoySklad.",
    ),
    "safety.zeroed": (
        "Синхронизация обнулила бы в RetailCRM {zeroed} из {above} остатков, которые сейчас больше нуля "
        "({share} %, допускается не больше {percent} %). Проверьте остатки в МойСклад и сопоставление складов в "
        "настройках.",
        "The sync would set to zero {zeroed} of {above} stock values in RetailCRM that are now above zero "
        "({share} %, at most {percent} % allowed). Check the stock in MoySklad and the warehouse mapping in the "
        "settings.",
    ),
    "safety.shipments": (
        "Синхронизация создала бы в МойСклад {shipments} отгрузок (допускается не больше {limit} за раз); каждая "
        "списывает товар со склада. Проверьте в настройках статус отгрузки и статусы для выгрузки: отгрузка "
        "создаётся только для заказов, которые дошли до статуса отгрузки.",
        "The sync would create {shipments} shipments in MoySklad (at most {limit} at a time allowed); each writes "
        "goods off the warehouse. Check the shipment status and the statuses to export in the settings: a "
        "shipment is created only for orders that reached the shipment status.",
    ),
}
