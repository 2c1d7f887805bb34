"""The setup wizard end to end against the emulators: checks, validation, the dry run, saving, reopening."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWizard

from app.sandbox.sandbox import Sandbox
from app.secrets import SERVICE_MOYSKLAD, SERVICE_RETAILCRM, InMemoryKeyring, SecretStore
from app.store import Database
from app.sync.model import Flow
from app.ui.context import SETUP_DONE_KEY, AppContext, ready_profile_id
from app.ui.tones import tone
from app.ui.wizard import SetupWizard
from app.ui.wizard.orders_page import UNMAPPED_EXPORTED_TONE
from app.ui.wizard.state import MODE_LOGIN
from app.ui.wizard.wizard import load_wizard_state
from app.ui.worker import active_jobs, wait_for_jobs

pytestmark = pytest.mark.gui

W = SetupWizard


@pytest.fixture
def new_context(db: Database, tmp_path: Path) -> AppContext:
    return AppContext(db=db, data_dir=tmp_path, secrets=SecretStore())


def make_wizard(qtbot, context: AppContext, state=None) -> SetupWizard:
    wizard = SetupWizard(context, state)
    wizard.confirm_cancel = lambda: True
    wizard.ask_memory_only = lambda _message: False
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def press_next(qtbot, wizard: SetupWizard, expected: int, timeout: int = 20_000) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentId() == expected, timeout=timeout)


def leave_during_the_dry_run(qtbot, wizard: SetupWizard) -> None:
    """Cancel the wizard on its last page, as a person may while the dry run goes: the dry run stops."""
    wizard.reject()
    # the stopped run ends while the sandbox still answers (torn down after the test, a run left going would
    # retry against a closed port until its deadline)
    assert wait_for_jobs(20_000)
    qtbot.wait(300)  # what the finished jobs queued for the window has run: no dry run started after the cancel
    assert not [job for job in active_jobs() if job.running]


def wait_idle(qtbot, page, timeout: int = 20_000) -> None:
    qtbot.waitUntil(lambda: not page.busy, timeout=timeout)


def connect_both(qtbot, wizard: SetupWizard, sandbox: Sandbox) -> None:
    press_next(qtbot, wizard, W.PAGE_RETAILCRM)
    rc = wizard.retailcrm_page
    qtbot.keyClicks(rc.url_edit, sandbox.retailcrm_url)
    qtbot.keyClicks(rc.key_edit, sandbox.retailcrm.api_key)
    press_next(qtbot, wizard, W.PAGE_MOYSKLAD)
    qtbot.keyClicks(wizard.moysklad_page.token_edit, sandbox.moysklad.token)
    wizard.moysklad_page.url_edit.setText(sandbox.moysklad_url)
    wizard.moysklad_page._edited()
    press_next(qtbot, wizard, W.PAGE_WAREHOUSES)


def test_the_whole_wizard_against_the_services(qtbot, new_context, sandbox: Sandbox, memory_keyring: InMemoryKeyring):
    wizard = make_wizard(qtbot, new_context)
    assert wizard.currentId() == W.PAGE_WELCOME
    press_next(qtbot, wizard, W.PAGE_RETAILCRM)

    # a wrong key: the page says so and stays
    rc = wizard.retailcrm_page
    qtbot.keyClicks(rc.url_edit, sandbox.retailcrm_url)
    qtbot.keyClicks(rc.key_edit, "wrong-key-0123456789")
    qtbot.mouseClick(rc.check_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, rc)
    assert rc.message.kind == "error" and rc.message.isVisible()
    assert "wrong-key-0123456789" not in rc.message.text()
    assert wizard.currentId() == W.PAGE_RETAILCRM

    # the right key: Next checks and goes on by itself, showing the account first
    rc.key_edit.clear()
    qtbot.keyClicks(rc.key_edit, sandbox.retailcrm.api_key)
    press_next(qtbot, wizard, W.PAGE_MOYSKLAD)
    assert sandbox.shop.site_code in rc.message.text()
    assert memory_keyring.entries() == {}, "keys must reach the keyring only when the wizard finishes"

    ms = wizard.moysklad_page
    press_next_expect_stay = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.mouseClick(press_next_expect_stay, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == W.PAGE_MOYSKLAD and "token" in ms.message.text().lower()
    qtbot.keyClicks(ms.token_edit, sandbox.moysklad.token)
    ms.url_edit.setText(sandbox.moysklad_url)
    ms._edited()
    press_next(qtbot, wizard, W.PAGE_WAREHOUSES)
    assert sandbox.shop.organization_name in ms.message.text()

    # warehouses: prefilled by name; a page with no pair refuses to go on and says what to fix
    wh = wizard.warehouses_page
    suggested = wh.table.pairs()
    assert len(suggested) == len(sandbox.shop.stores)
    for ms_id in wh.table.left_ids():
        wh.table.choose(ms_id, None)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == W.PAGE_WAREHOUSES and wh.message.kind == "error"
    first, second = wh.table.left_ids()[:2]
    wh.table.choose(first, suggested[0][1])
    wh.table.choose(second, suggested[0][1])
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == W.PAGE_WAREHOUSES and "two warehouses" in wh.message.text()
    for ms_id, code in suggested:
        wh.table.choose(ms_id, code)
    wh.free_radio.setChecked(True)

    # Back keeps what was typed and chosen
    wizard.back()
    assert ms.token_edit.text() == sandbox.moysklad.token
    press_next(qtbot, wizard, W.PAGE_WAREHOUSES)
    assert wh.table.pairs() == suggested and wh.free_radio.isChecked()
    press_next(qtbot, wizard, W.PAGE_PRICES)
    press_next(qtbot, wizard, W.PAGE_ORDERS)

    # orders: the statuses in the process order (group, then status in the group), not by the bare ``ordering``
    # that restarts in every group: «Ждём поставку» (the shop's own, 990 in approval) before «Комплектуется»,
    # «Недозвон» (10, cancel group) after «Выполнен»
    orders = wizard.orders_page
    listed = [orders.export_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(orders.export_list.count())]
    assert listed.index("new") < listed.index("waiting-supply") < listed.index("assembling")
    assert listed.index("assembling") < listed.index("send-to-delivery") < listed.index("complete")
    assert listed.index("complete") < listed.index("no-call")
    shipment = [orders.shipment_combo.itemData(i) for i in range(orders.shipment_combo.count())]
    assert shipment.index("new") < shipment.index("waiting-supply") < shipment.index("send-to-delivery")
    assert orders.shipment_combo.currentData() == "send-to-delivery"
    # every status is suggested a MoySklad one; a status left without one stands out and Next says what to fix
    assert orders.unmapped_rows() == []
    orders.map_status("waiting-supply", None)
    assert "waiting-supply" in orders.unmapped_rows()
    row = orders._rows["waiting-supply"]
    # tinted with background and text together (readable in a dark scheme too)
    assert orders.map_table.item(row, 0).background().color() == tone(UNMAPPED_EXPORTED_TONE).background
    assert orders.map_table.item(row, 0).foreground().color() == tone(UNMAPPED_EXPORTED_TONE).text
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == W.PAGE_ORDERS and "Ждём поставку" in orders.message.text()
    new_state = next(s.id for s in wizard.state.ms_account.states if s.name == "Новый")
    orders.map_status("waiting-supply", new_state)
    press_next(qtbot, wizard, W.PAGE_ORDER_LIFE)

    # after the order: returns, payments, order fields, statuses back
    life = wizard.order_life_page
    # returns: the cancel group's statuses are checked by default; a choice of one's own is saved as it is
    returns = {life.returns_list.item(i).data(Qt.ItemDataRole.UserRole): life.returns_list.item(i)
               for i in range(life.returns_list.count())}
    assert returns["no-call"].checkState() == Qt.CheckState.Checked
    assert returns["complete"].checkState() == Qt.CheckState.Unchecked
    assert life.return_statuses() is None
    returns["no-call"].setCheckState(Qt.CheckState.Unchecked)
    assert life.return_statuses() is not None and "no-call" not in life.return_statuses()
    # the statuses back are off and nothing is suggested for a shipment made in MoySklad
    assert not life.reverse_check.isChecked() and not life.shipped_combo.isEnabled()
    assert life.shipped_in_ms_status() is None
    press_next(qtbot, wizard, W.PAGE_FINISH)

    # the dry run starts by itself and tells the numbers
    finish = wizard.finish_page
    qtbot.waitUntil(finish.isComplete, timeout=60_000)
    report = wizard.state.dry_report
    assert report is not None and report.dry_run
    stats = report.plans[Flow.CATALOG].stats.as_dict()
    text = finish.summary.text()
    assert f"Found {stats['pairs']} pair" in text
    assert f"{stats['duplicates']} duplicate SKU" in text and stats["duplicates"] > 0
    assert f"{stats['only_in_moysklad']} only in MoySklad" in text
    assert memory_keyring.entries() == {}

    dialog = finish.review_conflicts()
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.tab.model.rowCount() > 0, timeout=10_000)
    kinds = {c.kind for c in dialog.tab.model.conflicts()}
    assert "duplicate_key" in kinds
    dialog.close()

    with qtbot.waitSignal(wizard.completed, timeout=20_000) as blocker:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    context: AppContext = blocker.args[0]
    db = context.db
    assert ready_profile_id(db) == context.profile_id
    saved = db.settings(context.profile_id).load_sync()
    assert saved == wizard.state.settings
    assert saved.stock_type == "freeStock" and saved.status_map["waiting-supply"] == new_state
    assert saved.return_statuses is not None and "no-call" not in saved.return_statuses
    assert saved.reverse_status_flow is False and saved.shipped_in_ms_status is None
    assert db.settings(context.profile_id).get(SETUP_DONE_KEY) is True
    entries = memory_keyring.entries()
    assert entries[(SERVICE_RETAILCRM, sandbox.retailcrm_url)] == sandbox.retailcrm.api_key
    assert entries[(SERVICE_MOYSKLAD, "token")] == sandbox.moysklad.token


def test_a_key_without_a_permission_names_it(qtbot, new_context, sandbox: Sandbox):
    sandbox.retailcrm.state.add_api_key("orders-only-key-123", {"order_read", "order_write", "reference_read"})
    wizard = make_wizard(qtbot, new_context)
    press_next(qtbot, wizard, W.PAGE_RETAILCRM)
    rc = wizard.retailcrm_page
    qtbot.keyClicks(rc.url_edit, sandbox.retailcrm_url)
    qtbot.keyClicks(rc.key_edit, "orders-only-key-123")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    wait_idle(qtbot, rc)
    assert wizard.currentId() == W.PAGE_RETAILCRM
    text = rc.message.text()
    assert rc.message.kind == "error"
    assert "store_read" in text and "store_write" in text and "customer_read" in text
    assert "read the catalog and stock" in text
    assert "orders-only-key-123" not in text


def test_cancel_keeps_nothing(qtbot, new_context, sandbox: Sandbox, memory_keyring: InMemoryKeyring):
    wizard = make_wizard(qtbot, new_context)
    connect_both(qtbot, wizard, sandbox)
    press_next(qtbot, wizard, W.PAGE_PRICES)
    press_next(qtbot, wizard, W.PAGE_ORDERS)
    wizard.orders_page.set_exported("waiting-supply", False)
    press_next(qtbot, wizard, W.PAGE_ORDER_LIFE)
    press_next(qtbot, wizard, W.PAGE_FINISH)
    qtbot.waitUntil(wizard.finish_page.isComplete, timeout=60_000)
    assert new_context.db.profiles.list(), "the dry run records into a provisional profile"
    wizard.reject()
    qtbot.waitUntil(lambda: not new_context.db.profiles.list(), timeout=10_000)
    assert memory_keyring.entries() == {}
    assert ready_profile_id(new_context.db) is None


def _match_stats(wizard: SetupWizard) -> dict:
    report = wizard.state.dry_report
    assert report is not None
    return report.plans[Flow.CATALOG].stats.as_dict()


def test_the_key_and_field_show_how_many_items_match(qtbot, new_context, sandbox: Sandbox):
    """«Совпало 12 из 300»: switching the RetailCRM field the code meets counts again, off the GUI thread."""
    wizard = make_wizard(qtbot, new_context)
    connect_both(qtbot, wizard, sandbox)
    press_next(qtbot, wizard, W.PAGE_PRICES)
    press_next(qtbot, wizard, W.PAGE_ORDERS)
    wizard.orders_page.set_exported("waiting-supply", False)
    press_next(qtbot, wizard, W.PAGE_ORDER_LIFE)
    press_next(qtbot, wizard, W.PAGE_FINISH)
    finish = wizard.finish_page
    qtbot.waitUntil(finish.isComplete, timeout=60_000)
    assert finish.field_combo.currentData() == "article" and not finish.property_edit.isVisible()

    finish.key_combo.setCurrentIndex(finish.key_combo.findData("code"))
    assert finish.busy, "the count is made by a dry run in the worker, not on the GUI thread"
    assert finish.field_combo.currentData() == "article"  # the usual field of the code, as before
    qtbot.waitUntil(finish.isComplete, timeout=60_000)
    by_article = _match_stats(wizard)
    assert f"Matched by this key: {by_article['key_matched']} of {by_article['ms_items']} MoySklad item" in (
        finish.match_label.text())

    finish.field_combo.setCurrentIndex(finish.field_combo.findData("property"))
    assert finish.property_edit.isVisible() and finish.property_edit.text() == "code"
    qtbot.waitUntil(finish.isComplete, timeout=60_000)
    by_property = _match_stats(wizard)
    assert by_property["key_matched"] > by_article["key_matched"]
    assert f"Matched by this key: {by_property['key_matched']} of {by_property['ms_items']}" in (
        finish.match_label.text())
    assert wizard.state.settings.match_key == "code" and wizard.state.settings.match_field == "property:code"

    # another key starts from its own usual field again
    finish.key_combo.setCurrentIndex(finish.key_combo.findData("article"))
    assert finish.field_combo.currentData() == "article" and wizard.state.settings.match_field is None
    qtbot.waitUntil(finish.isComplete, timeout=60_000)


def test_reopened_settings_are_prefilled_and_saved_again(qtbot, context: AppContext, sandbox: Sandbox):
    state = load_wizard_state(context, context.profile_id)
    saved_before = context.db.settings(context.profile_id).load_sync()
    wizard = make_wizard(qtbot, context, state)
    assert wizard.currentId() == W.PAGE_RETAILCRM
    rc = wizard.retailcrm_page
    assert rc.url_edit.text() == sandbox.retailcrm_url and rc.key_edit.text() == sandbox.retailcrm.api_key
    press_next(qtbot, wizard, W.PAGE_MOYSKLAD)
    assert wizard.moysklad_page.token_edit.text() == sandbox.moysklad.token
    press_next(qtbot, wizard, W.PAGE_WAREHOUSES)
    wh = wizard.warehouses_page
    assert sorted(wh.table.pairs()) == sorted((p.ms_store_id, p.rc_store_code) for p in saved_before.store_pairs)
    wh.free_radio.setChecked(True)
    press_next(qtbot, wizard, W.PAGE_PRICES)
    press_next(qtbot, wizard, W.PAGE_ORDERS)
    wizard.orders_page.set_exported("waiting-supply", False)
    press_next(qtbot, wizard, W.PAGE_ORDER_LIFE)
    press_next(qtbot, wizard, W.PAGE_FINISH)
    qtbot.waitUntil(wizard.finish_page.isComplete, timeout=60_000)
    with qtbot.waitSignal(wizard.completed, timeout=20_000):
        wizard.accept()
    saved = context.db.settings(context.profile_id).load_sync()
    assert saved.stock_type == "freeStock" and saved_before.stock_type == "stock"
    assert "waiting-supply" not in saved.export_statuses
    assert [p.id for p in context.db.profiles.list()] == [context.profile_id]


def test_login_and_password_issue_a_token_with_a_warning(
    qtbot, new_context, sandbox: Sandbox, memory_keyring: InMemoryKeyring
):
    wizard = make_wizard(qtbot, new_context)
    press_next(qtbot, wizard, W.PAGE_RETAILCRM)
    qtbot.keyClicks(wizard.retailcrm_page.url_edit, sandbox.retailcrm_url)
    qtbot.keyClicks(wizard.retailcrm_page.key_edit, sandbox.retailcrm.api_key)
    press_next(qtbot, wizard, W.PAGE_MOYSKLAD)
    ms = wizard.moysklad_page
    ms.login_radio.setChecked(True)
    assert ms.warning.isVisibleTo(wizard) and "отзывает" in ms.warning.text()
    qtbot.keyClicks(ms.login_edit, sandbox.moysklad.login)
    qtbot.keyClicks(ms.password_edit, sandbox.moysklad.password)
    ms.url_edit.setText(sandbox.moysklad_url)
    ms._edited()
    press_next(qtbot, wizard, W.PAGE_WAREHOUSES)
    assert wizard.state.moysklad_mode == MODE_LOGIN and wizard.state.obtained_token
    assert wizard.state.moysklad_account_name() == sandbox.moysklad.login
    assert memory_keyring.entries() == {}


def test_demo_choice_starts_the_demo_and_prefills(qtbot, new_context):
    from app.demo import start_demo
    from app.sandbox.sandbox import SandboxOptions

    sessions = []

    def starter():
        session = start_demo(SandboxOptions(products=40, orders=10, stores=2, rate_limit=False))
        sessions.append(session)
        return session

    wizard = SetupWizard(new_context, demo_starter=starter)
    wizard.confirm_cancel = lambda: True
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.welcome_page.demo_radio.setChecked(True)
    try:
        with qtbot.waitSignal(wizard.context_changed, timeout=30_000):
            qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.currentId() == W.PAGE_RETAILCRM, timeout=10_000)
        assert wizard.context.is_demo and wizard.context.db is not new_context.db
        assert wizard.retailcrm_page.url_edit.text() == sessions[0].retailcrm_url
        press_next(qtbot, wizard, W.PAGE_MOYSKLAD)
        press_next(qtbot, wizard, W.PAGE_WAREHOUSES)
    finally:
        wizard.reject()
        from app.ui.worker import wait_for_jobs

        wait_for_jobs()
        wizard.context.db.close()
        for session in sessions:
            session.stop()


def test_the_dry_run_reports_what_the_safety_check_would_stop(qtbot, context: AppContext, sandbox: Sandbox):
    # a seeded shop never links all of its catalog: a saved 100 % trips the "linked" guard
    repo = context.db.settings(context.profile_id)
    repo.save_sync(replace(repo.load_sync(), safety_min_linked_percent=100))
    wizard = make_wizard(qtbot, context, load_wizard_state(context, context.profile_id))
    for page in (W.PAGE_MOYSKLAD, W.PAGE_WAREHOUSES, W.PAGE_PRICES, W.PAGE_ORDERS):
        press_next(qtbot, wizard, page)
    wizard.orders_page.set_exported("waiting-supply", False)  # (no MoySklad status for it: asked otherwise)
    press_next(qtbot, wizard, W.PAGE_ORDER_LIFE)
    press_next(qtbot, wizard, W.PAGE_FINISH)
    finish = wizard.finish_page
    qtbot.waitUntil(finish.isComplete, timeout=60_000)
    report = wizard.state.dry_report
    assert report is not None and report.dry_run and not report.held  # a dry run only reports
    assert [t.guard for t in report.safety] == ["linked", "linked"]
    assert "the first sync will stop before writing and ask" in finish.summary.text()
    assert [t.msg.code for t in report.safety if t.msg] == ["safety.linked_ms", "safety.linked_rc"]
    assert finish.details.text().startswith("• ⚠ The match key «артикул» links only")  # the UI's language
    assert wizard.state.settings.safety_min_linked_percent == 100  # kept through the suggestions


def test_the_profile_keeps_the_moysklad_address_without_a_password_or_query():
    from app.ui.wizard.wizard import _stored_moysklad_url

    pasted = "http://user%40x:PASSWORD@127.0.0.1:8081/api/remap/1.2/?token=QUERY#top"
    assert _stored_moysklad_url(pasted) == "http://127.0.0.1:8081/api/remap/1.2"
    assert _stored_moysklad_url("http://api.moysklad.ru/api/remap/1.2") == "https://api.moysklad.ru/api/remap/1.2"
    garbage = _stored_moysklad_url("http://user:PASSWORD@🛒/x?token=QUERY")
    assert "PASSWORD" not in garbage and "QUERY" not in garbage


def test_the_order_life_page_shows_a_payment_document_per_payment_type(qtbot, new_context, sandbox: Sandbox):
    """Cash is suggested as a cash receipt, card and bank as incoming payments; the choice reaches the settings."""
    wizard = make_wizard(qtbot, new_context)
    connect_both(qtbot, wizard, sandbox)
    press_next(qtbot, wizard, W.PAGE_PRICES)
    press_next(qtbot, wizard, W.PAGE_ORDERS)
    wizard.orders_page.set_exported("waiting-supply", False)
    press_next(qtbot, wizard, W.PAGE_ORDER_LIFE)
    life = wizard.order_life_page
    assert life.payment_documents() == {"cash": "cashin", "bank-card": "paymentin", "bank-transfer": "paymentin"}
    life.set_payment_document("bank-transfer", "skip")
    press_next(qtbot, wizard, W.PAGE_FINISH)
    assert wizard.state.settings.payment_documents["bank-transfer"] == "skip"
    assert wizard.state.settings.payment_documents["cash"] == "cashin"
    leave_during_the_dry_run(qtbot, wizard)


def test_the_folder_tree_excludes_an_unchecked_folder_with_its_subfolders(qtbot):
    from app.clients.moysklad_models import ProductFolder
    from app.ui.wizard.folder_tree import FolderTree

    tree = FolderTree()
    qtbot.addWidget(tree)
    tree.fill([ProductFolder("sub", "Худи", parent_id="top"), ProductFolder("top", "Одежда"),
               ProductFolder("other", "Книги")], excluded=())
    assert tree.excluded() == ()  # everything by default
    top, sub = tree.item_of("top"), tree.item_of("sub")
    assert top is not None and sub is not None and sub.parent() is top
    top.setCheckState(0, Qt.CheckState.Unchecked)
    assert tree.excluded() == ("top",)  # its subfolders go with it
    assert sub.checkState(0) == Qt.CheckState.Unchecked and not sub.flags() & Qt.ItemFlag.ItemIsEnabled
    top.setCheckState(0, Qt.CheckState.Checked)
    assert tree.excluded() == () and sub.flags() & Qt.ItemFlag.ItemIsEnabled
    tree.fill([ProductFolder("sub", "Худи", parent_id="top"), ProductFolder("top", "Одежда")], excluded=("sub",))
    assert tree.excluded() == ("sub",)


def test_the_wizard_saves_the_folders_left_out(qtbot, context: AppContext, sandbox: Sandbox):
    folders = sandbox.moysklad.state.table("productfolder")
    wizard = make_wizard(qtbot, context, load_wizard_state(context, context.profile_id))
    press_next(qtbot, wizard, W.PAGE_MOYSKLAD)
    press_next(qtbot, wizard, W.PAGE_WAREHOUSES)
    page = wizard.warehouses_page
    assert page.folders_box.isVisibleTo(wizard) and page.folder_tree.excluded() == ()
    folder_id = next(iter(folders))
    item = page.folder_tree.item_of(folder_id)
    assert item is not None and item.text(0) == folders[folder_id]["name"]
    item.setCheckState(0, Qt.CheckState.Unchecked)
    press_next(qtbot, wizard, W.PAGE_PRICES)
    assert wizard.state.settings.excluded_folders == (folder_id,)


def test_a_required_moysklad_field_must_be_filled_before_going_on(qtbot, new_context, sandbox: Sandbox):
    """The order-life page lists MoySklad's order fields; a required one nothing fills keeps the wizard from going
    on (Next disabled, the page says which), and the choice reaches the settings."""
    ms = sandbox.moysklad.state
    delivery = ms.add_attribute("customerorder", "Способ доставки")["id"]
    note = ms.add_attribute("customerorder", "Примечание склада", required=True)["id"]
    ms.add_attribute("customerorder", "Скан договора", type_name="file")  # not offered: no row
    wizard = make_wizard(qtbot, new_context)
    connect_both(qtbot, wizard, sandbox)
    press_next(qtbot, wizard, W.PAGE_PRICES)
    press_next(qtbot, wizard, W.PAGE_ORDERS)
    orders = wizard.orders_page
    orders.set_exported("waiting-supply", False)
    assert orders.isComplete(), "the orders page no longer holds MoySklad's fields"
    press_next(qtbot, wizard, W.PAGE_ORDER_LIFE)
    life = wizard.order_life_page
    table = life.fields_table
    assert table.isVisible() and table.table.rowCount() == 2
    assert table.mapping()[delivery] == "field:deliveryType"  # suggested by its name
    assert table.missing_required() == ["Примечание склада"]
    assert not life.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert "Примечание склада" in life.problems.text()
    wizard.next()  # Enter, or a script: the page says it again and stays
    assert wizard.currentId() == W.PAGE_ORDER_LIFE and "Примечание склада" in life.message.text()

    table.set_source("Примечание склада", "const:Собрать до обеда")
    assert life.isComplete() and wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    press_next(qtbot, wizard, W.PAGE_FINISH)
    assert wizard.state.settings.order_attributes[note] == "const:Собрать до обеда"
    assert wizard.state.settings.order_attributes[delivery] == "field:deliveryType"
    leave_during_the_dry_run(qtbot, wizard)


def test_the_statuses_back_and_the_status_for_a_moysklad_shipment_reach_the_settings(
    qtbot, new_context, sandbox: Sandbox
):
    """«Статусы из МойСклад»: off by default with «не менять»; the box enables the status list (RetailCRM's
    statuses in the process order), and both choices reach the settings."""
    from app.sync.accounts import rc_statuses

    wizard = make_wizard(qtbot, new_context)
    connect_both(qtbot, wizard, sandbox)
    press_next(qtbot, wizard, W.PAGE_PRICES)
    press_next(qtbot, wizard, W.PAGE_ORDERS)
    wizard.orders_page.set_exported("waiting-supply", False)
    press_next(qtbot, wizard, W.PAGE_ORDER_LIFE)
    life = wizard.order_life_page
    combo = life.shipped_combo
    assert not life.reverse_check.isChecked() and not combo.isEnabled()
    assert combo.currentIndex() == 0 and combo.currentData() is None
    listed = [combo.itemData(i) for i in range(1, combo.count())]
    assert listed == [s.code for s in rc_statuses(wizard.state.rc_account) if s.active]
    assert listed.index("new") < listed.index("send-to-delivery") < listed.index("complete")

    life.reverse_check.setChecked(True)
    assert combo.isEnabled()
    life.set_shipped_in_ms_status("send-to-delivery")
    life.reverse_check.setChecked(False)
    assert not combo.isEnabled() and combo.currentData() == "send-to-delivery"  # kept while off
    # a click on the box (its left end: the box, not the empty width after the text)
    qtbot.mouseClick(life.reverse_check, Qt.MouseButton.LeftButton, pos=QPoint(6, life.reverse_check.height() // 2))
    assert life.reverse_check.isChecked() and combo.isEnabled()
    press_next(qtbot, wizard, W.PAGE_FINISH)
    settings = wizard.state.settings
    assert settings.reverse_status_flow is True and settings.shipped_in_ms_status == "send-to-delivery"
    leave_during_the_dry_run(qtbot, wizard)


def test_a_reopened_profile_shows_its_order_life_choices_and_saves_them_unchanged(
    qtbot, context: AppContext, sandbox: Sandbox
):
    repo = context.db.settings(context.profile_id)
    repo.save_sync(replace(repo.load_sync(), reverse_status_flow=True, shipped_in_ms_status="complete",
                           return_statuses=("no-call",), payment_documents={"cash": "skip"}))
    before = repo.load_sync()
    wizard = make_wizard(qtbot, context, load_wizard_state(context, context.profile_id))
    for page in (W.PAGE_MOYSKLAD, W.PAGE_WAREHOUSES, W.PAGE_PRICES, W.PAGE_ORDERS):
        press_next(qtbot, wizard, page)
    wizard.orders_page.set_exported("waiting-supply", False)  # (no MoySklad status for it: asked otherwise)
    press_next(qtbot, wizard, W.PAGE_ORDER_LIFE)
    life = wizard.order_life_page
    assert life.reverse_check.isChecked() and life.shipped_combo.isEnabled()
    assert life.shipped_in_ms_status() == "complete"
    assert life.return_statuses() == ("no-call",)
    assert life.payment_documents()["cash"] == "skip"
    press_next(qtbot, wizard, W.PAGE_FINISH)
    qtbot.waitUntil(wizard.finish_page.isComplete, timeout=60_000)
    with qtbot.waitSignal(wizard.completed, timeout=20_000):
        wizard.accept()
    saved = repo.load_sync()
    # nothing else changed: what was saved before comes back, but for the one status no longer exported
    exported = tuple(code for code in before.export_statuses if code != "waiting-supply")
    assert saved == replace(before, export_statuses=exported, payment_documents=saved.payment_documents)
    assert saved.payment_documents["cash"] == "skip"
