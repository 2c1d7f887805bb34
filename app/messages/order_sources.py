"""Where an order field's value comes from, beyond the order itself (app/sync/orders/attributes.py): elements
of MoySklad dictionaries and RetailCRM managers' names."""

MESSAGES: dict[str, tuple[str, str]] = {
    "order_sources.reason_no_element": (
        "для обязательного поля МойСклад «{field}» в его справочнике нет элемента «{value}» — добавьте его в "
        "справочник МойСклад, и заказ уйдёт при следующей синхронизации",
        "the required MoySklad field «{field}» has no element «{value}» in its dictionary; add it to the MoySklad "
        "dictionary and the order goes at the next sync",
    ),
    "order_sources.managers_refused": (
        "Имена менеджеров не прочитаны: у API-ключа RetailCRM нет права {scope} (раздел «Пользователи»). В поле "
        "МойСклад с менеджером уходит его номер в RetailCRM. Включите право {scope} для ключа в RetailCRM "
        "(Настройки → Интеграция → Ключи доступа к API), и при следующем изменении заказов уйдут имена.",
        "Managers' names were not read: the RetailCRM API key lacks the right {scope} («Users»). The MoySklad "
        "field with the manager gets their RetailCRM number. Turn on {scope} for the key in RetailCRM (Settings → "
        "Integration → API access keys), and the names go when the orders next change.",
    ),
    "order_sources.managers_unread": (
        "Имена менеджеров не прочитаны из RetailCRM ({error}): в поле МойСклад с менеджером уходит его номер. "
        "Связка попробует снова при следующей синхронизации.",
        "Managers' names could not be read from RetailCRM ({error}): the MoySklad field with the manager gets "
        "their number. Svyazka will try again at the next sync.",
    ),
    "order_sources.managers_as_ids": (
        "Менеджеры заказов этого запуска переданы в МойСклад номерами RetailCRM (managerId), не именами.",
        "This run's order managers went to MoySklad as RetailCRM numbers (managerId), not names.",
    ),
}
