"""Starting the app: first run → wizard → main window, settings reopen the wizard, Russian by default, the
exception hook, and the translations being complete and compiled."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTimer
from PySide6.QtWidgets import QApplication, QWizard

from app.clients.errors import SettingsError
from app.paths import data_dir
from app.sandbox.sandbox import Sandbox
from app.secrets import SecretStore
from app.store import Database
from app.ui.app import SvyazkaApp
from app.ui.context import AppContext
from app.ui.errors import ExceptionHook
from app.ui.i18n import choose_language, install_translators, remove_translators
from app.ui.main_window import MainWindow
from app.ui.single_instance import Outcome, SingleInstance
from app.ui.wizard import SetupWizard

from .test_wizard import connect_both, press_next

pytestmark = pytest.mark.gui


def close_app(svyazka: SvyazkaApp) -> None:
    if svyazka.window is not None:
        svyazka.window._quitting = True
        svyazka.window.close()
    if svyazka.wizard is not None:
        svyazka.wizard._closing = True
        svyazka.wizard.close()


def test_first_run_shows_the_wizard_then_the_main_window(qtbot, db: Database, sandbox: Sandbox, tmp_path: Path):
    svyazka = SvyazkaApp(AppContext(db=db, data_dir=tmp_path, secrets=SecretStore()))
    with qtbot.waitSignal(svyazka.wizard_shown, timeout=5_000) as shown:
        svyazka.start()
    wizard: SetupWizard = shown.args[0]
    try:
        assert svyazka.window is None and wizard.isVisible()
        connect_both(qtbot, wizard, sandbox)
        press_next(qtbot, wizard, SetupWizard.PAGE_PRICES)
        press_next(qtbot, wizard, SetupWizard.PAGE_ORDERS)
        wizard.orders_page.set_exported("waiting-supply", False)
        press_next(qtbot, wizard, SetupWizard.PAGE_ORDER_LIFE)
        press_next(qtbot, wizard, SetupWizard.PAGE_FINISH)
        qtbot.waitUntil(wizard.finish_page.isComplete, timeout=60_000)
        with qtbot.waitSignal(svyazka.window_shown, timeout=20_000) as opened:
            wizard.button(QWizard.WizardButton.FinishButton).click()
        window: MainWindow = opened.args[0]
        assert window.profile_id == svyazka.context.profile_id is not None
        qtbot.waitUntil(lambda: window.snapshot is not None, timeout=10_000)
        assert window.history_tab.table.rowCount() == 1  # the wizard's dry run
    finally:
        close_app(svyazka)


def test_a_finished_setup_opens_the_main_window_and_settings_reopen_the_wizard(qtbot, context: AppContext):
    context.profile_id = None  # found by the app itself
    svyazka = SvyazkaApp(context)
    with qtbot.waitSignal(svyazka.window_shown, timeout=5_000):
        svyazka.start()
    try:
        assert svyazka.window is not None and svyazka.wizard is None
        with qtbot.waitSignal(svyazka.wizard_shown, timeout=10_000) as shown:
            svyazka.window.settings_requested.emit()
        wizard: SetupWizard = shown.args[0]
        assert wizard.editing and wizard.currentId() == SetupWizard.PAGE_RETAILCRM
        assert wizard.retailcrm_page.key_edit.text(), "the saved key is prefilled from the keyring"
    finally:
        close_app(svyazka)


def test_the_login_start_opens_minimized(qtbot, context: AppContext):
    """``--minimized`` (what autostart registers): in the tray where there is one, else minimized on the taskbar
    (the offscreen platform has no tray)."""
    from PySide6.QtCore import Qt

    from app.cli import build_parser
    from app.ui.main import build_parser as gui_parser

    assert build_parser().parse_args(["--minimized"]).minimized and gui_parser().parse_args(["--tray"]).minimized
    svyazka = SvyazkaApp(context)
    with qtbot.waitSignal(svyazka.window_shown, timeout=5_000):
        svyazka.start(minimized=True)
    try:
        window = svyazka.window
        assert window is not None and not window.tray.available
        assert window.windowState() & Qt.WindowState.WindowMinimized
    finally:
        close_app(svyazka)


def test_main_starts_the_demo_in_russian(qtbot, monkeypatch, tmp_path: Path):
    from app.demo import start_demo
    from app.sandbox.sandbox import SandboxOptions

    monkeypatch.setattr("app.demo.start_demo", lambda: start_demo(SandboxOptions(products=30, orders=5, stores=2)))
    monkeypatch.delenv("SVYAZKA_LANG", raising=False)
    # A real Svyazka is running (its window hidden to the tray): the demo still starts, in its own folder.
    monkeypatch.setattr("app.paths.default_data_dir", lambda: tmp_path / "real")
    real = SingleInstance(data_dir(None))
    assert real.acquire() is Outcome.FIRST
    seen: dict[str, object] = {}

    def look() -> None:
        wizards = [w for w in QApplication.topLevelWidgets() if isinstance(w, SetupWizard) and w.isVisible()]
        if not wizards:
            QTimer.singleShot(50, look)
            return
        wizard = wizards[0]
        seen["title"] = wizard.windowTitle()
        seen["next"] = wizard.button(QWizard.WizardButton.NextButton).text()
        seen["cancel"] = wizard.button(QWizard.WizardButton.CancelButton).text()
        seen["demo"] = wizard.context.is_demo and wizard.welcome_page.demo_radio.isChecked()
        seen["url"] = wizard.state.retailcrm_url
        wizard._closing = True
        wizard.close()
        QApplication.quit()

    from app.ui.main import main

    QTimer.singleShot(0, look)
    app = QApplication.instance()
    try:
        assert main(["--demo"]) == 0
    finally:
        real.release()
        install_translators(app, "en")  # back to the suite's language
        QLocale.setDefault(QLocale(QLocale.Language.English))
    assert seen["title"] == "Настройка Связки"
    assert seen["next"].replace("&", "").startswith("Далее")  # Qt's own strings come from qtbase_ru
    assert seen["cancel"] == "Отмена"
    assert seen["demo"] is True and str(seen["url"]).startswith("http://127.0.0.1:")


def test_the_language_option_and_environment(monkeypatch):
    monkeypatch.delenv("SVYAZKA_LANG", raising=False)
    assert choose_language(None) == "ru"
    assert choose_language("en") == "en"
    monkeypatch.setenv("SVYAZKA_LANG", "en_US")
    assert choose_language(None) == "en"
    assert choose_language("ru") == "ru"


def test_russian_and_english_catalogs_load(qapp):
    try:
        loaded = install_translators(qapp, "ru")
        assert any(path.endswith("svyazka_ru.qm") for path in loaded)
        assert any("qtbase_ru" in path for path in loaded)
        assert QCoreApplication.translate("SyncPanel", "Sync now") == "Синхронизировать"
        assert QCoreApplication.translate("FinishPage", "Found %n pair(s)", "", 2) == "Найдено 2 пары"
        assert QCoreApplication.translate("FinishPage", "Found %n pair(s)", "", 5) == "Найдено 5 пар"
        assert QCoreApplication.translate("FinishPage", "Found %n pair(s)", "", 21) == "Найдена 21 пара"
        install_translators(qapp, "en")
        assert QCoreApplication.translate("SyncPanel", "Sync now") == "Sync now"
        assert QCoreApplication.translate("FinishPage", "Found %n pair(s)", "", 1) == "Found 1 pair"
    finally:
        install_translators(qapp, "en")


def test_every_string_is_translated_and_the_qm_files_are_current():
    from app.ui.tools.i18n import check

    assert check() == []


def test_the_exception_hook_shows_a_sentence_never_a_traceback(qtbot, caplog):
    shown: list[str] = []
    hook = ExceptionHook(show=shown.append)
    try:
        raise KeyError("internal-detail-42")
    except KeyError:
        hook.handle(*sys.exc_info())  # type: ignore[arg-type]
    error = SettingsError("moysklad", "Токен МойСклад не подходит. Вставьте новый.", reason="bad_credentials")
    hook.handle(SettingsError, error, None)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5_000)
    assert "unexpected" in shown[0] and "internal-detail-42" not in shown[0] and "Traceback" not in shown[0]
    assert any("internal-detail-42" in (record.exc_text or "") for record in caplog.records)
    assert shown[1] == "Токен МойСклад не подходит. Вставьте новый."


def test_remove_translators_is_idempotent(qapp):
    remove_translators(qapp)
    remove_translators(qapp)
    install_translators(qapp, "en")
