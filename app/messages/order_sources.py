"""Where an order field's value comes from, beyond the order itself (app/sync/orders/attributes.py,
app/sync/orders/managers.py): elements of MoySklad dictionaries and RetailCRM managers' names."""

MESSAGES: dict[str, tuple[str, str]] = {
    "order_sources.reason_no_element": (
        "для обязательного поля МойСклад «{field}» в его справочнике нет элемента «{value}» — добавьте его в "
        "справочник МойСклад, и заказ уйдёт при следующей синхронизации",
        "the required MoySklad field «{field}» has no element «{value}» in its dictionary; add it to the MoySklad "
        "dictionary and the order goes at the next sync",
    ),
}
