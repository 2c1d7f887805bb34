from __future__ import annotations

import enum

import pytest

from app.store import Database, PricePair, Profile, SettingsError, StorePair, SyncSettings


def _full_settings() -> SyncSettings:
    return SyncSettings(
        organization_id="org-1",
        organization_name="ООО Ромашка",
        store_pairs=(StorePair("st-1", "Основной склад", "main"),),
        price_pairs=(PricePair("pt-1", "Цена продажи", "base"),),
        status_map={"new": "state-new", "assembling": "state-asm", "draft": None},
        state_names={"state-new": "Новый", "state-asm": "Сборка"},
        reverse_status_map={"state-asm": "assembling"},
        export_statuses=("new", "assembling"),
        shipment_status="send-to-delivery",
        match_key="external-code",
        master="retailcrm",
        stock_type="freeStock",
        catalog_mode="icml",
        retailcrm_site="shop",
        schedule_minutes=30,
        stock_schedule_minutes=0,
        reverse_status_flow=True,
        delivery_service_name="Курьер",
        first_sync_days=7,
    )


def test_defaults_when_nothing_was_saved(db: Database, profile: Profile) -> None:
    loaded = db.settings(profile.id).load_sync()
    assert loaded == SyncSettings()
    assert loaded.match_key == "article" and loaded.master == "moysklad"
    assert loaded.export_statuses == ()  # nothing is exported until statuses are chosen
    assert loaded.first_sync_days == 30  # a first sync takes the last month of orders, not years of them


def test_round_trip_through_the_database(db: Database, profile: Profile) -> None:
    original = _full_settings()
    db.settings(profile.id).save_sync(original)
    loaded = db.settings(profile.id).load_sync()
    assert loaded == original
    assert loaded.store_pairs[0].rc_store_code == "main"
    assert loaded.price_pairs[0].ms_price_type_name == "Цена продажи"
    assert loaded.status_map["draft"] is None
    assert loaded.first_sync_days == 7 and db.settings(profile.id).get("sync")["first_sync_days"] == 7


def test_unknown_keys_survive_a_save_by_this_version(db: Database, profile: Profile) -> None:
    repo = db.settings(profile.id)
    repo.set("sync", {**_full_settings().to_json(), "future_option": {"x": 1}})
    loaded = repo.load_sync()
    assert loaded == _full_settings()
    assert loaded.extra == {"future_option": {"x": 1}}
    repo.save_sync(loaded)
    assert repo.get("sync")["future_option"] == {"x": 1}


def test_pairs_may_be_stored_as_plain_lists() -> None:
    loaded = SyncSettings.from_json(
        {"store_pairs": [["st-1", "Склад", "main"]], "price_pairs": [["pt", "Цена", "base"]]}
    )
    assert loaded.store_pairs == (StorePair("st-1", "Склад", "main"),)
    assert loaded.price_pairs == (PricePair("pt", "Цена", "base"),)


def test_an_enum_match_key_is_accepted() -> None:
    class MatchKey(enum.Enum):
        CODE = "code"

    assert SyncSettings(match_key=MatchKey.CODE).match_key == "code"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"match_key": "sku"}, "«ключ сопоставления» имеет неизвестное значение «sku»"),
        ({"master": "excel"}, "«главная система для товаров»"),
        ({"stock_type": "reserve"}, "«вид остатка»"),
        ({"schedule_minutes": -5}, "«интервал синхронизации» должна быть целым числом минут"),
        ({"schedule_minutes": "15"}, "«интервал синхронизации»"),
        ({"store_pairs": [{"ms_store_id": "st-1"}]}, "«пары складов» содержит неполную запись"),
        ({"status_map": ["new"]}, "«соответствие статусов»"),
        ({"export_statuses": "new"}, "«статусы для выгрузки»"),
        ({"reverse_status_flow": "yes"}, "«обратная передача статусов»"),
        ({"first_sync_days": -1}, "«период заказов для первой синхронизации» должна быть целым числом дней"),
        ({"first_sync_days": "30"}, "«период заказов для первой синхронизации»"),
        ({"first_sync_days": True}, "(0 — без ограничения)"),
    ],
)
def test_bad_values_raise_a_clear_settings_error(db: Database, profile: Profile, data: dict, words: str) -> None:
    db.settings(profile.id).set("sync", data)
    with pytest.raises(SettingsError) as caught:
        db.settings(profile.id).load_sync()
    message = str(caught.value)
    assert message.startswith("Настройка ") and words in message
    assert "Откройте настройки" in message
    (setting,) = data
    assert setting not in message  # named by its label on the settings page, not by its code name


def test_first_sync_days_zero_means_no_limit_and_old_saves_get_the_default() -> None:
    assert SyncSettings(first_sync_days=0).first_sync_days == 0
    saved_by_an_older_version = {k: v for k, v in _full_settings().to_json().items() if k != "first_sync_days"}
    assert SyncSettings.from_json(saved_by_an_older_version).first_sync_days == 30
    assert SyncSettings.from_json(_full_settings().to_json()).first_sync_days == 7


def test_generic_settings_are_per_profile(db: Database, profile: Profile) -> None:
    other = db.profiles.create("Other", "https://o.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "token")
    db.settings(profile.id).set("ui.last_tab", "log")
    db.settings(profile.id).set("ui.columns", [1, 2, 3])
    assert db.settings(profile.id).all() == {"ui.last_tab": "log", "ui.columns": [1, 2, 3]}
    assert db.settings(other.id).get("ui.last_tab", "default") == "default"
    db.settings(profile.id).delete("ui.last_tab")
    assert db.settings(profile.id).get("ui.last_tab") is None
