"""Additional fields of MoySklad customer orders (app/sync/orders/attributes.py and its hooks in the orders
flow, ``setup --order-attribute`` / ``setup --auto``): notes, bad-data reasons, the required-field conflict."""

MESSAGES: dict[str, tuple[str, str]] = {
    # -- values (app/sync/orders/attributes.py) ---------------------------------------------------------------
    "order_fields.note_shortened": (
        "значение поля «{field}» сокращено до {max} символов", "the value of the field «{field}» was shortened "
        "to {max} characters",
    ),
    "order_fields.note_no_element": (
        "поле «{field}» не заполнено: в его справочнике МойСклад нет элемента «{value}» — добавьте его в "
        "справочник, и поле заполнится при следующем изменении заказа",
        "the field «{field}» was left empty: its MoySklad dictionary has no element «{value}»; add it to the "
        "dictionary and the field is filled when the order next changes",
    ),
    "order_fields.reason_not_number": (
        "для поля МойСклад «{field}» нужно число, а в заказе «{value}»",
        "the MoySklad field «{field}» needs a number, the order has «{value}»",
    ),
    "order_fields.reason_not_whole": (
        "для поля МойСклад «{field}» нужно целое число, а в заказе «{value}»",
        "the MoySklad field «{field}» needs a whole number, the order has «{value}»",
    ),
    "order_fields.reason_not_boolean": (
        "для поля МойСклад «{field}» нужно «да» или «нет», а в заказе «{value}»",
        "the MoySklad field «{field}» needs «yes» or «no», the order has «{value}»",
    ),
    "order_fields.reason_not_time": (
        "для поля МойСклад «{field}» нужна дата, а в заказе «{value}»",
        "the MoySklad field «{field}» needs a date, the order has «{value}»",
    ),
    "order_fields.names_unread": (
        "Не удалось прочитать названия способов доставки или оплаты в RetailCRM: в МойСклад уходят их коды. "
        "Связка попробует снова при следующей синхронизации.",
        "Could not read the names of the delivery or payment types in RetailCRM: their codes go to MoySklad. "
        "Svyazka will try again at the next sync.",
    ),
    # -- the required-field conflict (plan.py, apply.py) ------------------------------------------------------
    "order_fields.required_title": (
        "В МойСклад у заказов покупателя обязательное дополнительное поле «{field}», а Связка его не заполняет. "
        "Выберите, чем его заполнять, в мастере настройки (страница заказов) или командой svyazka setup "
        "--order-attribute \"{field}=field:…\", либо сделайте поле необязательным в МойСклад — заказы уйдут при "
        "следующей синхронизации",
        "MoySklad customer orders have the required additional field «{field}», and Svyazka does not fill it. "
        "Choose what fills it in the setup wizard (the orders page) or with svyazka setup --order-attribute "
        "\"{field}=field:…\", or make the field optional in MoySklad; the orders go at the next sync",
    ),
    "order_fields.refused": (
        "Заказ {order} не {what} в МойСклад: не заполнено обязательное поле {fields}. Заказ ждёт, пока вы не "
        "выберете, чем заполнять поле (мастер настройки или svyazka setup --order-attribute), или не сделаете "
        "его необязательным в МойСклад; см. раздел «Конфликты».",
        "Order {order} was not {what} in MoySklad: the required field {fields} is empty. The order waits until "
        "you choose what fills the field (the setup wizard or svyazka setup --order-attribute) or make it "
        "optional in MoySklad; see «Conflicts».",
    ),
    "order_fields.what_created": ("выгружен", "sent"),
    "order_fields.what_updated": ("обновлён", "updated"),
    "order_fields.required_wait": (
        "Заказ {order} ждёт: в МойСклад обязательно поле «{field}», а оно не заполняется.",
        "Order {order} waits: MoySklad requires the field «{field}», and it is not filled.",
    ),
    "order_fields.required_closed": (
        "Поле МойСклад «{field}» теперь {how}: заказы, которые его ждали, выгружаются.",
        "The MoySklad field «{field}» is now {how}: the orders that waited for it are sent.",
    ),
    "order_fields.metadata_unread": (
        "Не удалось прочитать дополнительные поля заказов в МойСклад ({error}): заказы, которые ждут "
        "обязательного поля, подождут до следующей синхронизации.",
        "Could not read the additional fields of MoySklad orders ({error}): the orders waiting for a required "
        "field wait until the next sync.",
    ),
    "order_fields.how_mapped": ("заполняется", "filled"),
    "order_fields.how_optional": ("необязательное", "optional"),
    # -- the CLI (app/cli.py setup) ---------------------------------------------------------------------------
    "order_fields.cli_bad_form": (
        "Не понимаю «{value}»: пишите --order-attribute \"Название поля=field:deliveryType\", "
        "\"Название поля=const:Значение\" или \"Название поля=none\".",
        "Cannot read «{value}»: write --order-attribute \"Field name=field:deliveryType\", "
        "\"Field name=const:Value\" or \"Field name=none\".",
    ),
    "order_fields.cli_bad_source": (
        "Не понимаю «{value}»: допустимы {fields}, field:customFields.<код>, const:<значение> и none.",
        "Cannot read «{value}»: allowed are {fields}, field:customFields.<code>, const:<value> and none.",
    ),
    "order_fields.cli_unknown": (
        "В МойСклад у заказов покупателя нет дополнительного поля «{name}». Есть: {names}.",
        "MoySklad customer orders have no additional field «{name}». There are: {names}.",
    ),
    "order_fields.cli_not_offered": (
        "Поле «{name}» (тип {type}) Связка заполнить не может{const}.",
        "Svyazka cannot fill the field «{name}» (type {type}){const}.",
    ),
    "order_fields.cli_const_only": (" из заказа — только значением: const:<значение>",
                                    " from the order, only with a value: const:<value>"),
    "order_fields.cli_mapped": ("Поле «{name}» ← {source}.", "Field «{name}» ← {source}."),
    "order_fields.cli_required_left": (
        "Обязательное поле МойСклад «{name}» не заполняется: заказы не уйдут, пока вы не укажете, чем его "
        "заполнять, например: svyazka setup --order-attribute \"{name}=field:deliveryType\" или "
        "--order-attribute \"{name}=const:Значение\" (или сделайте поле необязательным в МойСклад).",
        "The required MoySklad field «{name}» is not filled: orders will not go until you say what fills it, "
        "e.g. svyazka setup --order-attribute \"{name}=field:deliveryType\" or --order-attribute "
        "\"{name}=const:Value\" (or make the field optional in MoySklad).",
    ),
}
