"""Additional fields of customer orders over HTTP (app/sync/orders/attributes.py): the metadata read, each
source filled into MoySklad's order, the delivery/payment line, and a required field nothing fills: a conflict,
no retry while nothing changed, then sent once mapped (or made optional) and the conflict closed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.sync.orders.attributes import suggest_source
from app.vocab import ConflictKind
from tests.sync.orders.support import OrdEnv, linked_offer_ids, new_order, ord_environment


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment() as env:
        yield env


def _values(order: dict[str, Any]) -> dict[str, Any]:
    return {a["name"]: a["value"] for a in order.get("attributes", [])}


def _creates(env: OrdEnv, since: int) -> list[Any]:
    return [e for e in env.writes(since) if e.service == "moysklad" and e.path.endswith("entity/customerorder")]


def test_the_metadata_is_read_typed(ord_env: OrdEnv) -> None:
    env = ord_env
    env.ms_state.add_attribute("customerorder", "Канал продаж", required=True)
    env.ms_state.add_attribute("customerorder", "Вес", type_name="double")

    found = {a.name: a for a in env.moysklad.attributes("customerorder")}

    assert found["Канал продаж"].required and found["Канал продаж"].type == "string"
    assert not found["Вес"].required and found["Вес"].type == "double"
    assert suggest_source(found["Канал продаж"]) == "field:orderMethod"


def test_each_source_goes_into_the_order_by_name(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()  # the seeded orders first: the new one below is what this test looks at
    add = env.ms_state.add_attribute
    ids = {
        "Способ доставки": add("customerorder", "Способ доставки")["id"],
        "Способ оплаты": add("customerorder", "Способ оплаты", type_name="text")["id"],
        "Канал продаж": add("customerorder", "Канал продаж", required=True)["id"],
        "Сайт": add("customerorder", "Сайт")["id"],
        "Менеджер": add("customerorder", "Менеджер")["id"],
        "Номер в CRM": add("customerorder", "Номер в CRM")["id"],
        "Вес": add("customerorder", "Вес", type_name="double")["id"],
        "Подарок": add("customerorder", "Подарок", type_name="boolean")["id"],
        "Срок": add("customerorder", "Срок", type_name="time")["id"],
        "Источник": add("customerorder", "Источник")["id"],
        "Пусто": add("customerorder", "Пусто")["id"],
    }
    env.configure(order_attributes={
        ids["Способ доставки"]: "field:deliveryType",
        ids["Способ оплаты"]: "field:paymentType",
        ids["Канал продаж"]: "field:orderMethod",
        ids["Сайт"]: "field:site",
        ids["Менеджер"]: "field:manager",
        ids["Номер в CRM"]: "field:number",
        ids["Вес"]: "field:customFields.weight",
        ids["Подарок"]: "const:да",
        ids["Срок"]: "field:customFields.due",
        ids["Источник"]: "const:" + "Я" * 300,
        ids["Пусто"]: "none",
    })
    created = new_order(env, None, linked_offer_ids(env)[:1], firstName="Ада", lastName="Лавлейс",
                        orderMethod="phone", managerId=7, customFields={"weight": "1,5", "due": "2026-12-31"},
                        payments=[{"type": "cash"}])

    report = env.run()

    assert report.ok, env.messages()
    order = env.ms_order(created["id"])
    values = _values(order)
    assert values["Способ доставки"] == "Доставка курьером"  # names, not codes
    assert values["Способ оплаты"] == "Наличные"
    assert values["Канал продаж"] == "По телефону"
    site_names = {s.code: s.name for s in env.retailcrm.sites()}
    assert values["Сайт"] == site_names[created["site"]]
    assert values["Менеджер"] == "Смирнова Ольга"  # «Фамилия Имя» from /api/v5/users
    assert values["Номер в CRM"] == created["number"]
    assert values["Вес"] == 1.5
    assert values["Подарок"] is True
    assert values["Срок"] == "2026-12-31 00:00:00"
    assert len(values["Источник"]) == 255  # shortened to a string field's limit, and said so
    assert "Пусто" not in values
    assert any("сокращено до 255" in m for m in env.messages())
    # the delivery and payment types also go as a line of the description, without any mapping
    assert "Доставка: Доставка курьером; оплата: Наличные" in order["description"]

    # a changed value updates the order (the fingerprint follows the attributes); nothing changed: no write
    since = env.log_size()
    env.run()
    assert not [e for e in env.writes(since) if e.service == "moysklad"]
    _edit(env, created, {"orderMethod": "messenger"})
    env.run()
    assert _values(env.ms_order(created["id"]))["Канал продаж"] == "Мессенджер"


def _edit(env: OrdEnv, order: dict[str, Any], fields: dict[str, Any]) -> None:
    import json

    import httpx

    sb = env.sandbox
    with httpx.Client(base_url=sb.retailcrm_url, headers={"X-API-KEY": sb.retailcrm.other_api_key}) as http:
        answer = http.post(f"/api/v5/orders/{order['id']}/edit",
                           data={"by": "id", "site": order["site"], "order": json.dumps(fields)})
        assert answer.json()["success"], answer.text


def test_an_unparsable_number_is_bad_data_not_a_refusal(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    weight = env.ms_state.add_attribute("customerorder", "Вес", type_name="long")["id"]
    env.configure(order_attributes={weight: "field:customFields.weight"})
    created = new_order(env, None, linked_offer_ids(env)[:1], firstName="Ия", customFields={"weight": "много"})

    since = env.log_size()
    env.run()

    assert env.ms_state.find_customer_orders(external_code=str(created["id"])) == []
    assert not _creates(env, since)  # nothing sent to be refused
    conflict = env.db.conflicts(env.profile_id).get_by_key(ConflictKind.BAD_DATA, f"bad_data:order:{created['id']}")
    assert conflict is not None and "целое число" in conflict.title


def test_a_required_field_nothing_fills_is_a_conflict_not_a_retry(ord_env: OrdEnv) -> None:
    env = ord_env
    attribute = env.ms_state.add_attribute("customerorder", "Канал продаж", required=True)

    env.run()  # every create refused: one conflict names the field and lists the orders

    assert env.ms_orders() == []
    (conflict,) = env.conflicts(ConflictKind.REQUIRED_ATTRIBUTE)
    assert conflict.key == "required_attribute:Канал продаж"
    assert conflict.rc_data["field"] == "Канал продаж" and len(conflict.rc_data["order_ids"]) > 20
    assert "мастере настройки" in conflict.title and "--order-attribute" in conflict.title
    waiting = set(conflict.rc_data["order_ids"])

    # nothing changed: the orders wait without a create (and a new order waits with them)
    created = new_order(env, None, linked_offer_ids(env)[:1], firstName="Ия", orderMethod="phone")
    since = env.log_size()
    env.run()
    assert not _creates(env, since)
    (conflict,) = env.conflicts(ConflictKind.REQUIRED_ATTRIBUTE)
    assert created["id"] in conflict.rc_data["order_ids"]
    assert waiting <= set(conflict.rc_data["order_ids"])

    # mapped: the next run sends them with the field filled, and the conflict closes itself
    env.configure(order_attributes={attribute["id"]: "const:Интернет-магазин"})
    env.run()
    assert not env.conflicts(ConflictKind.REQUIRED_ATTRIBUTE)
    orders = {o["externalCode"]: o for o in env.ms_orders()}
    assert str(created["id"]) in orders and len(orders) > 20
    assert all(_values(o)["Канал продаж"] == "Интернет-магазин" for o in orders.values())


def test_a_required_field_made_optional_lets_the_orders_go(ord_env: OrdEnv) -> None:
    env = ord_env
    env.ms_state.add_attribute("customerorder", "Канал продаж", required=True)
    env.run()
    assert env.conflicts(ConflictKind.REQUIRED_ATTRIBUTE)

    env.ms_state.set_attribute_required("customerorder", "Канал продаж", False)
    env.run()

    assert not env.conflicts(ConflictKind.REQUIRED_ATTRIBUTE)
    assert len(env.ms_orders()) > 20


def _dictionary_reads(env: OrdEnv, since: int, dictionary_id: str) -> int:
    return sum(1 for e in env.sandbox.log.entries()[since:]
               if e.service == "moysklad" and e.method == "GET" and f"entity/customentity/{dictionary_id}" in e.path)


def test_a_dictionary_field_takes_the_element_named_like_the_delivery_type(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    dictionary = env.ms_state.add_dictionary("Способы доставки", ["Доставка курьером", "Почта России"])
    attribute = env.ms_state.add_attribute("customerorder", "Доставка", type_name="customentity",
                                           dictionary=dictionary["id"])
    env.configure(order_attributes={attribute["id"]: "field:deliveryType"})
    offers = linked_offer_ids(env)[:1]
    first = new_order(env, None, offers, firstName="Ада")
    second = new_order(env, None, offers, firstName="Ия", delivery={"code": "russian-post"})
    missing = new_order(env, None, offers, firstName="Ян", delivery={"code": "self-delivery"})

    since = env.log_size()
    report = env.run()

    assert report.ok, env.messages()
    elements = {e["name"]: e for e in dictionary["elements"]}
    courier = _values(env.ms_order(first["id"]))["Доставка"]
    assert courier["meta"]["href"] == elements["Доставка курьером"]["meta"]["href"]
    assert courier["name"] == "Доставка курьером"
    assert _values(env.ms_order(second["id"]))["Доставка"]["name"] == "Почта России"
    # no element «Самовывоз»: the order goes without the field (it is optional), and the log says what to do
    assert "Доставка" not in _values(env.ms_order(missing["id"]))
    assert any("нет элемента «Самовывоз»" in m and "добавьте его в справочник" in m for m in env.messages())
    assert _dictionary_reads(env, since, dictionary["id"]) == 1  # once a run, however many orders

    since = env.log_size()
    env.run()  # nothing changed: nothing sent (the seeded orders that wait are looked at again: one read at most)
    assert not [e for e in env.writes(since) if e.service == "moysklad"]
    assert _dictionary_reads(env, since, dictionary["id"]) <= 1


def test_a_required_dictionary_field_without_the_element_waits_without_a_refusal_loop(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    dictionary = env.ms_state.add_dictionary("Способы доставки", ["Доставка курьером"])
    attribute = env.ms_state.add_attribute("customerorder", "Доставка", type_name="customentity",
                                           dictionary=dictionary["id"], required=True)
    env.configure(order_attributes={attribute["id"]: "field:deliveryType"})
    created = new_order(env, None, linked_offer_ids(env)[:1], firstName="Ян", delivery={"code": "self-delivery"})

    for _ in range(2):  # neither run sends what MoySklad would refuse
        since = env.log_size()
        env.run()
        assert not _creates(env, since)
        assert not [e for e in env.sandbox.log.entries()[since:] if e.service == "moysklad" and e.status == 412]
        assert env.ms_state.find_customer_orders(external_code=str(created["id"])) == []
    assert any("нет элемента «Самовывоз»" in m for m in env.messages())
    key = f"bad_data:order:{created['id']}"
    conflict = env.db.conflicts(env.profile_id).get_by_key(ConflictKind.BAD_DATA, key)
    assert conflict is not None and conflict.status == "open" and "«Доставка»" in conflict.title

    # the element added to the dictionary: the next run finds it and sends the order
    env.ms_state.add_dictionary_element(dictionary["id"], "Самовывоз")
    env.run()
    assert _values(env.ms_order(created["id"]))["Доставка"]["name"] == "Самовывоз"


def _users_reads(env: OrdEnv, since: int) -> int:
    return sum(1 for e in env.sandbox.log.entries()[since:] if e.service == "retailcrm" and "/api/v5/users" in e.path)


def test_the_manager_goes_by_name_read_once_a_run(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    manager = env.ms_state.add_attribute("customerorder", "Менеджер")["id"]
    note = env.ms_state.add_attribute("customerorder", "Номер в CRM")["id"]
    offers = linked_offer_ids(env)[:1]
    newcomer = env.rc_state.add_user("Борис", "Новиков")

    # the mapping does not use the manager: the users are not read at all
    env.configure(order_attributes={note: "field:number"})
    new_order(env, None, offers, firstName="Ия", managerId=9)
    since = env.log_size()
    env.run()
    assert _users_reads(env, since) == 0

    env.configure(order_attributes={manager: "field:manager"})
    orders = [new_order(env, None, offers, firstName=name, managerId=manager_id)
              for name, manager_id in (("Ада", 7), ("Ян", 9), ("Ева", 12), ("Лев", newcomer), ("Ия", 7))]
    since = env.log_size()
    report = env.run()

    assert report.ok, env.messages()
    names = [_values(env.ms_order(o["id"])).get("Менеджер") for o in orders]
    # 12 has a first name only (as the recorded user of the official client)
    assert names == ["Смирнова Ольга", "Кузнецов Дмитрий", "Алина", "Новиков Борис", "Смирнова Ольга"]
    assert _users_reads(env, since) == 1  # one walk of the list names every manager of the run


def test_a_key_without_user_read_sends_the_id_and_says_which_right(ord_env: OrdEnv) -> None:
    from app.sandbox.retailcrm import ALL_SCOPES

    env = ord_env
    env.run()
    manager = env.ms_state.add_attribute("customerorder", "Менеджер")["id"]
    env.configure(order_attributes={manager: "field:manager"})
    env.rc_state.add_api_key(env.sandbox.retailcrm.api_key, scopes=[s for s in ALL_SCOPES if s != "user_read"])
    first = new_order(env, None, linked_offer_ids(env)[:1], firstName="Ада", managerId=7)
    second = new_order(env, None, linked_offer_ids(env)[:1], firstName="Ян", managerId=9)

    report = env.run()

    assert report.ok, env.messages()
    assert _values(env.ms_order(first["id"]))["Менеджер"] == "7"
    assert _values(env.ms_order(second["id"]))["Менеджер"] == "9"
    warnings = [e for e in env.events if e.code == "order_sources.managers_refused"]
    assert len(warnings) == 1 and warnings[0].level == "warning" and "user_read" in warnings[0].message
    assert [e.level for e in env.events if e.code == "order_sources.managers_as_ids"] == ["debug"]
