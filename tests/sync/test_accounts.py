"""Connection checks and suggested settings, against the sandbox over HTTP."""

from __future__ import annotations

import pytest

from app.clients.errors import SettingsError
from app.clients.moysklad import MoySkladClient
from app.clients.retailcrm import RetailCrmClient
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store.settings import SyncSettings
from app.sync.accounts import check_moysklad, check_retailcrm, suggest_settings


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(products=40, orders=10, rate_limit=False)) as sb:
        yield sb


@pytest.fixture
def accounts(sandbox):
    with RetailCrmClient(sandbox.retailcrm_url, sandbox.retailcrm.api_key) as rc, MoySkladClient(
        sandbox.moysklad.token, base_url=sandbox.moysklad_url
    ) as ms:
        yield check_retailcrm(rc), check_moysklad(ms)


def test_accounts_list_what_the_settings_need(accounts, sandbox):
    rc, ms = accounts
    assert rc.site_codes == (sandbox.shop.site_code,)
    assert {s.code for s in rc.stores} == {s.rc_code for s in sandbox.shop.stores}
    assert {o.name for o in ms.organizations} == {sandbox.shop.organization_name}
    assert {s.name for s in ms.stores} == {s.ms_name for s in sandbox.shop.stores}
    assert {s.name for s in ms.states} == {s.name for s in sandbox.shop.states}


def test_suggestion_pairs_everything_a_person_would(accounts, sandbox):
    rc, ms = accounts
    suggestion = suggest_settings(rc, ms)
    settings = suggestion.settings
    assert settings.organization_name == sandbox.shop.organization_name
    # every warehouse pairs by name (Склад Москва-Юг ↔ Москва-Юг), every price type too
    assert {(p.ms_store_name, p.rc_store_code) for p in settings.store_pairs} == {
        (s.ms_name, s.rc_code) for s in sandbox.shop.stores
    }
    assert {p.rc_price_code for p in settings.price_pairs} == {p.rc_code for p in sandbox.shop.price_types}
    names = {code: settings.state_names.get(state) for code, state in settings.status_map.items() if state}
    assert names["new"] == "Новый"
    assert names["assembling"] == "Сборка"
    assert names["send-to-delivery"] == "Отгружен"
    assert names["cancel-other"] == "Отменен"
    # the shop's own status (990 in the approval group) means what its group means; «Недозвон» is cancelled
    assert names["waiting-supply"] == "Подтвержден" and names["no-call"] == "Отменен"
    assert not suggestion.problems
    assert "cancel-other" not in settings.export_statuses and "new" in settings.export_statuses
    assert "no-call" not in settings.export_statuses and "waiting-supply" in settings.export_statuses
    # in the process order (group, then status in the group), not by the bare ``ordering`` that restarts in
    # every group: «Ждём поставку» (990) comes before «Комплектуется» (20), «Недозвон» (10) after «Выполнен»
    export = list(settings.export_statuses)
    assert export.index("new") < export.index("waiting-supply") < export.index("assembling")
    assert export.index("assembling") < export.index("send-to-delivery") < export.index("complete")
    assert settings.shipment_status == "send-to-delivery"
    assert settings.reverse_status_map[settings.status_map["new"]] == "new"
    # MoySklad «Отменен» goes back as «Отменен», though «Недозвон» heads the cancel group
    assert settings.reverse_status_map[settings.status_map["cancel-other"]] == "cancel-other"
    assert settings.reverse_status_map[settings.status_map["client-confirmed"]] == "client-confirmed"


def test_choices_already_made_are_kept(accounts):
    rc, ms = accounts
    base = SyncSettings(export_statuses=("complete",), match_key="barcode", stock_type="freeStock")
    settings = suggest_settings(rc, ms, base=base).settings
    assert settings.export_statuses == ("complete",)
    assert (settings.match_key, settings.stock_type) == ("barcode", "freeStock")


def test_a_key_without_store_rights_is_named(sandbox):
    sandbox.retailcrm.state.add_api_key("orders-only-key-123", {"order_read", "order_write", "reference_read"})
    with RetailCrmClient(sandbox.retailcrm_url, "orders-only-key-123") as rc, pytest.raises(SettingsError) as err:
        check_retailcrm(rc)
    assert "store_read" in err.value.message and "store_write" in err.value.message
    assert "orders-only-key-123" not in err.value.message
