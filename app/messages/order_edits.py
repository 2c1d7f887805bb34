"""Edits on both sides (app/sync/orders/edits.py): an order changed in MoySklad since Svyazka last wrote it.
``{order}`` is how the journal names an order (its number, else its id), ``{name}`` the MoySklad order's name."""

MESSAGES: dict[str, tuple[str, str]] = {
    "order_edits.title": (
        "Заказ {order} изменён и в RetailCRM, и в МойСклад{name}: выберите, чей состав оставить",
        "Order {order} was changed both in RetailCRM and in MoySklad{name}: choose whose lines to keep",
    ),
    "order_edits.conflict": (
        "Заказ {order} изменён и в RetailCRM, и в МойСклад ({name}): состав в МойСклад не тронут. "
        "Откройте конфликт и выберите, какой вариант оставить.",
        "Order {order} was changed both in RetailCRM and in MoySklad ({name}): its lines in MoySklad were left "
        "untouched. Open the conflict and choose which version to keep.",
    ),
    "order_edits.changed_in_moysklad": (
        "Заказ {order} изменён в МойСклад: оставлен как есть, Связка не перезаписывает правки, сделанные там. "
        "Если заказ изменят и в RetailCRM, появится конфликт с выбором.",
        "Order {order} was changed in MoySklad: left as it is, Svyazka does not overwrite edits made there. "
        "If the order is changed in RetailCRM too, a conflict will ask which version to keep.",
    ),
    "order_edits.status_only": (
        "Заказ {order}: в RetailCRM сменился только статус, отправлен только он; состав, изменённый в "
        "МойСклад, оставлен как есть.",
        "Order {order}: only the status changed in RetailCRM, so only the status was sent; the lines changed in "
        "MoySklad were left as they are.",
    ),
    "order_edits.kept_moysklad": (
        "Заказ {order}: как вы решили, состав оставлен как в МойСклад, отправлен только статус. Дальнейшие "
        "правки в RetailCRM будут сравниваться с этим составом.",
        "Order {order}: as you decided, the lines were kept as in MoySklad and only the status was sent. Later "
        "edits in RetailCRM will be compared with these lines.",
    ),
    "order_edits.used_retailcrm": (
        "Заказ {order}: как вы решили, в МойСклад записан заказ из RetailCRM (статус и состав).",
        "Order {order}: as you decided, the order from RetailCRM (status and lines) was written to MoySklad.",
    ),
    "order_edits.ignored": (
        "Заказ {order} изменён с обеих сторон; конфликт пропущен, поэтому заказ в МойСклад не меняется.",
        "Order {order} was changed on both sides; the conflict is ignored, so the MoySklad order is not changed.",
    ),
    # -- the CLI (app/cli.py, conflicts resolve) ------------------------------------------------------------------
    "order_edits.cli_side_action_elsewhere": (
        "решение «{action}» выбирает сторону для заказа, изменённого с обеих сторон; для этого конфликта "
        "подойдут другие (см. 'svyazka conflicts resolve --help').",
        "the decision «{action}» picks a side for an order changed on both sides; this conflict takes other "
        "decisions (see 'svyazka conflicts resolve --help').",
    ),
    "order_edits.cli_choose_side": (
        "для заказа, изменённого с обеих сторон, решение «{action}» не подходит: выберите use_retailcrm "
        "(оставить как в RetailCRM) или use_moysklad (оставить как в МойСклад).",
        "the decision «{action}» does not fit an order changed on both sides: choose use_retailcrm (keep as in "
        "RetailCRM) or use_moysklad (keep as in MoySklad).",
    ),
}
