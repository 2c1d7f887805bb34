"""PersonalMasker (app/redact.py): e-mails, phones and people's names go; dates, ids, products and statuses stay."""

from __future__ import annotations

from app.redact import PERSON_MASK, PersonalMasker


def test_people_are_masked_and_the_rest_stays() -> None:
    mask = PersonalMasker({"Иванов Иван"})
    assert mask("Клиент «Пётр Сидоров»: найден по телефону") == f"Клиент «{PERSON_MASK}»: найден по телефону"
    assert mask("Создан контрагент «ООО «Ромашка»» в МойСклад.") == f"Создан контрагент «{PERSON_MASK}» в МойСклад."
    assert mask("заказ от иванов иван") == f"заказ от {PERSON_MASK}"
    assert mask("пишите a.b-c@example.co.uk") == f"пишите {PERSON_MASK}"
    for phone in ("+7 (900) 300-50-69", "89003005069", "+79003005069", "8 900 300 50 69"):
        assert mask(f"тел. {phone}.") == f"тел. {PERSON_MASK}.", phone
    kept = ("2026-12-03 21:55:42,123 12345 INFO app.sync: заказ 8123522898559160, offer 500125, id 1234567890",
            "Связаны: «Худи «Уют» (XL)» в МойСклад и предложение RetailCRM 500125",
            "Заказ 1024 → МойСклад: создан заказ покупателя 00012, статус «Новый»")
    for line in kept:
        assert mask(line) == line
