"""The runner's sentences (app/runner/): a profile or a key missing, a run that ended without a report."""

MESSAGES: dict[str, tuple[str, str]] = {
    "runner.no_profile": (
        "Профиль подключения не найден. Пройдите настройку заново.",
        "The connection profile was not found. Go through the setup again.",
    ),
    "runner.no_retailcrm_key": (
        "API-ключ RetailCRM не найден в хранилище паролей. Откройте настройки и вставьте ключ заново (или задайте "
        "переменную окружения SVYAZKA_RETAILCRM_API_KEY).",
        "The RetailCRM API key was not found in the password store. Open the settings and paste the key again (or "
        "set the SVYAZKA_RETAILCRM_API_KEY environment variable).",
    ),
    "runner.no_moysklad_token": (
        "Токен МойСклад не найден в хранилище паролей. Откройте настройки и подключите МойСклад заново (или задайте "
        "переменную окружения SVYAZKA_MOYSKLAD_TOKEN).",
        "The MoySklad token was not found in the password store. Open the settings and connect MoySklad again (or "
        "set the SVYAZKA_MOYSKLAD_TOKEN environment variable).",
    ),
    "runner.cancelled": (
        "Остановлено. Всё, что успело записаться, сохранено.",
        "Stopped. Everything written so far is kept.",
    ),
    "runner.system_error": (
        "Система сообщила об ошибке: {error}. Проверьте диск и сеть и попробуйте ещё раз.",
        "The system reported an error: {error}. Check the disk and the network and try again.",
    ),
    "runner.process_ended": (
        "Синхронизация неожиданно прервалась (процесс синхронизации завершился с кодом {exitcode}). Всё, что "
        "успело записаться, сохранено; запустите синхронизацию ещё раз.",
        "The sync ended unexpectedly (the sync process exited with code {exitcode}). Everything written so far is "
        "kept; run the sync again.",
    ),
    "runner.crash": (
        "Внутренняя ошибка Связки (это ошибка программы, а не ваших данных или настроек). Подробности записаны в "
        "технический журнал «{path}»: пришлите этот файл в поддержку Связки.",
        "An internal error in Svyazka (a bug in the program, not in your data or settings). The details are in the "
        "technical log «{path}»: send this file to Svyazka's support.",
    ),
    "runner.crash_unrecorded": (
        "Внутренняя ошибка Связки (это ошибка программы, а не ваших данных или настроек). Подробности записать не "
        "удалось (нет места на диске или нет прав на запись).",
        "An internal error in Svyazka (a bug in the program, not in your data or settings). The details could not "
        "be recorded (no disk space or no permission to write).",
    ),
}
