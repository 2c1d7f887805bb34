"""The clients' ready-made error sentences (app/clients/errors.py). ``{service:service}`` names the service."""

MESSAGES: dict[str, tuple[str, str]] = {
    "clients.unavailable": (
        "{service:service} сейчас перегружен или недоступен. Связка повторила запрос несколько раз, но ответа так "
        "и не получила. Попробуйте ещё раз через несколько минут.",
        "{service:service} is overloaded or down right now. Svyazka repeated the request several times but got no "
        "answer. Try again in a few minutes.",
    ),
    "clients.certificate": (
        "Связка не смогла проверить сертификат защищённого соединения с {service:service}. Чаще всего так бывает, "
        "когда антивирус (Kaspersky, ESET, Avast и другие) или корпоративный фильтр проверяет HTTPS-соединения и "
        "подменяет сертификат. Добавьте Связку в исключения проверки HTTPS-трафика (веб-защиты) антивируса или "
        "отключите эту проверку, затем попробуйте ещё раз. Если антивируса нет, проверьте дату и время на "
        "компьютере и адрес сервиса в настройках.",
        "Svyazka could not verify the certificate of the secure connection to {service:service}. This most often "
        "happens when an antivirus (Kaspersky, ESET, Avast and others) or a corporate filter checks HTTPS "
        "connections and replaces the certificate. Add Svyazka to the antivirus's HTTPS scanning (web protection) "
        "exceptions or turn that scanning off, then try again. If there is no antivirus, check the computer's date "
        "and time and the service address in the settings.",
    ),
    "clients.protocol": (
        "{service:service} прислал ответ, который Связка не смогла разобрать. Скорее всего, это ошибка в Связке: "
        "пожалуйста, сообщите нам о ней и приложите журнал.",
        "{service:service} sent an answer Svyazka could not understand. Most likely this is a bug in Svyazka: "
        "please report it to us and attach the journal.",
    ),
    "clients.not_api": (
        "Ответ{where} не похож на API {service:service}: в нём нет данных, которые {service:service} всегда "
        "присылает, или они другого вида. Так бывает, когда адрес в настройках ведёт не на сервис или когда между "
        "Связкой и сервисом стоит прокси или фильтр, который меняет ответы. Проверьте адрес и сеть и попробуйте "
        "ещё раз.",
        "The answer{where} does not look like the {service:service} API: it lacks data {service:service} always "
        "sends, or has it in another form. This happens when the address in the settings does not lead to the "
        "service, or a proxy or filter between Svyazka and the service rewrites answers. Check the address and "
        "the network and try again.",
    ),
    "clients.at_url": (" по адресу {url}", " at {url}"),
    "clients.redirect": (
        "Адрес {url} переадресует запросы на другой сервер ({host}). Связка не отправляет туда ключ "
        "{service:service}. Укажите в настройках точный адрес API {service:service}.",
        "The address {url} redirects requests to another server ({host}). Svyazka does not send the "
        "{service:service} key there. Enter the exact {service:service} API address in the settings.",
    ),
    "clients.validation": (
        "{service:service} отклонил данные: {body}{more}. Исправьте эти данные и запустите синхронизацию ещё раз.",
        "{service:service} refused the data: {body}{more}. Correct this data and run the sync again.",
    ),
    "clients.validation_bare": (
        "{service:service} отклонил данные. Исправьте эти данные и запустите синхронизацию ещё раз.",
        "{service:service} refused the data. Correct this data and run the sync again.",
    ),
    "clients.validation_more": (" (и ещё {n})", " (and {n} more)"),
}
