"""The engine's sentences: a run starting and ending, a flow stopped, the profile busy, the watchdog, page sizes
(app/sync/engine.py, run_context.py, run_figures.py, page_limits.py, model.py)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "engine.run_started": ("{what} начата: {flows:flows}.", "{what} started: {flows:flows}."),
    "engine.what_dry": ("Пробный запуск", "Dry run"),
    "engine.what_sync": ("Синхронизация", "Sync"),
    "engine.run_started_nothing": ("{what} начата: ничего не выбрано.", "{what} started: nothing selected."),
    "engine.run_interrupted_before": (
        "Запуск №{run_id} не закончился: его процесс завершился, не доделав работу. Он отмечен как прерванный; "
        "этот запуск проверит, что уже сделано.",
        "Run #{run_id} did not finish: its process ended before the work was done. It is marked as interrupted; "
        "this run checks what was already done.",
    ),
    "engine.flow_unsupported": (
        "{flow:flow}: этот поток пока не поддерживается, пропущен.",
        "{flow:flow}: this flow is not supported yet, skipped.",
    ),
    "engine.flow_failed": ("{flow:flow}: поток прерван. {error}", "{flow:flow}: the flow stopped. {error}"),
    "engine.flow_error": ("{flow:flow}: {error}", "{flow:flow}: {error}"),
    "engine.crashed_flow": (
        "Поток «{flow:flow}» остановлен. {sentence}", "The «{flow:flow}» flow stopped. {sentence}"
    ),
    "engine.crashed_run": ("Синхронизация остановлена. {sentence}", "The sync stopped. {sentence}"),
    "engine.internal_error": (
        "Синхронизация остановлена из-за внутренней ошибки Связки.",
        "The sync stopped because of an internal error in Svyazka.",
    ),
    "engine.cancelled": (
        "Остановлено пользователем. Всё, что успело записаться, сохранено.",
        "Stopped by the user. Everything written so far is kept.",
    ),
    "engine.schedule_skipped_busy": (
        "Запуск по расписанию пропущен: {holder}. Он начнётся в следующий раз по расписанию.",
        "The scheduled run was skipped: {holder}. It will start at the next scheduled time.",
    ),
    "engine.waiting_for_profile": (
        "Профиль занят: {holder}. Жду, когда тот запуск закончится…",
        "The profile is busy: {holder}. Waiting for that run to end…",
    ),
    "engine.safety_trip": ("Проверка перед записью не пройдена. {trip}", "The check before writing failed. {trip}"),
    "engine.safety_allowed": (
        "Запись разрешена заранее (запуск с --yes), продолжаем.",
        "Writing was allowed in advance (run with --yes), going on.",
    ),
    "engine.safety_answer_yes": (
        "На вопрос проверки перед записью ответили «продолжить запись».",
        "The check before writing was answered «write anyway».",
    ),
    "engine.safety_answer_no": (
        "На вопрос проверки перед записью ответили «не записывать».",
        "The check before writing was answered «don't write».",
    ),
    "engine.safety_stopped": (
        "Проверка перед записью остановила синхронизацию: {nothing}. {what_next}",
        "The check before writing stopped the sync: {nothing}. {what_next}",
    ),
    "engine.safety_nothing_later": (
        "ни этот поток, ни следующие ({flows:flows}) ничего не записали",
        "neither this flow nor the next ones ({flows:flows}) wrote anything",
    ),
    "engine.safety_nothing": ("этот поток ничего не записал", "this flow wrote nothing"),
    "engine.safety_next_skip": (
        "Автоматический запуск пропустил запись. Проверьте, что указано выше, и запустите синхронизацию вручную: "
        "Связка спросит, продолжать ли.",
        "The automatic run skipped writing. Check what is said above and start the sync by hand: Svyazka will "
        "ask whether to go on.",
    ),
    "engine.safety_next_refuse": (
        "Проверьте, что указано выше; если всё верно, запустите синхронизацию снова с подтверждением.",
        "Check what is said above; if it is all right, run the sync again with confirmation.",
    ),
    "engine.safety_next_other": (
        "Проверьте, что указано выше, и запустите синхронизацию снова.",
        "Check what is said above and run the sync again.",
    ),
    "engine.held": (
        "Остановлено проверкой перед записью ({count} {count:plural:замечание|замечания|замечаний}): {trip}",
        "Stopped by the check before writing ({count} {count:plural:finding|findings}): {trip}",
    ),
    "engine.overtime": (
        "Синхронизация шла дольше {limit:duration} — так долго она не идёт, значит, какой-то сервис отвечал слишком "
        "медленно. Связка остановила её, чтобы следующие запуски не ждали за ней. Всё, что успело записаться, "
        "сохранено; следующий запуск продолжит с этого места.",
        "The sync ran longer than {limit:duration}, which it never needs, so a service was answering too "
        "slowly. Svyazka stopped it so that the next runs do not wait behind it. Everything written so far is kept; "
        "the next run goes on from there.",
    ),
    "engine.stuck": (
        "Синхронизация не остановилась за {grace:duration} после предела в {limit:duration}: она ждала ответа "
        "сервиса, который так и не пришёл. Связка прервала её. Всё, что успело записаться, сохранено; следующий "
        "запуск проверит, что уже сделано.",
        "The sync did not stop within {grace:duration} after the limit of {limit:duration}: it was waiting "
        "for an answer from a service that never came. Svyazka ended it. Everything written so far is kept; "
        "the next run checks what was already done.",
    ),
    "engine.dry_run_mark": ("пробный запуск", "dry run"),
    # run_figures.summary
    "engine.summary": (
        "{head} создано {created}, обновлено {updated}, без изменений {unchanged}, пропущено {skipped}{failed}"
        "{conflicts}{errors}.",
        "{head} created {created}, updated {updated}, unchanged {unchanged}, skipped {skipped}{failed}{conflicts}"
        "{errors}.",
    ),
    "engine.summary_head_done": ("Готово:", "Done:"),
    "engine.summary_head_dry": ("Пробный запуск: было бы", "Dry run: would have"),
    "engine.summary_head_cancelled": ("Остановлено:", "Stopped:"),
    "engine.summary_failed": (", не удалось {n}", ", failed {n}"),
    "engine.summary_conflicts": (", конфликтов {n}", ", conflicts {n}"),
    "engine.summary_errors": (", ошибок {n}", ", errors {n}"),
    # page_limits.remember
    "engine.page_size_learned": (
        "RetailCRM не принимает страницы списка товаров по {before} строк: Связка читает их по {current} и "
        "запомнила это для аккаунта. Делать ничего не нужно.",
        "RetailCRM does not accept product list pages of {before} rows: Svyazka reads {current} at a time and "
        "remembered this for the account. Nothing to do.",
    ),
    # FlowPlan.note_more_changes
    "engine.more_changes": (
        "Подробно перечислены первые {shown} изменений, и ещё {more} — такие же, они записываются в журнал по "
        "мере выполнения.",
        "The first {shown} changes are listed in detail, and {more} more of the same kind; they are written to "
        "the journal as they are made.",
    ),
}
