"""Sentences of cancelled order lines and orders deleted in RetailCRM (app/sync/orders/cancelled_lines.py,
app/sync/orders/deleted.py). ``{order}`` is how the journal names an order (its number, else its id)."""

_RETRY = "Связка попробует снова при следующей синхронизации."
_RETRY_EN = "Svyazka will try again at the next sync."

MESSAGES: dict[str, tuple[str, str]] = {
    # -- cancelled lines ----------------------------------------------------------------------------------------
    "order_lines.statuses_unreadable": (
        "Связка не смогла прочитать статусы позиций заказов RetailCRM ({error}), поэтому отменённые позиции пока "
        "остаются в заказах МойСклад и держат резерв. Дайте API-ключу RetailCRM доступ к справочникам — "
        "синхронизация уберёт их сама.",
        "Svyazka could not read RetailCRM's order line statuses ({error}), so cancelled lines stay in MoySklad's "
        "orders for now and keep their reserve. Give the RetailCRM API key access to the reference books — the "
        "sync will take them out by itself.",
    ),
    "order_lines.line": ("«{name}» ({status})", "«{name}» ({status})"),
    "order_lines.removed": (
        "Заказ {order}: отменённые в RetailCRM позиции убраны из заказа МойСклад, резерв под них не держится — "
        "{lines}.",
        "Order {order}: the lines cancelled in RetailCRM are left out of the MoySklad order, no reserve is held "
        "for them — {lines}.",
    ),
    "order_lines.all_cancelled": (
        "Заказ {order}: все товарные позиции отменены в RetailCRM, в заказе МойСклад товаров не осталось, "
        "резерва нет. Если заказ отменён целиком, переведите его в RetailCRM в статус отмены — заказ в МойСклад "
        "получит сопоставленный статус.",
        "Order {order}: every goods line is cancelled in RetailCRM, the MoySklad order holds no goods and no "
        "reserve. If the whole order is cancelled, move it to a cancel status in RetailCRM — the MoySklad order "
        "will get the mapped state.",
    ),
    # -- deleted orders -----------------------------------------------------------------------------------------
    "order_lines.change_deleted": (
        "Отменить в МойСклад заказ {order}, удалённый в RetailCRM (статус «{state}», резерв снять)",
        "Cancel in MoySklad order {order}, deleted in RetailCRM (state «{state}», release the reserve)",
    ),
    "order_lines.deleted_cancelled": (
        "Заказ {order} удалён в RetailCRM: заказ МойСклад «{name}» получил статус «{state}», резерв по нему "
        "снят. Сам заказ в МойСклад не удалён — он остаётся для истории.",
        "Order {order} was deleted in RetailCRM: MoySklad order «{name}» got the state «{state}», its reserve is "
        "released. The MoySklad order itself is not deleted — it stays for the record.",
    ),
    "order_lines.deleted_shipped": (
        "Заказ {order} удалён в RetailCRM, но по нему уже есть отгрузка в МойСклад — она остаётся. Если товар "
        "вернулся на склад, оформите возврат покупателя в МойСклад.",
        "Order {order} was deleted in RetailCRM, but it was already shipped in MoySklad — the shipment stays. If "
        "the goods came back to the warehouse, make a customer return in MoySklad.",
    ),
    "order_lines.deleted_no_cancel_state": (
        "Заказ {order} удалён в RetailCRM, но ни один статус отмены RetailCRM не сопоставлен со статусом "
        "МойСклад, поэтому заказ в МойСклад пока не отменён и держит резерв. Сопоставьте статус «{status}» со "
        "статусом МойСклад в настройках статусов — Связка отменит заказ при следующей синхронизации.",
        "Order {order} was deleted in RetailCRM, but no RetailCRM cancel status is mapped to a MoySklad state, "
        "so the MoySklad order is not cancelled yet and keeps its reserve. Map the status «{status}» to a "
        "MoySklad state in the status settings — Svyazka will cancel the order at the next sync.",
    ),
    "order_lines.deleted_ms_gone": (
        "Заказ {order} удалён в RetailCRM; его заказа в МойСклад тоже больше нет — делать ничего не нужно.",
        "Order {order} was deleted in RetailCRM; its MoySklad order is gone too — nothing to do.",
    ),
    "order_lines.deleted_unlinked": (
        "Заказ {order} удалён в RetailCRM; в МойСклад он не передавался — делать ничего не нужно.",
        "Order {order} was deleted in RetailCRM; it never went to MoySklad — nothing to do.",
    ),
    "order_lines.deleted_failed": (
        "Заказ {order} удалён в RetailCRM, но отменить его заказ в МойСклад не удалось: {error}. " + _RETRY,
        "Order {order} was deleted in RetailCRM, but its MoySklad order could not be cancelled: {error}. "
        + _RETRY_EN,
    ),
}
