"""customers/history records the changes Svyazka keeps counterparties current with (phones, e-mail, address,
contragent details), in the recorded shape (fixture Customers/testCustomersHistory.json: one record per phone
number with plain string values, ``address.<part>`` with ``address{id,isMain}``), and ``apiKey.current`` false
for a change made with the account's other key."""

from __future__ import annotations

from tests.recorded import recorded


def test_changes_made_with_the_other_key_in_the_recorded_shape(api, make_api, emulator) -> None:
    created = api.post("/api/v5/customers/create", customer={
        "firstName": "Ян", "phones": [{"number": "+79990000001"}],
        "contragent": {"contragentType": "legal-entity", "INN": "7701234567", "legalName": "ООО «Ян»"}}).json()
    start = emulator.state.counts()["customer_history"]
    other = make_api(emulator.other_api_key)
    edited = other.post(f"/api/v5/customers/{created['id']}/edit", by="id", customer={
        "phones": [{"number": "+79990000002"}, {"number": "+79990000003"}], "email": "yan@example.ru",
        "address": {"city": "Омск", "street": "Ленина"},
        "contragent": {"INN": "7707654321", "KPP": "770701001", "legalName": "ООО «Ян и К»"}})
    assert edited.status_code == 200, edited.text

    records = api.get("/api/v5/customers/history", params={"filter[sinceId]": start, "limit": 100}).json()["history"]
    by_field: dict[str, list[dict]] = {}
    for record in records:
        by_field.setdefault(record["field"], []).append(record)
    assert [(r["oldValue"], r["newValue"]) for r in by_field["phones"]] == [
        ("+79990000001", "+79990000002"), (None, "+79990000003")]
    assert by_field["email"][0]["newValue"] == "yan@example.ru"
    assert by_field["address.city"][0]["address"]["isMain"] is True
    assert (by_field["contragent.i_n_n"][0]["oldValue"], by_field["contragent.i_n_n"][0]["newValue"]) == (
        "7701234567", "7707654321")
    assert by_field["contragent.k_p_p"][0]["newValue"] == "770701001"
    assert by_field["contragent.legal_name"][0]["newValue"] == "ООО «Ян и К»"
    assert all(r["source"] == "api" and r["apiKey"] == {"current": False} for r in records)
    # the same keys and JSON types as the recorded phones change of a real account
    real = next(r for r in recorded("Customers/testCustomersHistory.json")["history"] if r["field"] == "phones")
    ours = by_field["phones"][1]
    assert set(ours) == set(real) and isinstance(ours["newValue"], type(real["newValue"]))
