"""Sentences of keeping counterparties current with their RetailCRM customers (app/sync/orders/customers.py):
what was updated, which field a person changed in MoySklad and was left, the first run's cursor."""

MESSAGES: dict[str, tuple[str, str]] = {
    # the counterparty's fields, in a list after «обновлён по клиенту RetailCRM: …»
    "customers.field_phone": ("телефон", "phone"),
    "customers.field_email": ("e-mail", "e-mail"),
    "customers.field_actualAddress": ("адрес", "address"),
    "customers.field_inn": ("ИНН", "INN"),
    "customers.field_kpp": ("КПП", "KPP"),
    "customers.field_legalTitle": ("полное наименование", "full legal name"),
    "customers.updated": (
        "Контрагент «{name}» обновлён по клиенту RetailCRM: {fields}.",
        "Counterparty «{name}» updated from the RetailCRM customer: {fields}.",
    ),
    "customers.update_failed": (
        "Контрагент «{name}» не обновлён по клиенту RetailCRM: {error}. Исправьте данные клиента в RetailCRM — "
        "Связка передаст их после его следующего изменения.",
        "Counterparty «{name}» was not updated from the RetailCRM customer: {error}. Correct the customer in "
        "RetailCRM — Svyazka carries it over after the customer's next change.",
    ),
    "customers.gone": (
        "Контрагент «{name}» не найден в МойСклад (удалён?): изменения клиента RetailCRM №{customer} не "
        "переданы.",
        "Counterparty «{name}» is not in MoySklad (deleted?): the changes of RetailCRM customer {customer} were "
        "not carried over.",
    ),
    # one line per field a person changed in MoySklad: Svyazka leaves it
    "customers.manual_phone": (
        "Контрагент «{name}»: телефон изменён в МойСклад вручную — оставлен как есть. Чтобы Связка снова "
        "обновляла его, верните в МойСклад телефон из RetailCRM.",
        "Counterparty «{name}»: the phone was changed in MoySklad by hand — left as it is. For Svyazka to keep "
        "it current again, put RetailCRM's phone back in MoySklad.",
    ),
    "customers.manual_email": (
        "Контрагент «{name}»: e-mail изменён в МойСклад вручную — оставлен как есть. Чтобы Связка снова "
        "обновляла его, верните в МойСклад e-mail из RetailCRM.",
        "Counterparty «{name}»: the e-mail was changed in MoySklad by hand — left as it is. For Svyazka to keep "
        "it current again, put RetailCRM's e-mail back in MoySklad.",
    ),
    "customers.manual_actualAddress": (
        "Контрагент «{name}»: адрес изменён в МойСклад вручную — оставлен как есть. Чтобы Связка снова "
        "обновляла его, верните в МойСклад адрес из RetailCRM.",
        "Counterparty «{name}»: the address was changed in MoySklad by hand — left as it is. For Svyazka to "
        "keep it current again, put RetailCRM's address back in MoySklad.",
    ),
    "customers.manual_inn": (
        "Контрагент «{name}»: ИНН изменён в МойСклад вручную — оставлен как есть. Чтобы Связка снова "
        "обновляла его, верните в МойСклад ИНН из RetailCRM.",
        "Counterparty «{name}»: the INN was changed in MoySklad by hand — left as it is. For Svyazka to keep it "
        "current again, put RetailCRM's INN back in MoySklad.",
    ),
    "customers.manual_kpp": (
        "Контрагент «{name}»: КПП изменён в МойСклад вручную — оставлен как есть. Чтобы Связка снова "
        "обновляла его, верните в МойСклад КПП из RetailCRM.",
        "Counterparty «{name}»: the KPP was changed in MoySklad by hand — left as it is. For Svyazka to keep it "
        "current again, put RetailCRM's KPP back in MoySklad.",
    ),
    "customers.manual_legalTitle": (
        "Контрагент «{name}»: полное наименование изменено в МойСклад вручную — оставлено как есть. Чтобы "
        "Связка снова обновляла его, верните в МойСклад наименование из RetailCRM.",
        "Counterparty «{name}»: the full legal name was changed in MoySklad by hand — left as it is. For "
        "Svyazka to keep it current again, put RetailCRM's legal name back in MoySklad.",
    ),
    "customers.history_started": (
        "Изменения клиентов RetailCRM будут отслеживаться с этого запуска.",
        "Changes of RetailCRM customers are followed from this run on.",
    ),
    "customers.history_counts": (
        "Клиенты RetailCRM: {n} {n:plural:изменение|изменения|изменений}, у {count} "
        "{count:plural:клиента|клиентов|клиентов} есть контрагент в МойСклад.",
        "RetailCRM customers: {n} {n:plural:change|changes}, {count} "
        "{count:plural:customer has|customers have} a counterparty in MoySklad.",
    ),
}
