"""The prices flow's sentences (app/sync/prices.py): the plan's notes, each price change, the upload's lines."""

MESSAGES: dict[str, tuple[str, str]] = {
    "prices.no_pairs": (
        "Цены не передаются: типы цен МойСклад не сопоставлены с типами цен RetailCRM.",
        "Prices are not sent: MoySklad price types are not mapped to RetailCRM price types.",
    ),
    "prices.label_item": ("«{name}»", "«{name}»"),
    "prices.label_offer": ("предложения {id}", "offer {id}"),
    "prices.zero_example": ("«{price_type}» у {label}", "«{price_type}» of {label}"),
    "prices.join": ("{head}, {tail}", "{head}, {tail}"),
    "prices.change": ("{before} → {value} ₽", "{before} → {value} ₽"),
    "prices.change_first": ("{value} ₽ (первая передача)", "{value} ₽ (first upload)"),
    "prices.change_summary": ("Цена «{price_type}» у {label}: {change}", "Price «{price_type}» of {label}: {change}"),
    "prices.note_counts": (
        "К передаче {n} {n:plural:цена|цены|цен} по {offers} {offers:plural:предложению|предложениям|предложениям}, "
        "без изменений {unchanged}.",
        "To send: {n} {n:plural:price|prices} for {offers} {offers:plural:offer|offers}, unchanged {unchanged}.",
    ),
    "prices.note_zero": (
        "{n} {n:plural:цена|цены|цен} в МойСклад {n:plural:равна|равны|равны} 0 (обычно это «цена не задана»), "
        "например {examples}: такие цены не передаём, в RetailCRM остаются прежние.",
        "{n} {n:plural:price|prices} in MoySklad {n:plural:is|are} 0 (usually «no price set»), for example "
        "{examples}: such prices are not sent, RetailCRM keeps the old ones.",
    ),
    "prices.refused": (
        "RetailCRM не принял цены {n} предложений. {error}",
        "RetailCRM did not accept the prices of {n} offers. {error}",
    ),
    "prices.offer_missing": (
        "Предложение {label} не найдено в RetailCRM: возможно, его удалили. Связь проверит следующая синхронизация "
        "каталога.",
        "The offer {label} was not found in RetailCRM: it may have been deleted. The next catalog sync checks the "
        "link.",
    ),
    "prices.sent": ("{summary}.", "{summary}."),
}
