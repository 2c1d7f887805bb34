"""Query-string handling shared by every list: parameters, ``limit``/``offset`` and ``expand``.

Choices where the docs are silent (see moysklad-api.md §10):

* ``limit`` outside 1..1000, or not an integer, is an error **400/1040** ("Неверно заданы параметры
  запроса", ``parameter: "limit"``), never silently clamped: a client that asks for 5000 rows has a bug.
* ``offset`` below 0 or not an integer: the same error with ``parameter: "offset"``.
* ``expand`` deeper than 3 levels is cut at 3 without an error (the docs name 3 as the maximum).
* ``fields=`` is accepted and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from app.sandbox.moysklad import errors

MAX_LIMIT = 1000
DEFAULT_LIMIT = 1000
EXPAND_MAX_LIMIT = 100
EXPAND_MAX_DEPTH = 3

ExpandTree = dict[str, "ExpandTree"]


@dataclass(frozen=True)
class Query:
    """Decoded query parameters in their order, plus the raw string for building next/previous hrefs."""

    raw: str
    pairs: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, raw: str) -> Query:
        try:
            pairs = tuple(parse_qsl(raw, keep_blank_values=True, strict_parsing=False))
        except ValueError:
            raise errors.ApiError(400, 1058, "Не удалось декодировать параметры запроса из URL") from None
        return cls(raw=raw, pairs=pairs)

    def get(self, name: str) -> str | None:
        for key, value in self.pairs:
            if key == name:
                return value
        return None

    def get_all(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def has(self, name: str) -> bool:
        return any(key == name for key, _ in self.pairs)


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int
    limit_given: bool


def page(query: Query) -> Page:
    limit_text = query.get("limit")
    offset_text = query.get("offset")
    limit = DEFAULT_LIMIT
    if limit_text is not None:
        try:
            limit = int(limit_text)
        except ValueError:
            raise errors.bad_parameter("limit", f"значение параметра 'limit' должно быть целым числом от 1 до "
                                       f"{MAX_LIMIT}, получено '{limit_text}'") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise errors.bad_parameter("limit", f"значение параметра 'limit' должно быть от 1 до {MAX_LIMIT}, "
                                       f"получено {limit}")
    offset = 0
    if offset_text is not None:
        try:
            offset = int(offset_text)
        except ValueError:
            raise errors.bad_parameter("offset", "значение параметра 'offset' должно быть целым неотрицательным "
                                       f"числом, получено '{offset_text}'") from None
        if offset < 0:
            raise errors.bad_parameter("offset", f"значение параметра 'offset' не может быть отрицательным: {offset}")
    return Page(limit=limit, offset=offset, limit_given=limit_text is not None)


def parse_expand(text: str | None) -> ExpandTree:
    """``agent,positions.assortment`` → ``{"agent": {}, "positions": {"assortment": {}}}`` (depth ≤ 3)."""
    tree: ExpandTree = {}
    if not text:
        return tree
    for path in text.split(","):
        parts = [p.strip() for p in path.strip().split(".") if p.strip()][:EXPAND_MAX_DEPTH]
        node = tree
        for part in parts:
            node = node.setdefault(part, {})
    return tree


def expand_for_list(query: Query, current: Page) -> ExpandTree:
    """Lists honour ``expand`` only when ``limit`` ≤ 100 was asked for: the default of 1000 ignores it."""
    if not current.limit_given or current.limit > EXPAND_MAX_LIMIT:
        return {}
    return parse_expand(query.get("expand"))


def expand_string(tree: ExpandTree) -> str:
    """Back to ``a,b.c`` form, for the ``?expand=`` suffix of an expanded object's href."""
    paths: list[str] = []

    def walk(node: ExpandTree, prefix: str) -> None:
        for key, child in node.items():
            path = f"{prefix}{key}"
            if child:
                walk(child, path + ".")
            else:
                paths.append(path)

    walk(tree, "")
    return ",".join(paths)


def page_links(base: str, path: str, query: Query, current: Page, size: int) -> dict[str, str]:
    """``nextHref``/``previousHref`` when the list does not fit one page; other parameters kept as sent."""
    kept = [part for part in query.raw.split("&") if part and not part.startswith(("limit=", "offset="))]

    def href(offset: int) -> str:
        parts = [*kept, f"limit={current.limit}", f"offset={offset}"]
        return f"{base}/{path}?{'&'.join(parts)}"

    links: dict[str, str] = {}
    if current.offset + current.limit < size:
        links["nextHref"] = href(current.offset + current.limit)
    if current.offset > 0:
        links["previousHref"] = href(max(0, current.offset - current.limit))
    return links
