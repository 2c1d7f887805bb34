"""The store's sentences: who holds a profile's run lock (app/store/run_lock.py) and repair (repair.py)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "store.source.cli": ("команда svyazka sync", "the svyazka sync command"),
    "store.source.manual": ("окно Связки, запуск вручную", "the Svyazka window, started by hand"),
    "store.source.schedule": ("окно Связки, запуск по расписанию", "the Svyazka window, a scheduled run"),
    "store.source.wizard": ("мастер настройки (пробный запуск)", "the setup wizard (a dry run)"),
    "store.source.os_schedule": (
        "запуск по расписанию системы (svyazka sync --scheduled)",
        "a run on the system's schedule (svyazka sync --scheduled)",
    ),
    "store.source.other": ("другой запуск", "another run"),
    "store.holder": ("{source}{where}{since}", "{source}{where}{since}"),
    "store.holder_where": (" ({where})", " ({where})"),
    "store.holder_pid_here": ("процесс {pid} на этом компьютере", "process {pid} on this computer"),
    "store.holder_pid_host": ("процесс {pid} на компьютере «{host}»", "process {pid} on the computer «{host}»"),
    "store.holder_run": ("запуск №{run_id}", "run #{run_id}"),
    "store.holder_run_pid": ("запуск №{run_id}, {where}", "run #{run_id}, {where}"),
    "store.holder_since": (", идёт с {time}", ", running since {time}"),
    "store.profile_busy": (
        "Синхронизация этого профиля уже идёт: {holder}. Два запуска одного профиля сразу мешали бы друг другу, "
        "поэтому этот не начат. Дождитесь окончания того запуска.",
        "A sync of this profile is already running: {holder}. Two runs of one profile at once would get in each "
        "other's way, so this one did not start. Wait for that run to end.",
    ),
    "store.repair_no_file": (
        "Файла данных «{path}» нет: чинить нечего. Настройте профиль: svyazka setup …",
        "There is no data file «{path}»: nothing to repair. Set up a profile: svyazka setup …",
    ),
    "store.repair_cannot_rename": (
        "Связка не смогла переименовать файл данных «{path}» ({error}). Закройте окно Связки и остановите запуски "
        "по расписанию, затем выполните «svyazka repair» снова.",
        "Svyazka could not rename the data file «{path}» ({error}). Close the Svyazka window and stop the scheduled "
        "runs, then run «svyazka repair» again.",
    ),
    "store.repair_busy": (
        "Файл данных «{path}» сейчас занят другим окном Связки или запуском по расписанию. Закройте Связку, "
        "дождитесь конца синхронизации и выполните «svyazka repair» снова.",
        "The data file «{path}» is in use by another Svyazka window or a scheduled run. Close Svyazka, wait for the "
        "sync to end and run «svyazka repair» again.",
    ),
}
