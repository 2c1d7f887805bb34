"""«Оповещения»: the dialog saves the channels (secrets to the keyring only) and sends a test message; a run
started from the window alerts through the same app/alerts call as the CLI."""

from __future__ import annotations

import pytest

from app.alerts import AlertSettings
from app.alerts import config as alert_config
from app.secrets import SecretStore
from app.sync.model import Callbacks, CancelToken, Flow
from app.ui.alerts_dialog import AlertsDialog
from app.ui.context import AppContext
from tests.alerts.servers import FakeTelegram

pytestmark = pytest.mark.gui


@pytest.fixture
def telegram():
    with FakeTelegram() as fake:
        yield fake


def test_the_dialog_saves_the_channels_and_sends_a_test(qtbot, db, tmp_path, memory_keyring, telegram):
    profile = db.profiles.create("Shop", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "token")
    alert_config.save(db, profile.id, AlertSettings(telegram_api=telegram.url))  # a local Bot API address
    context = AppContext(db=db, data_dir=tmp_path, secrets=SecretStore(), profile_id=profile.id)
    dialog = AlertsDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.test_button.isEnabled)  # the saved values are shown
    dialog.telegram_chat.setText("42")
    dialog.telegram_token.setText(telegram.token)
    dialog.event_checks["conflicts"].setChecked(False)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Telegram: sent" in dialog.status_label.text(), timeout=20_000)
    assert telegram.sent and telegram.sent[0]["chat_id"] == "42"

    saved = alert_config.load(db, profile.id)
    assert saved.telegram_chat_id == "42" and saved.enabled("conflicts") is False and saved.enabled("failed")
    assert SecretStore().get_alert_secret("telegram") == telegram.token
    assert telegram.token not in str(db.settings(profile.id).all())
    assert dialog.telegram_token.text() == "" and dialog.telegram_token.placeholderText() == ""

    dialog.smtp_to.setText("not-an-address")
    dialog.smtp_host.setText("smtp.example.ru")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert "does not look like an e-mail address" in dialog.status_label.text()
    assert alert_config.load(db, profile.id).smtp_host == ""  # nothing saved


def test_a_run_from_the_window_alerts_once(context, sandbox, telegram, monkeypatch):
    monkeypatch.setenv("SVYAZKA_SYNC_IN_THREAD", "1")  # the window's worker-thread path: no child process here
    alert_config.save(context.db, context.profile_id,
                      AlertSettings(telegram_chat_id="7", telegram_api=telegram.url, events={"auth": True,
                                                                                            "conflicts": False}))
    context.secrets.set_alert_secret("telegram", telegram.token)
    sandbox.moysklad.state.revoke_tokens()
    target = context.sync_target()
    for _ in range(2):
        report = target(Callbacks(), CancelToken(), (Flow.STOCK,), False, False, "schedule")
        assert report.status == "failed"
    assert len(telegram.sent) == 1 and "МойСклад не принимает токен" in telegram.texts()[0]
