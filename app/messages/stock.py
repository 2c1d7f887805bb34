"""The stock flow's sentences (app/sync/stock/*): the plan's notes, each stock change, the upload's lines,
bundles at 0, unmapped warehouses."""

MESSAGES: dict[str, tuple[str, str]] = {
    "stock.no_pairs": (
        "Остатки не передаются: склады МойСклад не сопоставлены со складами RetailCRM.",
        "Stock is not sent: MoySklad warehouses are not mapped to RetailCRM warehouses.",
    ),
    # why a full pass (plan.py _decide, work.FRESH_WHY)
    "stock.why.asked": ("запрошена полная синхронизация", "a full sync was asked for"),
    "stock.why.first": ("первый запуск", "the first run"),
    "stock.why.clock_back": ("часы компьютера ушли назад", "the computer's clock went back"),
    "stock.why.daily": ("ежедневная сверка", "the daily check"),
    "stock.why.day_passed": ("с прошлой проверки прошло больше суток", "more than a day since the last check"),
    "stock.why.fresh": (
        "много товаров, остатки которых ещё не передавались",
        "many goods whose stock was never sent",
    ),
    "stock.what.free": ("доступный остаток", "available stock"),
    "stock.what.stock": ("остаток", "stock"),
    "stock.head.full": ("Остатки ({what}): полный проход ({why})", "Stock ({what}): a full pass ({why})"),
    "stock.head.since": (
        "Остатки ({what}): изменения с {since} (МСК)",
        "Stock ({what}): changes since {since} (Moscow time)",
    ),
    "stock.head.plain": ("Остатки", "Stock"),
    "stock.note_counts": (
        "{head}; к передаче {n} {n:plural:значение|значения|значений} по {offers} "
        "{offers:plural:предложению|предложениям|предложениям}, без изменений {unchanged}.",
        "{head}; to send: {n} {n:plural:value|values} for {offers} {offers:plural:offer|offers}, unchanged "
        "{unchanged}.",
    ),
    "stock.not_linked": (
        "В отчёте МойСклад {n} {n:plural:товар|товара|товаров} без связи с RetailCRM: их остатки не передаются (см. "
        "конфликты каталога).",
        "The MoySklad report has {n} {n:plural:product|products} not linked with RetailCRM: their stock is not "
        "sent (see the catalog conflicts).",
    ),
    "stock.offer_n": ("предложения {id}", "offer {id}"),
    "stock.change": ("{where}: {before} → {value}", "{where}: {before} → {value}"),
    "stock.change_first": ("{where}: {value} (первая передача)", "{where}: {value} (first upload)"),
    "stock.negative": (
        "Остаток {label} в МойСклад отрицательный ({value}): RetailCRM не хранит отрицательные остатки, передаём 0. "
        "Проверьте документы этого товара в МойСклад.",
        "The stock of {label} in MoySklad is negative ({value}): RetailCRM keeps no negative stock, 0 is sent. "
        "Check this product's documents in MoySklad.",
    ),
    "stock.change_summary": ("Остаток {label} на складе {change}", "Stock of {label} in the warehouse {change}"),
    "stock.purchase_summary": ("Закупочная цена {label}: {cost} ₽", "Purchase price of {label}: {cost} ₽"),
    "stock.retired": (
        "Остаток {label} в RetailCRM обнуляется на всех складах: {why}. Если товар вернётся из архива, Связка снова "
        "передаст его остатки.",
        "The stock of {label} in RetailCRM is set to zero in every warehouse: {why}. If the product comes back "
        "from the archive, Svyazka sends its stock again.",
    ),
    "stock.unmapped_store": (
        "На складе МойСклад «{name}» есть остатки, но он не сопоставлен ни с одним складом RetailCRM, поэтому они не "
        "передаются. Сопоставьте склад в настройках Связки или пропустите этот конфликт.",
        "The MoySklad warehouse «{name}» has stock, but it is not mapped to any RetailCRM warehouse, so the stock "
        "is not sent. Map the warehouse in Svyazka's settings or skip this conflict.",
    ),
    # the upload (apply.py)
    "stock.refused": (
        "RetailCRM не принял остатки {n} предложений. {error}",
        "RetailCRM did not accept the stock of {n} offers. {error}",
    ),
    "stock.offer_missing": (
        "Предложение {label} не найдено в RetailCRM: возможно, его удалили. Связь проверит следующая синхронизация "
        "каталога.",
        "The offer {label} was not found in RetailCRM: it may have been deleted. The next catalog sync checks the "
        "link.",
    ),
    "stock.purchase_part": ("закупочная цена {cost} ₽", "purchase price {cost} ₽"),
    "stock.join": ("{head}; {tail}", "{head}; {tail}"),
    "stock.sent": ("Остатки {label}: {parts}.", "Stock of {label}: {parts}."),
    "stock.not_all_sent": (
        "Не все остатки переданы: следующая синхронизация повторит их.",
        "Not all stock was sent: the next sync repeats it.",
    ),
    # after the orders flow (flow.py)
    "stock.again_skipped": (
        "Остатки после отгрузок этой синхронизации не переданы, потому что не прошла первая передача остатков: их "
        "передаст следующая синхронизация.",
        "The stock after this sync's shipments was not sent, because the first stock upload failed: the next sync "
        "sends it.",
    ),
    "stock.again": (
        "Остатки после отгрузок и резервов этой синхронизации: товаров затронуто {affected}, к передаче {n} "
        "{n:plural:значение|значения|значений} по {offers} {offers:plural:предложению|предложениям|предложениям}.",
        "Stock after this sync's shipments and reserves: {affected} goods touched, {n} {n:plural:value|values} to "
        "send for {offers} {offers:plural:offer|offers}.",
    ),
    # bundles (bundles.py)
    "stock.bundle_zero": (
        "Комплект МойСклад {name}: {why}, поэтому в RetailCRM его остаток 0. Свяжите его составляющие (см. "
        "конфликты каталога) или поправьте комплект в МойСклад.",
        "MoySklad bundle {name}: {why}, so its stock in RetailCRM is 0. Link its components (see the catalog "
        "conflicts) or fix the bundle in MoySklad.",
    ),
    "stock.bundle.unknown": (
        "его состав неизвестен (МойСклад не вернул все составляющие)",
        "its contents are unknown (MoySklad did not return all components)",
    ),
    "stock.bundle.empty": ("в нём нет составляющих", "it has no components"),
    "stock.bundle.missing": ("составляющей {id} больше нет в МойСклад", "the component {id} is no longer in MoySklad"),
    "stock.bundle.unlinked": (
        "составляющая {id} не связана с RetailCRM",
        "the component {id} is not linked with RetailCRM",
    ),
}
