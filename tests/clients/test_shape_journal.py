"""The answer-shape journal: shapes and the allow-listed codes only, bounded, merged across runs, and cheap on
MoySklad's raw list answers (only their head is decoded)."""

from __future__ import annotations

import json

from app.clients import shape_journal as sj
from app.clients.shape_journal import ShapeJournal, endpoint_label, journal_path, load

ORDER = {
    "success": True,
    "orders": [
        {"id": 8123522898559160, "number": "1024C", "status": "new", "firstName": "Андрей", "email": "a@b.ru",
         "phone": "89003005069", "summ": 1520.5, "customerComment": "", "managerComment": None,
         "payments": {"4562": {"id": 4562, "status": "paid", "type": "cash", "amount": 100}},
         "items": []},
    ],
}


def _text(journal: ShapeJournal) -> str:
    return json.dumps(journal.snapshot(), ensure_ascii=False)


def test_keys_types_empty_null_and_codes_but_no_values(tmp_path) -> None:
    journal = ShapeJournal(journal_path(tmp_path, 1))
    journal.note("retailcrm", "GET orders", 200, {"Content-Encoding": "gzip", "X-Other": "v"}, ORDER)
    entry = journal.snapshot()["services"]["retailcrm"]["GET orders"]
    order = entry["body"]["keys"]["orders"]["items"]["keys"]
    assert order["status"]["values"] == {"new": 1}
    assert order["customerComment"]["types"] == {"empty string": 1}
    assert order["managerComment"]["types"] == {"null": 1}
    assert order["items"]["types"] == {"empty array": 1}
    payment = order["payments"]["items"]["keys"]  # keyed by id: a map, its keys not kept
    assert order["payments"]["map"] and set(payment["type"]["values"]) == {"cash"}
    assert entry["headers"] == {"content-encoding": {"count": 1, "values": {"gzip": 1}}}
    text = _text(journal)
    for value in ("Андрей", "a@b.ru", "89003005069", "1520.5", "1024C", "4562", "8123522898559160"):
        assert value not in text


def test_error_codes_and_statuses_are_counted(tmp_path) -> None:
    journal = ShapeJournal()
    body = {"errors": [{"error": "Ошибка", "code": 1049, "parameter": "name"}]}
    journal.note("moysklad", "POST entity/customerorder", 412, {}, body)
    journal.note("moysklad", "POST entity/customerorder", 412, {}, body)
    entry = journal.snapshot()["services"]["moysklad"]["POST entity/customerorder"]
    assert entry["statuses"] == {"412": 2} and entry["errors"] == {"1049": 2}


def test_endpoints_never_carry_ids() -> None:
    assert endpoint_label("GET entity/product/0f5b6bb5-1c2d-11ee-0a80-0d3b00000001") == "GET entity/product/{id}"
    assert endpoint_label("POST orders/8123522898559160/edit") == "POST orders/{id}/edit"


def test_a_raw_list_answer_is_sampled_from_its_head() -> None:
    rows = [{"id": str(i), "name": f"Товар {i}", "meta": {"type": "product"}} for i in range(5000)]
    rows[3000]["rare"] = True  # far down the answer: not decoded
    body = json.dumps({"context": {}, "meta": {"size": 5000, "type": "product"}, "rows": rows}).encode()
    sampled = sj._sample_raw(body)
    assert len(sampled["rows"]) == sj.RAW_ROWS and sampled["meta"]["size"] == 5000
    journal = ShapeJournal()
    journal.note("moysklad", "GET entity/product", 200, {}, body)
    item = journal.snapshot()["services"]["moysklad"]["GET entity/product"]["body"]["keys"]["rows"]["items"]
    assert "rare" not in item["keys"] and item["types"] == {"object": sj.RAW_ROWS}


def test_values_and_nodes_are_capped_and_runs_merge(tmp_path) -> None:
    path = journal_path(tmp_path, 7)
    for run in range(3):
        journal = ShapeJournal(path)
        for i in range(30):
            journal.note("retailcrm", "GET x", 200, {}, {"type": f"code-{run}-{i}", f"key{run}_{i}": 1})
        assert journal.save() == path
    entry = load(path)["services"]["retailcrm"]["GET x"]
    assert entry["answers"] == 90
    codes = entry["body"]["keys"]["type"]
    assert len(codes["values"]) == sj.MAX_VALUES and codes["values_capped"]
    # every answer counted; bodies shaped: the first SHAPED_ANSWERS of a run, then one in SHAPE_EVERY (the 30th)
    assert len(entry["body"]["keys"]) == 1 + 3 * (sj.SHAPED_ANSWERS + 1)  # every run's keys, merged
    big = ShapeJournal(path)
    big.note("retailcrm", "GET x", 200, {}, {f"k{i}": 1 for i in range(sj.MAX_NODES + 10)})
    big.save()
    entry = load(path)["services"]["retailcrm"]["GET x"]
    assert entry["nodes"] <= sj.MAX_NODES and entry["truncated"]
    assert not list(path.parent.glob(".shapes-*"))  # the temp file was renamed into place


def test_an_unreadable_journal_starts_afresh(tmp_path) -> None:
    path = journal_path(tmp_path, 1)
    path.parent.mkdir()
    path.write_text("{not json", encoding="utf-8")
    journal = ShapeJournal(path)
    journal.note("retailcrm", "GET x", 200, {}, {"a": 1})
    journal.save()
    assert list(load(path)["services"]["retailcrm"]) == ["GET x"]
