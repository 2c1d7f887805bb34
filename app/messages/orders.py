"""The orders flow's sentences (app/sync/orders/*, app/sync/process_order.py): orders, counterparties,
the delivery service, shipments, statuses back, sales returns and payments — log lines, plan notes, change
summaries and conflict titles. ``{order}`` is how the journal names an order (its number, else its id)."""

_RETRY = "Связка попробует снова при следующей синхронизации."
_RETRY_EN = "Svyazka will try again at the next sync."

MESSAGES: dict[str, tuple[str, str]] = {
    # -- parts ------------------------------------------------------------------------------------------------
    "orders.join_comma": ("{head}, {tail}", "{head}, {tail}"),
    "orders.join_semicolon": ("{head}; {tail}", "{head}; {tail}"),
    "orders.and_more": (" и ещё {count}", " and {count} more"),
    "orders.note_tail": ("; {note}{more}", "; {note}{more}"),
    "orders.doc_paymentin": ("входящий платёж", "incoming payment"),
    "orders.doc_cashin": ("приходный ордер", "cash receipt"),
    "orders.doc_paymentout": ("исходящий платёж", "outgoing payment"),
    "orders.doc_cashout": ("расходный ордер", "cash payment voucher"),
    "orders.doc_skip": ("не передавать", "do not send"),
    "orders.state_unknown": ("статус МойСклад", "MoySklad state"),
    # -- counterparties (app/sync/orders/counterparties.py, plan.py, apply.py) --------------------------------
    "orders.cp_rule_inn": ("по ИНН", "by INN"),
    "orders.cp_rule_email": ("по e-mail", "by e-mail"),
    "orders.cp_rule_phone": ("по телефону", "by phone"),
    "orders.cp_new": ("создан новый контрагент", "a new counterparty is created"),
    "orders.cp_candidate": ("«{name}»", "«{name}»"),
    "orders.cp_candidate_archived": ("«{name}» (в архиве)", "«{name}» (archived)"),
    "orders.cp_ambiguous": (
        "несколько контрагентов подходят {how}: {names}{more}",
        "several counterparties match {how}: {names}{more}",
    ),
    "orders.cp_found_archived": (
        "контрагент «{name}» найден {how}; он в архиве МойСклад, заказ привязан к нему (верните контрагента из "
        "архива, если работаете с этим клиентом снова)",
        "counterparty «{name}» found {how}; it is archived in MoySklad, the order is linked to it (restore the "
        "counterparty from the archive if you work with this customer again)",
    ),
    "orders.cp_found": ("контрагент найден {how}", "counterparty found {how}"),
    "orders.cp_linked": ("контрагент уже связан с клиентом", "the counterparty is already linked to the customer"),
    "orders.cp_picked": ("контрагент выбран вручную", "the counterparty was picked by hand"),
    "orders.cp_new_by_user": (
        "создан новый контрагент (по решению пользователя)", "a new counterparty is created (as the user decided)"
    ),
    "orders.cp_skip_by_user": (
        "выгрузка заказов этого клиента отключена пользователем",
        "the user turned off sending this customer's orders",
    ),
    "orders.cp_new_retry": (
        "создан новый контрагент (повтор прерванной записи)",
        "a new counterparty is created (retrying an interrupted write)",
    ),
    "orders.cp_create_failed": (
        "Не удалось создать контрагента «{name}» в МойСклад: {error}. Заказы этого клиента подождут.",
        "Could not create counterparty «{name}» in MoySklad: {error}. This customer's orders will wait.",
    ),
    "orders.cp_created": ("Создан контрагент «{name}» в МойСклад.", "Created counterparty «{name}» in MoySklad."),
    "orders.cp_lookup": (
        "Поиск контрагентов в МойСклад: {customers} клиент(ов), запросов: {requests}.",
        "Looking up counterparties in MoySklad: {customers} customer(s), requests: {requests}.",
    ),
    "orders.skipped_counterparty": ("Заказ {order} пропущен: {how}.", "Order {order} skipped: {how}."),
    "orders.ambiguous_title": (
        "Клиент «{name}»: {how}. Выберите контрагента МойСклад для этого клиента.",
        "Customer «{name}»: {how}. Choose the MoySklad counterparty for this customer.",
    ),
    "orders.ambiguous_wait": (
        "Заказ {order} ждёт: для клиента «{name}» подходят несколько контрагентов МойСклад ({names}). Выберите "
        "нужного в разделе «Конфликты».",
        "Order {order} is waiting: several MoySklad counterparties match customer «{name}» ({names}). Choose the "
        "right one in «Conflicts».",
    ),
    # -- deciding (app/sync/orders/decide.py, mapping.py) -----------------------------------------------------
    "orders.skipped_status": (
        "Заказ {order} пропущен: статус «{status}» не выгружается в МойСклад.",
        "Order {order} skipped: status «{status}» is not sent to MoySklad.",
    ),
    "orders.skipped_before_start": (
        "Заказ {order} пропущен: он создан до {date}, а более ранние заказы при подключении Связки не выгружаются.",
        "Order {order} skipped: it was created before {date}, and earlier orders are not sent when Svyazka is "
        "connected.",
    ),
    "orders.skipped_unmapped_status": (
        "Заказ {order} пропущен: статус «{status}» не сопоставлен, и вы решили не выгружать такие заказы.",
        "Order {order} skipped: status «{status}» is not mapped, and you chose not to send such orders.",
    ),
    "orders.skipped_bad_data": (
        "Заказ {order} пропущен по вашему решению: {reasons}.", "Order {order} skipped as you decided: {reasons}."
    ),
    "orders.bad_data_title": (
        "Заказ {order} не выгружен в МойСклад: {reasons}.", "Order {order} was not sent to MoySklad: {reasons}."
    ),
    "orders.bad_data": (
        "Заказ {order} не выгружен в МойСклад: {reasons}. Исправьте заказ в RetailCRM; " + _RETRY,
        "Order {order} was not sent to MoySklad: {reasons}. Fix the order in RetailCRM; " + _RETRY_EN,
    ),
    "orders.reason_no_name": (
        "у клиента не указаны ни фамилия, ни имя, ни компания",
        "the customer has no last name, first name or company",
    ),
    "orders.reason_name_too_long": (
        "имя клиента длиннее {max} символов ({length}), МойСклад такое не примет",
        "the customer's name is longer than {max} characters ({length}), MoySklad will not accept it",
    ),
    "orders.reason_negative_quantity": (
        "в строке {index} («{item}») отрицательное количество {quantity}",
        "line {index} («{item}») has a negative quantity {quantity}",
    ),
    "orders.reason_negative_price": (
        "в строке {index} («{item}») отрицательная цена", "line {index} («{item}») has a negative price"
    ),
    "orders.unmapped_status_title": (
        "Статус RetailCRM «{status}» не сопоставлен со статусом МойСклад.",
        "RetailCRM status «{status}» is not mapped to a MoySklad state.",
    ),
    "orders.unmapped_status_linked": (
        "Заказ {order}: статус «{status}» не сопоставлен со статусом МойСклад, поэтому статус заказа в МойСклад не "
        "меняется. Выберите статус в настройках.",
        "Order {order}: status «{status}» is not mapped to a MoySklad state, so the order's state in MoySklad does "
        "not change. Choose a state in the settings.",
    ),
    "orders.unmapped_status_new": (
        "Заказ {order} не выгружен: статус «{status}» не сопоставлен со статусом МойСклад. Без статуса заказ не "
        "выгружается, потому что неверный статус может запустить сценарии МойСклад. Выберите статус МойСклад в "
        "настройках.",
        "Order {order} was not sent: status «{status}» is not mapped to a MoySklad state. An order is not sent "
        "without a state, because a wrong state may start MoySklad scenarios. Choose a MoySklad state in the "
        "settings.",
    ),
    "orders.unlinked_offer_title": (
        "Товар «{name}» (предложение RetailCRM {offer}) не связан(а) с товаром МойСклад.",
        "Product «{name}» (RetailCRM offer {offer}) is not linked to a MoySklad product.",
    ),
    "orders.unlinked_line_title": (
        "Строка {index} заказа {order} («{name}») не связан(а) с товаром МойСклад.",
        "Line {index} of order {order} («{name}») is not linked to a MoySklad product.",
    ),
    "orders.unlinked_line": ("строка {index} «{name}»", "line {index} «{name}»"),
    "orders.unlinked_lines_new": (
        "Заказ {order} не выгружен в МойСклад: товар не связан с МойСклад ({lines}). Свяжите товар в каталоге или "
        "исключите строку в разделе «Конфликты».",
        "Order {order} was not sent to MoySklad: a product is not linked to MoySklad ({lines}). Link the product "
        "in the catalog or leave the line out in «Conflicts».",
    ),
    "orders.unlinked_lines_linked": (
        "Заказ {order} не обновлён в МойСклад: товар не связан с МойСклад ({lines}). Свяжите товар в каталоге или "
        "исключите строку в разделе «Конфликты».",
        "Order {order} was not updated in MoySklad: a product is not linked to MoySklad ({lines}). Link the "
        "product in the catalog or leave the line out in «Conflicts».",
    ),
    "orders.note_comment_shortened": (
        "комментарий сокращён до {max} символов", "the comment was cut to {max} characters"
    ),
    "orders.note_address_shortened": (
        "адрес доставки сокращён до {max} символов", "the delivery address was cut to {max} characters"
    ),
    "orders.required_field": (
        "в МойСклад у заказов покупателя есть обязательное дополнительное поле {fields}, а Связка дополнительные "
        "поля не заполняет. Сделайте это поле необязательным в настройках заказов покупателей МойСклад или задайте "
        "значение по умолчанию; заказ уйдёт при следующей синхронизации",
        "customer orders in MoySklad have a required additional field {fields}, and Svyazka does not fill "
        "additional fields. Make this field optional in MoySklad's customer order settings or give it a default "
        "value; the order will go at the next sync",
    ),
    "orders.required_fields": (
        "в МойСклад у заказов покупателя есть обязательные дополнительные поля {fields}, а Связка дополнительные "
        "поля не заполняет. Сделайте эти поля необязательными в настройках заказов покупателей МойСклад или задайте "
        "значение по умолчанию; заказ уйдёт при следующей синхронизации",
        "customer orders in MoySklad have required additional fields {fields}, and Svyazka does not fill "
        "additional fields. Make these fields optional in MoySklad's customer order settings or give them a "
        "default value; the order will go at the next sync",
    ),
    "orders.conflict_waiting": (
        "{title} Ждут заказы: {orders}{more}.", "{title} Orders waiting: {orders}{more}."
    ),
    # -- history and notes (app/sync/orders/history.py, plan.py, process_order.py) ---------------------------
    "orders.no_export_statuses": (
        "Не выбран ни один статус для выгрузки, поэтому новые заказы в МойСклад не выгружаются. Отметьте статусы "
        "RetailCRM в настройках.",
        "No status is chosen for sending, so new orders are not sent to MoySklad. Tick RetailCRM statuses in the "
        "settings.",
    ),
    "orders.no_organization": (
        "Не выбрано юрлицо МойСклад, поэтому новые заказы не выгружаются. Выберите юрлицо в настройках.",
        "No MoySklad legal entity is chosen, so new orders are not sent. Choose the legal entity in the settings.",
    ),
    "orders.first_sync_window": (
        "Первая синхронизация: заказы за последние {count} {count:plural:день|дня|дней}; более ранние не выгружаются.",
        "First sync: orders of the last {count} {count:plural:day|days}; earlier ones are not sent.",
    ),
    "orders.created_before": (
        "Заказы, созданные до {date} (до первой синхронизации), не выгружаются.",
        "Orders created before {date} (before the first sync) are not sent.",
    ),
    "orders.what_full": ("полная сверка", "full check"),
    "orders.what_first": ("первый запуск", "first run"),
    "orders.exportable_count": (
        "Заказы ({what}): в статусах для выгрузки {count} заказ(ов); дальше Связка будет следить за изменениями по "
        "истории RetailCRM.",
        "Orders ({what}): {count} order(s) in the statuses to send; from now on Svyazka follows changes through "
        "RetailCRM's history.",
    ),
    "orders.history_own": (", свои изменения пропущены: {count}", ", own changes skipped: {count}"),
    "orders.history_counts": (
        "История RetailCRM: {records} изменений в {orders} заказ(ах){own}.",
        "RetailCRM history: {records} changes in {orders} order(s){own}.",
    ),
    "orders.bad_id": (
        "Заказ {order} не выгружен в МойСклад: RetailCRM прислал вместо его идентификатора «{raw_id}», а это не "
        "число. Проверьте заказ в RetailCRM; если он в порядке, сообщите в поддержку RetailCRM.",
        "Order {order} was not sent to MoySklad: RetailCRM sent «{raw_id}» as its id, and that is not a number. "
        "Check the order in RetailCRM; if it is fine, tell RetailCRM support.",
    ),
    "orders.deleted_in_retailcrm": (
        "В RetailCRM удалено заказов: {count}. В МойСклад Связка их не удаляет.",
        "Orders deleted in RetailCRM: {count}. Svyazka does not delete them in MoySklad.",
    ),
    "orders.waiting_note": (
        "Ждут решения или исправления: {count} заказ(ов); подробности в разделе «Конфликты».",
        "Waiting for a decision or a fix: {count} order(s); details in «Conflicts».",
    ),
    "orders.number_taken": (
        "Заказ {order}: номер уже занят в МойСклад, номер заказу покупателя присвоит МойСклад.",
        "Order {order}: the number is already taken in MoySklad, MoySklad will number the customer order.",
    ),
    "orders.default_group_order": (
        "RetailCRM не отдал группы статусов, поэтому порядок групп взят стандартный: Новый, Согласование, "
        "Комплектация, Доставка, Выполнен, Отменен. Если в вашем RetailCRM группы идут иначе, проверьте статус "
        "отгрузки в настройках.",
        "RetailCRM did not give the status groups, so the standard group order is used: New, Approval, "
        "Assembling, Delivery, Complete, Cancelled. If the groups go differently in your RetailCRM, check the "
        "shipment status in the settings.",
    ),
    # -- plan changes (app/sync/orders/plan.py, delivery.py, payments.py) ------------------------------------
    "orders.change_counterparty": (
        "Контрагент «{name}» в МойСклад: будет создан", "Counterparty «{name}» in MoySklad: will be created"
    ),
    "orders.change_create": (
        "Заказ {order} → МойСклад: будет создан заказ покупателя (статус «{state}», позиций {count}), {how}",
        "Order {order} → MoySklad: a customer order will be created (state «{state}», lines: {count}), {how}",
    ),
    "orders.change_update": (
        "Заказ {order} → МойСклад: будет обновлён заказ покупателя (статус «{state}», позиций {count})",
        "Order {order} → MoySklad: the customer order will be updated (state «{state}», lines: {count})",
    ),
    "orders.change_link": (
        "Заказ {order} → МойСклад: будет связан с уже существующим заказом покупателя",
        "Order {order} → MoySklad: will be linked to the existing customer order",
    ),
    "orders.change_link_update": (
        "Заказ {order} → МойСклад: будет связан с уже существующим заказом покупателя и обновлён",
        "Order {order} → MoySklad: will be linked to the existing customer order and updated",
    ),
    "orders.change_take_over": (
        "Заказ {order} → МойСклад: будет связан с уже существующим заказом покупателя, который выгрузил модуль "
        "RetailCRM для МойСклад",
        "Order {order} → MoySklad: will be linked to the existing customer order sent by RetailCRM's MoySklad "
        "module",
    ),
    "orders.change_take_over_update": (
        "Заказ {order} → МойСклад: будет связан с уже существующим заказом покупателя, который выгрузил модуль "
        "RetailCRM для МойСклад и обновлён",
        "Order {order} → MoySklad: will be linked to the existing customer order sent by RetailCRM's MoySklad "
        "module, and updated",
    ),
    "orders.change_shipment": (
        "Заказ {order} → МойСклад: будет создана отгрузка", "Order {order} → MoySklad: a shipment will be created"
    ),
    "orders.change_status_back": (
        "Заказ {order} → RetailCRM: статус «{old}» → «{new}» (как в МойСклад)",
        "Order {order} → RetailCRM: status «{old}» → «{new}» (as in MoySklad)",
    ),
    "orders.change_return": (
        "Заказ {order} → МойСклад: будет создан возврат покупателя",
        "Order {order} → MoySklad: a sales return will be created",
    ),
    "orders.change_ms_shipment": (
        "Заказ {order}: отгрузка сделана в МойСклад, будет связана с заказом",
        "Order {order}: shipped in MoySklad, the shipment will be linked to the order",
    ),
    "orders.change_delivery_service": (
        "Услуга «{name}» в МойСклад: будет создана для стоимости доставки",
        "Service «{name}» in MoySklad: will be created for the delivery cost",
    ),
    "orders.change_payment": (
        "Заказ {order} → МойСклад: будет создан {document} на {amount} ₽",
        "Order {order} → MoySklad: {document} of {amount} ₽ will be created",
    ),
    # -- orders written (app/sync/orders/apply.py, existing.py) ----------------------------------------------
    "orders.no_counterparty": (
        "Заказ {order} не выгружен: не удалось подобрать контрагента. " + _RETRY,
        "Order {order} was not sent: no counterparty could be found for it. " + _RETRY_EN,
    ),
    "orders.create_required_fields": (
        "Заказ {order} не выгружен в МойСклад: {advice}.", "Order {order} was not sent to MoySklad: {advice}."
    ),
    "orders.create_failed": (
        "Заказ {order} → МойСклад: не создан. {error}. " + _RETRY,
        "Order {order} → MoySklad: not created. {error}. " + _RETRY_EN,
    ),
    "orders.created": (
        "Заказ {order} → МойСклад: создан заказ покупателя {name}, {how}{notes}",
        "Order {order} → MoySklad: created customer order {name}, {how}{notes}",
    ),
    "orders.sum_mismatch": (
        "Заказ {order}: сумма заказа покупателя {name} в МойСклад {got} ₽, а отправлено позиций на {sent} ₽. "
        "Проверьте в МойСклад настройку «НДС включен в цену» и цены позиций.",
        "Order {order}: customer order {name} totals {got} ₽ in MoySklad, but lines worth {sent} ₽ were sent. "
        "Check the «VAT included in price» setting and the line prices in MoySklad.",
    ),
    "orders.updated_state": (", статус «{state}»", ", state «{state}»"),
    "orders.updated": (
        "Заказ {order} → МойСклад: заказ покупателя обновлён{state}, позиций {count}.",
        "Order {order} → MoySklad: customer order updated{state}, lines: {count}.",
    ),
    "orders.update_target_deleted": (
        "Заказ {order}: заказ покупателя удалён в МойСклад, поэтому изменения из RetailCRM в него не переданы. "
        "Если заказ нужен в МойСклад, создайте его там заново или обратитесь в поддержку.",
        "Order {order}: the customer order was deleted in MoySklad, so the changes from RetailCRM were not sent "
        "to it. If the order is needed in MoySklad, create it there again or contact support.",
    ),
    "orders.update_required_fields": (
        "Заказ {order} → МойСклад: не обновлён: {advice}.", "Order {order} → MoySklad: not updated: {advice}."
    ),
    "orders.update_failed": (
        "Заказ {order} → МойСклад: не обновлён. {error}. " + _RETRY,
        "Order {order} → MoySklad: not updated. {error}. " + _RETRY_EN,
    ),
    "orders.already_in_moysklad": (
        "Заказ {order} уже есть в МойСклад (заказ покупателя {name}): Связка свяжет его, а не создаст второй.",
        "Order {order} is already in MoySklad (customer order {name}): Svyazka will link it instead of creating a "
        "second one.",
    ),
    "orders.module_field_not_id": (
        "Заказ {order}: в поле «{field}» записано «{value}», а это не идентификатор заказа МойСклад. Связка не "
        "учитывает это поле и выгружает заказ как обычно.",
        "Order {order}: field «{field}» holds «{value}», which is not a MoySklad order id. Svyazka ignores this "
        "field and sends the order as usual.",
    ),
    "orders.module_order_missing": (
        "Заказ {order}: по полю «{field}» его выгружал модуль RetailCRM для МойСклад, но такого заказа покупателя в "
        "МойСклад нет (его удалили или он в другой учётной записи МойСклад). Связка выгрузит заказ как новый.",
        "Order {order}: field «{field}» says RetailCRM's MoySklad module sent it, but MoySklad has no such customer "
        "order (it was deleted or is in another MoySklad account). Svyazka will send the order as a new one.",
    ),
    "orders.module_order_taken": (
        "Заказ {order}: заказ покупателя МойСклад из поля «{field}» уже связан с другим заказом RetailCRM "
        "(например, заказ скопирован вместе с этим полем). Связка выгрузит этот заказ как новый.",
        "Order {order}: the MoySklad customer order from field «{field}» is already linked to another RetailCRM "
        "order (for example, the order was copied with this field). Svyazka will send this order as a new one.",
    ),
    "orders.module_take_over": (
        "Заказ {order} уже выгружен модулем RetailCRM для МойСклад (заказ покупателя {name}): Связка свяжет его и "
        "дальше будет вести сама, второй заказ не создаётся.",
        "Order {order} was already sent by RetailCRM's MoySklad module (customer order {name}): Svyazka will link "
        "it and keep it up to date from now on; no second order is created.",
    ),
    "orders.linked_existing": (
        "Заказ {order} → МойСклад: связан с уже существующим заказом покупателя.",
        "Order {order} → MoySklad: linked to the existing customer order.",
    ),
    "orders.taken_over_shipped": (
        " Отгрузка по нему в МойСклад уже есть, вторую Связка не создаст.",
        " It already has a shipment in MoySklad; Svyazka will not create a second one.",
    ),
    "orders.taken_over": (
        "Заказ {order} уже выгружен модулем RetailCRM для МойСклад, Связка связала его и дальше ведёт сама. Заказ "
        "покупателя в МойСклад пока не изменён: его обновит следующее изменение заказа в RetailCRM.{shipped}",
        "Order {order} was already sent by RetailCRM's MoySklad module; Svyazka linked it and keeps it up to date "
        "from now on. The customer order in MoySklad is not changed yet: the next change of the order in "
        "RetailCRM updates it.{shipped}",
    ),
    # -- the delivery service (app/sync/orders/delivery.py) --------------------------------------------------
    "orders.delivery_no_services": (
        "Стоимость доставки в МойСклад не передаётся: в этой учётной записи МойСклад нет раздела услуг.",
        "The delivery cost is not sent to MoySklad: this MoySklad account has no services.",
    ),
    "orders.delivery_create_failed": (
        "Не удалось создать услугу «{name}» в МойСклад: {error} Стоимость доставки в заказы не передана; " + _RETRY,
        "Could not create service «{name}» in MoySklad: {error} The delivery cost was not sent with the orders; "
        + _RETRY_EN,
    ),
    "orders.delivery_created": (
        "Создана услуга «{name}» в МойСклад для стоимости доставки.",
        "Created service «{name}» in MoySklad for the delivery cost.",
    ),
    "orders.delivery_missing": (
        "Услуга «{name}» для стоимости доставки не найдена в МойСклад (возможно, её удалили). При следующей "
        "синхронизации Связка найдёт её по названию или создаст заново.",
        "Service «{name}» for the delivery cost was not found in MoySklad (it may have been deleted). At the next "
        "sync Svyazka will find it by name or create it again.",
    ),
    # -- shipments (app/sync/orders/shipments.py, ms_shipments.py) -------------------------------------------
    "orders.shipment_retry": (
        "Заказ {order}: отгрузка могла быть создана в прошлый раз; Связка повторит запрос с тем же "
        "идентификатором, дубликата не будет.",
        "Order {order}: the shipment may have been created last time; Svyazka repeats the request with the same "
        "id, so there will be no duplicate.",
    ),
    "orders.shipment_failed": (
        "Заказ {order} → МойСклад: отгрузка не создана. {error}",
        "Order {order} → MoySklad: shipment not created. {error}",
    ),
    "orders.shipment_refused": (
        "Заказ {order} → МойСклад: отгрузка не создана. {error}.",
        "Order {order} → MoySklad: shipment not created. {error}.",
    ),
    "orders.shipment_nothing": (
        "Заказ {order}: в МойСклад отгружать нечего (всё уже отгружено), отгрузка не создана.",
        "Order {order}: nothing to ship in MoySklad (everything is shipped already), no shipment created.",
    ),
    "orders.shipment_created": (
        "Заказ {order} → МойСклад: создана отгрузка {name}.", "Order {order} → MoySklad: created shipment {name}."
    ),
    "orders.shipment_recovered": (
        "Заказ {order} → МойСклад: отгрузка {name} была создана прошлой синхронизацией, которая прервалась; теперь "
        "она связана с заказом.",
        "Order {order} → MoySklad: shipment {name} was created by the previous sync, which was interrupted; it is "
        "now linked to the order.",
    ),
    "orders.ms_shipment_linked": (
        "Заказ {order}: отгрузка{name} сделана на складе в МойСклад. Связка не будет создавать вторую отгрузку по "
        "этому заказу.",
        "Order {order}: the shipment{name} was made at the warehouse in MoySklad. Svyazka will not create a second "
        "shipment for this order.",
    ),
    "orders.status_shipped": (
        "Заказ {order} → RetailCRM: статус «{status}», потому что склад отгрузил заказ в МойСклад.",
        "Order {order} → RetailCRM: status «{status}», because the warehouse shipped the order in MoySklad.",
    ),
    # -- statuses back (app/sync/orders/statuses_back.py) ----------------------------------------------------
    "orders.statuses_back_on": (
        "Обратная передача статусов включена: изменения статусов заказов в МойСклад с этого момента будут "
        "переданы в RetailCRM.",
        "Statuses back are on: order state changes in MoySklad from now on will be sent to RetailCRM.",
    ),
    "orders.status_changed_both": (
        "Заказ {order}: статус изменён и в RetailCRM, и в МойСклад; оставлен статус RetailCRM.",
        "Order {order}: the status changed both in RetailCRM and in MoySklad; RetailCRM's status is kept.",
    ),
    "orders.status_back_failed": (
        "Заказ {order} → RetailCRM: статус не изменён. {error}",
        "Order {order} → RetailCRM: status not changed. {error}",
    ),
    "orders.status_back": (
        "Заказ {order} → RetailCRM: статус «{status}», как у заказа покупателя {name} в МойСклад.",
        "Order {order} → RetailCRM: status «{status}», as customer order {name} has in MoySklad.",
    ),
    # -- sales returns (app/sync/orders/returns.py) ----------------------------------------------------------
    "orders.return_read_failed": (
        "Заказ {order}: отгрузку в МойСклад прочитать не удалось, возврат не проверен. {error}",
        "Order {order}: could not read the shipment in MoySklad, the return was not checked. {error}",
    ),
    "orders.return_shipment_deleted": (
        "Заказ {order}: его отгрузка удалена в МойСклад, поэтому возврат по ней не создан. Если товар вернулся на "
        "склад, оформите возврат в МойСклад вручную.",
        "Order {order}: its shipment was deleted in MoySklad, so no return was created for it. If the goods came "
        "back to the warehouse, make the return in MoySklad by hand.",
    ),
    "orders.return_partial": (
        "Заказ {order}: после отгрузки из заказа убраны товары или уменьшено их количество; Связка оформит в "
        "МойСклад возврат покупателя на разницу.",
        "Order {order}: after shipping, goods were removed from the order or their quantity reduced; Svyazka will "
        "make a sales return in MoySklad for the difference.",
    ),
    "orders.return_why_full": ("заказ переведён в статус возврата", "the order was moved to a return status"),
    "orders.return_why_partial": (
        "товары убраны из заказа после отгрузки", "goods were removed from the order after shipping"
    ),
    "orders.return_created": (
        "Заказ {order} → МойСклад: создан возврат покупателя {name} ({pieces} шт.), товар вернулся на склад; "
        "причина: {why}.",
        "Order {order} → MoySklad: created sales return {name} ({pieces} pcs), the goods are back at the "
        "warehouse; reason: {why}.",
    ),
    "orders.return_failed": (
        "Заказ {order} → МойСклад: возврат покупателя не создан. {error}. " + _RETRY,
        "Order {order} → MoySklad: sales return not created. {error}. " + _RETRY_EN,
    ),
    # -- payments (app/sync/orders/payments.py) ---------------------------------------------------------------
    "orders.refund_payment_deleted": ("оплата удалена в RetailCRM", "the payment was deleted in RetailCRM"),
    "orders.refund_not_paid": (
        "оплата в RetailCRM больше не отмечена оплаченной", "the payment is no longer marked paid in RetailCRM"
    ),
    "orders.refund_sum_changed": (
        "сумма оплаты в RetailCRM изменилась: {old} ₽ → {new} ₽",
        "the payment's sum changed in RetailCRM: {old} ₽ → {new} ₽",
    ),
    "orders.refund_resumed": (
        "возврат, начатый прошлой синхронизацией", "a refund started by the previous sync"
    ),
    "orders.payment_statuses_unreadable": (
        "Оплаты в МойСклад не переданы: не удалось прочитать статусы оплат RetailCRM ({error}). Проверьте права "
        "ключа API RetailCRM.",
        "Payments were not sent to MoySklad: could not read RetailCRM's payment statuses ({error}). Check the "
        "RetailCRM API key's permissions.",
    ),
    "orders.payment_existing": (
        "Заказ {order}: {document} {name} на {amount} ₽ уже был в МойСклад (создан раньше); теперь он связан с "
        "оплатой, второй не создан.",
        "Order {order}: {document} {name} of {amount} ₽ was already in MoySklad (created earlier); it is now "
        "linked to the payment, no second one was created.",
    ),
    "orders.payment_failed": (
        "Заказ {order}: {document} на {amount} ₽ в МойСклад не создан: {error}. " + _RETRY,
        "Order {order}: {document} of {amount} ₽ was not created in MoySklad: {error}. " + _RETRY_EN,
    ),
    "orders.payment_created": (
        "Заказ {order}: оплата {amount} ₽ передана в МойСклад — создан {document} {name}, привязан к заказу.",
        "Order {order}: payment of {amount} ₽ sent to MoySklad — created {document} {name}, linked to the order.",
    ),
    "orders.refund_created": (
        "Заказ {order}: {why}, поэтому в МойСклад создан {document} {name} на {amount} ₽, привязан к заказу.",
        "Order {order}: {why}, so {document} {name} of {amount} ₽ was created in MoySklad, linked to the order.",
    ),
    "orders.refund_created_unlinked": (
        "Заказ {order}: {why}, поэтому в МойСклад создан {document} {name} на {amount} ₽. МойСклад не разрешил "
        "привязать его к заказу покупателя, поэтому в заказе он не виден; найдите его в разделе «Деньги».",
        "Order {order}: {why}, so {document} {name} of {amount} ₽ was created in MoySklad. MoySklad did not allow "
        "linking it to the customer order, so it is not seen in the order; find it under «Money».",
    ),
    "orders.payment_sum_differs": (
        "Заказ {order}: МойСклад записал в {document} {name} сумму {got} ₽ вместо {amount} ₽. Проверьте документ в "
        "МойСклад.",
        "Order {order}: MoySklad recorded {got} ₽ instead of {amount} ₽ in {document} {name}. Check the document in "
        "MoySklad.",
    ),
    "orders.paid_differs": (
        "Заказ {order}: в МойСклад по заказу оплачено {moysklad} ₽, а в RetailCRM — {retailcrm} ₽. Проверьте оплаты "
        "заказа в обеих системах.",
        "Order {order}: {moysklad} ₽ is paid for the order in MoySklad, but {retailcrm} ₽ in RetailCRM. Check the "
        "order's payments in both systems.",
    ),
}
