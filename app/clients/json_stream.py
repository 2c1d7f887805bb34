"""Streaming JSON decoding of big answers: the items of an array, or the rows of a MoySklad list answer, decoded
one at a time from the raw body instead of parsed whole.

A MoySklad page of 1000 products or a full stock report (130,000 rows at 50,000 offers) parsed with
``json.loads`` is a transient tree several times the text; decoded here, only the text (one page's bytes,
already complete: the transport hands a raw body over only when it is a whole JSON array or object) and the
row being handled are alive. Anything that is not the expected JSON raises :class:`ProtocolError` for the
``service`` given by the caller. Used by :mod:`app.clients.moysklad`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator, Mapping
from typing import Any

from app.clients.errors import ProtocolError, protocol_message
from app.clients.parsing import as_list, as_map, integer

__all__ = ["ListAnswer", "array_items"]

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _malformed(service: str, path: str, what: str = "malformed JSON") -> ProtocolError:
    return ProtocolError(service, protocol_message(service), detail=f"{path}: {what}")


def _skip(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]  # the pattern matches the empty string


def _decode_at(text: str, at: int, service: str, path: str) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, at)
    except ValueError:
        raise _malformed(service, path) from None


def _items_at(text: str, at: int, service: str, path: str) -> Generator[Any, None, int]:
    """The items of the JSON array starting at ``text[at]``, one at a time; returns the position after it."""
    if text[at : at + 1] != "[":
        raise _malformed(service, path, "not an array")
    at = _skip(text, at + 1)
    if text[at : at + 1] == "]":
        return at + 1
    while True:
        item, at = _decode_at(text, at, service, path)
        yield item
        at = _skip(text, at)
        mark = text[at : at + 1]
        if mark == "]":
            return at + 1
        if mark != ",":
            raise _malformed(service, path)
        at = _skip(text, at + 1)


def _as_text(body: bytes | bytearray) -> str:
    return bytes(body).decode("utf-8", errors="replace")


def array_items(body: Any, path: str, *, service: str) -> Iterator[Any]:
    """The items of a JSON array answer, decoded one at a time (``body``: the raw bytes, or an already parsed
    list). Anything but an array is the service not answering as documented."""
    if isinstance(body, list):
        yield from body
        return
    if not isinstance(body, bytes | bytearray):
        raise _malformed(service, path, "not an array")
    text = _as_text(body)
    yield from _items_at(text, _skip(text, 0), service, path)


class ListAnswer:
    """A list answer (``{"context": …, "meta": {"size": …}, "rows": […]}``) whose rows are decoded one at a
    time as :meth:`rows` is iterated; ``size`` (from ``meta``) and ``count`` are known once it is
    finished (:meth:`finish`). ``body`` is the raw bytes, or an already parsed object."""

    def __init__(self, body: Any, path: str, *, service: str) -> None:
        self.service = service
        self.path = path
        self.size: int | None = None
        self.count = 0
        self._walk = self._members(body)

    def rows(self) -> Iterator[dict[str, Any]]:
        return self._walk

    def finish(self) -> None:
        for _ in self._walk:  # rows the caller did not take, then the members after them
            pass

    def _members(self, body: Any) -> Iterator[dict[str, Any]]:
        if isinstance(body, Mapping):  # parsed already (an answer the transport could not hand over raw)
            yield from self._parsed(body)
            return
        if not isinstance(body, bytes | bytearray):
            raise _malformed(self.service, self.path, "not a list answer")
        text = _as_text(body)
        at = _skip(text, 0)
        if text[at : at + 1] != "{":
            raise _malformed(self.service, self.path, "not a list answer")
        at = _skip(text, at + 1)
        seen_rows = False
        while text[at : at + 1] != "}":
            key, at = _decode_at(text, at, self.service, self.path)
            at = _skip(text, at)
            if not isinstance(key, str) or text[at : at + 1] != ":":
                raise _malformed(self.service, self.path)
            at = _skip(text, at + 1)
            if key == "rows":
                seen_rows = True
                rows = _items_at(text, at, self.service, self.path)
                while True:
                    try:
                        row = next(rows)
                    except StopIteration as end:
                        at = end.value
                        break
                    self.count += 1
                    yield as_map(row)
            else:
                value, at = _decode_at(text, at, self.service, self.path)
                if key == "meta":
                    self.size = integer(as_map(value).get("size"))
            at = _skip(text, at)
            if text[at : at + 1] == ",":
                at = _skip(text, at + 1)
            elif text[at : at + 1] != "}":
                raise _malformed(self.service, self.path)
        if not seen_rows:
            raise _malformed(self.service, self.path, "no rows in a list answer")

    def _parsed(self, data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        if "rows" not in data:
            raise _malformed(self.service, self.path, "no rows in a list answer")
        self.size = integer(as_map(data.get("meta")).get("size"))
        for row in as_list(data.get("rows")):
            self.count += 1
            yield as_map(row)
