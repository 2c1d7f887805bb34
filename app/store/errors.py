"""Store errors. ``str()`` of each is a Russian sentence a shop owner can act on (never a secret).

Svyazka's UI is Russian and these texts are shown as they are, so they are written in Russian here.
"""

from __future__ import annotations

from pathlib import Path

from app.messages import Message

# The usual reason a file is refused; shared by the header check and SQLite's own "not a database".
DAMAGED_OR_FOREIGN = "он повреждён или принадлежит другой программе"


class StoreError(Exception):
    """Something is wrong with Svyazka's local database. ``str()`` is a Russian sentence; built from an
    app/messages :class:`~app.messages.Message`, ``msg`` keeps it (else None)."""

    msg: Message | None = None

    def __init__(self, *args: object) -> None:
        if len(args) == 1 and isinstance(args[0], Message):
            self.msg = args[0]
            args = (str(args[0]),)
        super().__init__(*args)


class NewerDatabaseError(StoreError):
    """The file was written by a newer Svyazka; we must not touch it."""

    def __init__(self, path: Path, found: int, supported: int) -> None:
        self.path, self.found, self.supported = path, found, supported
        super().__init__(
            f"Файл данных «{path}» создан более новой версией Связки (формат {found}, а эта версия понимает "
            f"формат не выше {supported}). Установите последнюю версию Связки или выберите другую папку для "
            "данных. Файл не изменён."
        )


class NotSvyazkaDatabaseError(StoreError):
    """The file is not a Svyazka database (another program's file, or damaged)."""

    def __init__(self, path: Path, reason: str) -> None:
        """``reason`` is a Russian clause for the shop owner, e.g. "он повреждён или принадлежит другой программе"."""
        self.path, self.reason = path, reason
        super().__init__(
            f"Файл «{path}» не похож на файл данных Связки ({reason}). Переместите его в другое место или "
            "выберите другую папку для данных: тогда Связка начнёт с нового, пустого файла."
        )


class DatabaseDamagedError(NotSvyazkaDatabaseError):
    """SQLite found the file damaged ("database disk image is malformed"): a disk or power failure. It is kept
    as it is; ``svyazka repair`` (app/store/repair.py) puts it aside and starts a new one from what it can read."""

    def __init__(self, path: Path) -> None:
        self.path, self.reason = path, "он повреждён"
        StoreError.__init__(
            self,
            f"Файл данных Связки «{path}» повреждён: часть его не читается (так бывает после сбоя диска или "
            "внезапного отключения питания). Не удаляйте его. Выполните команду «svyazka repair»: Связка "
            "переименует повреждённый файл (он останется рядом), начнёт новый и перенесёт в него профили, "
            "настройки и решения по конфликтам, которые ещё читаются; связи товаров и заказов следующая "
            "синхронизация найдёт заново в обоих сервисах, без дублей.",
        )


class DatabaseBusyError(StoreError):
    """Another process held the write lock longer than the busy timeout."""


class LinkConflictError(StoreError):
    """A link would tie one record to two different partners."""


class SettingsError(StoreError, ValueError):
    """A stored or entered setting has a value Svyazka cannot use."""
