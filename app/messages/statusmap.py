"""The status settings' problems (app/sync/statusmap.py ``validate_status_map``), one code per ``Problem.code``."""

MESSAGES: dict[str, tuple[str, str]] = {
    "statusmap.no_export_statuses": (
        "Не выбран ни один статус для выгрузки, поэтому заказы в МойСклад выгружаться не будут. Отметьте статусы "
        "RetailCRM, в которых заказ нужно передавать в МойСклад.",
        "No status to export is chosen, so no orders will be exported to MoySklad. Tick the RetailCRM statuses in "
        "which an order should go to MoySklad.",
    ),
    "statusmap.unknown_export_status": (
        "Статуса с кодом «{code}» больше нет в RetailCRM. Уберите его из статусов для выгрузки.",
        "The status with the code «{code}» no longer exists in RetailCRM. Remove it from the statuses to export.",
    ),
    "statusmap.inactive_export_status": (
        "Статус «{name}» отключён в RetailCRM, заказов в нём не будет. Уберите его из статусов для выгрузки или "
        "включите в RetailCRM.",
        "The status «{name}» is switched off in RetailCRM, so no order will be in it. Remove it from the statuses "
        "to export or switch it on in RetailCRM.",
    ),
    "statusmap.unmapped_export_status": (
        "Статус «{name}» не сопоставлен со статусом МойСклад, а заказы в нём выгружаются. Выберите для него статус "
        "МойСклад.",
        "The status «{name}» is not mapped to a MoySklad status, yet its orders are exported. Choose a MoySklad "
        "status for it.",
    ),
    "statusmap.unknown_rc_status": (
        "В сопоставлении есть статус RetailCRM с кодом «{code}», которого больше нет. Эта строка не действует; "
        "удалите её.",
        "The mapping has a RetailCRM status with the code «{code}» that no longer exists. This row has no effect; "
        "delete it.",
    ),
    "statusmap.unknown_ms_state": (
        "Статус «{name}» сопоставлен со статусом МойСклад, которого больше нет. Выберите для него другой статус "
        "МойСклад.",
        "The status «{name}» is mapped to a MoySklad status that no longer exists. Choose another MoySklad status "
        "for it.",
    ),
    "statusmap.unknown_shipment_status": (
        "Статуса отгрузки с кодом «{code}» нет в RetailCRM. Выберите статус, в котором создавать отгрузку в "
        "МойСклад.",
        "There is no shipment status with the code «{code}» in RetailCRM. Choose the status in which to create the "
        "shipment in MoySklad.",
    ),
    "statusmap.shipment_status_not_exported": (
        "Отгрузка создаётся в статусе «{name}», но заказы в этом статусе не выгружаются в МойСклад. Добавьте его в "
        "статусы для выгрузки.",
        "The shipment is created in the status «{name}», but orders in this status are not exported to MoySklad. "
        "Add it to the statuses to export.",
    ),
}
