"""The streaming JSON decoder (app.clients.json_stream): big MoySklad answers decoded one row at a time."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from app.clients.errors import ProtocolError
from app.clients.json_stream import ListAnswer, array_items

SERVICE = "moysklad"


def items(body: object, path: str = "report") -> list[Any]:
    return list(array_items(body, path, service=SERVICE))


def read(body: object) -> tuple[list[Any], int | None, int]:
    answer = ListAnswer(body, "entity/product", service=SERVICE)
    rows = list(answer.rows())
    answer.finish()
    return rows, answer.size, answer.count


def test_stock_rows_are_read_one_at_a_time_from_a_well_formed_array_only() -> None:
    body = b' [ {"assortmentId": "a", "stock": 1.0} ,\n{"assortmentId": "b", "stock": 2} ] '
    assert [row["assortmentId"] for row in items(body)] == ["a", "b"]
    assert items(b"[ ]") == []
    assert items([{"x": 1}]) == [{"x": 1}]
    for bad in (b'{"rows": []}', b'[{"a": 1} {"b": 2}]', b'[{"a": 1},', b"nonsense", "[1]", None):
        with pytest.raises(ProtocolError):
            items(bad)


def test_list_rows_are_read_one_at_a_time_wherever_meta_stands() -> None:
    def ids(body: object) -> tuple[list[object], int | None, int]:
        rows, size, count = read(body)
        return [row["id"] for row in rows], size, count

    meta_first = (
        b'{"context": {"x": [1, {"y": "]"}]}, "meta": {"size": 2, "limit": 1000}, "rows": [{"id": "a"}, {"id": "b"}]}'
    )
    meta_last = b' {\n"rows" : [ {"id": "a"} ] , "meta": {"size": 1} } '
    assert ids(meta_first) == (["a", "b"], 2, 2)
    assert ids(meta_last) == (["a"], 1, 1)
    assert ids(b'{"meta": {}, "rows": []}') == ([], None, 0)
    assert ids({"meta": {"size": 3}, "rows": [{"id": "p"}]}) == (["p"], 3, 1)  # already parsed

    # a caller that stops early still learns the size once the answer is finished
    answer = ListAnswer(b'{"rows": [{"id": "a"}, {"id": "b"}], "meta": {"size": 7}}', "entity/product", service=SERVICE)
    assert next(iter(answer.rows()))["id"] == "a"
    answer.finish()
    assert (answer.size, answer.count) == (7, 2)

    for bad in (b'{"meta": {"size": 1}}', b'[{"id": "a"}]', b'{"rows": [{"id": "a"} {"id": "b"}]}',
                b'{"rows": [{"id": "a"}]', b'{"rows" [1]}', b"nonsense", {"meta": {}}):
        with pytest.raises(ProtocolError):
            read(bad)


def _pieces(body: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_rows_cut_by_network_chunks_decode_whole() -> None:
    # The transport joins the network chunks and hands the decoder one complete body (http.py checks it is a whole
    # array or object first); a row, a string or a two-byte Cyrillic letter cut between chunks comes out whole.
    rows = [{"id": f"{n:04d}", "name": "Носки «Шерсть», размер ½", "stock": n / 4} for n in range(50)]
    body = json.dumps({"meta": {"size": 50}, "rows": rows}, ensure_ascii=False).encode()
    for size in (1, 2, 3, 7, 64, 1000):
        joined = bytearray()
        for piece in _pieces(body, size):
            joined += piece
        assert read(joined) == (rows, 50, 50)
        assert items(bytearray(json.dumps(rows, ensure_ascii=False).encode())) == rows


def test_escaped_strings_do_not_end_rows_or_arrays() -> None:
    tricky = ['"]', "\\", "a,b", "}{", "[", "\n\t\r", "/", '\\"]}', "rows", '"rows": [']
    rows = [{"id": str(n), "name": value, "rows": [value]} for n, value in enumerate(tricky)]
    body = json.dumps({"rows": rows, "meta": {"size": len(rows)}}).encode()
    assert read(body) == (rows, len(rows), len(rows))
    assert items(json.dumps(tricky).encode()) == tricky
    assert items(b'["\\u005d", "\\"", "\\/"]') == ["]", '"', "/"]


def test_unicode_raw_escaped_surrogates_and_broken_bytes() -> None:
    assert items('["Пряжа", "ё", "€"]'.encode()) == ["Пряжа", "ё", "€"]
    assert items(b'["\\u041f\\u0440\\u044f\\u0436\\u0430", "\\ud83e\\udde6"]') == ["Пряжа", "\U0001f9e6"]
    assert items("[\"\U0001f9e6 носок\"]".encode()) == ["\U0001f9e6 носок"]
    # bytes that are not UTF-8 become U+FFFD instead of failing the whole page
    assert items(b'["ab\xffcd"]') == ["ab\ufffdcd"]
    rows, _, _ = read('{"rows": [{"id": "1", "name": "Шапка"}]}'.encode())
    assert rows == [{"id": "1", "name": "Шапка"}]


def test_nested_arrays_are_items_not_more_rows() -> None:
    assert items(b"[[1, [2, [3]]], [], [[]], 4]") == [[1, [2, [3]]], [], [[]], 4]
    body = b'{"rows": [{"id": "a", "rows": [[1], [2]]}, {"id": "b", "positions": {"rows": []}}], "meta": {"size": 2}}'
    rows, size, count = read(body)
    assert [row["id"] for row in rows] == ["a", "b"]
    assert rows[0]["rows"] == [[1], [2]]
    assert (size, count) == (2, 2)
    # a row that is not an object is the empty row (as_map), never a crash
    assert read(b'{"rows": [[1, 2], "x"]}')[0] == [{}, {}]


def test_every_truncated_answer_raises_our_protocol_error() -> None:
    array = json.dumps([{"assortmentId": "a1", "stock": 1.5}, {"assortmentId": "б2", "stock": [1, 2]}],
                       ensure_ascii=False).encode()
    listing = json.dumps({"context": {}, "meta": {"size": 2}, "rows": [{"id": "a"}, {"id": "б", "x": "]"}]},
                         ensure_ascii=False).encode()
    for cut in range(len(array)):
        with pytest.raises(ProtocolError) as caught:
            items(array[:cut], "report/stock/all/current")
        assert caught.value.service == SERVICE
        assert caught.value.detail.startswith("report/stock/all/current: ")
    for cut in range(len(listing)):
        with pytest.raises(ProtocolError) as caught:
            read(listing[:cut])
        assert caught.value.detail.startswith("entity/product: ")
    # the service named by the caller is the one the error speaks for
    with pytest.raises(ProtocolError) as caught:
        list(array_items(b"[1,", "x", service="retailcrm"))
    assert caught.value.service == "retailcrm"


def _long_array(rows: int) -> bytes:
    row = b'{"assortmentId":"%08d","storeId":"s1","stock":%d}'
    return b"[" + b",".join(row % (n, n % 7) for n in range(rows)) + b"]"


def _peak_over_text(body: bytes, decode: Any) -> int:
    """Peak memory while every row is decoded and dropped, beyond the one text copy of the body."""
    tracemalloc.start()
    try:
        for _row in decode(body):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak - len(body)


def test_memory_stays_flat_however_long_the_array() -> None:
    def stream(body: bytes) -> Iterator[Any]:
        return array_items(body, "report/stock/all/current", service=SERVICE)

    def rows_of_list(body: bytes) -> Iterator[Any]:
        return ListAnswer(body, "entity/product", service=SERVICE).rows()

    def listing(array: bytes) -> bytes:
        return b'{"meta": {"size": 1}, "rows": ' + array + b"}"

    short, long = _long_array(5_000), _long_array(100_000)
    for decode, small_body, big_body in ((stream, short, long), (rows_of_list, listing(short), listing(long))):
        small, big = _peak_over_text(small_body, decode), _peak_over_text(big_body, decode)
        # a row at a time: beyond the text, the same few kilobytes for 5,000 rows as for 100,000
        assert big < 256 * 1024, (decode.__name__, big)
        assert big < small + 128 * 1024, (decode.__name__, small, big)
    # parsed whole, the same answer would be a tree several times its text
    assert _peak_over_text(long, json.loads) > 4 * len(long)
