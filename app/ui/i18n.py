"""Load the UI translations: Svyazka's own ``.qm`` and Qt's ``qtbase`` (standard buttons and dialogs).

Russian is the default; English (the source language) is the fallback, chosen with ``--lang en`` or
``SVYAZKA_LANG=en``. English also has a small ``.qm``: it holds only the plural forms ("1 pair", "2 pairs"),
which Qt cannot derive from a "%n pair(s)" source string by itself.

The translators are kept in a module-level list: Qt does not own them, and a translator that Python
garbage-collects silently stops translating.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.resources import translations_dir

LANG_ENV = "SVYAZKA_LANG"
LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
CATALOG = "svyazka"

_installed: list[QTranslator] = []
_current = [DEFAULT_LANGUAGE]  # the language last installed: app/messages renders journal lines in it


def current_language() -> str:
    """The UI's language ("ru" or "en"), as :func:`install_translators` last set it."""
    return _current[0]


def choose_language(option: str | None = None) -> str:
    """The command-line option wins, then ``SVYAZKA_LANG``, then Russian."""
    for candidate in (option, os.environ.get(LANG_ENV)):
        text = (candidate or "").strip().lower().replace("-", "_").split("_", 1)[0]
        if text in LANGUAGES:
            return text
    return DEFAULT_LANGUAGE


def install_translators(app: QCoreApplication, language: str) -> list[str]:
    """Install the translators for ``language`` (replacing earlier ones); returns the files that loaded."""
    remove_translators(app)
    _current[0] = language if language in LANGUAGES else DEFAULT_LANGUAGE
    loaded: list[str] = []
    own = QTranslator()
    path = translations_dir() / f"{CATALOG}_{language}.qm"
    if path.exists() and own.load(str(path)):
        app.installTranslator(own)
        _installed.append(own)
        loaded.append(str(path))
    if language != "en":
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator()
        if qtbase.load(f"qtbase_{language}", qt_dir):
            app.installTranslator(qtbase)
            _installed.append(qtbase)
            loaded.append(qtbase.filePath())
    QLocale.setDefault(QLocale(QLocale.Language.Russian if language == "ru" else QLocale.Language.English))
    return loaded


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())
