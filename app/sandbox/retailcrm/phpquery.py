"""PHP-style parameter parsing: what RetailCRM's PHP backend makes of a query string or a form body.

Clients encode nested parameters three ways and the emulator must read them all the same:

* the official Python client: ``filter[extendedStatus][]=new&filter[extendedStatus][]=complete``, and the
  literal ``filter=None`` when no filter is given (callers ignore that value);
* PHP ``http_build_query``: indexed arrays ``filter[ids][0]=7&filter[ids][1]=8``;
* Go ``go-querystring`` and most hand-written clients: ``filter[ids][]=7``.

Lists come out as Python lists (``[]`` appends, numeric keys are ordered by number), maps as dicts and
leaves as strings. Like PHP, a later plain ``a=1`` overwrites an earlier one.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


class FormError(ValueError):
    """A POST body that cannot be read as a form (a broken multipart body)."""


def split_key(name: str) -> list[str]:
    """``"a[b][]"`` -> ``["a", "b", ""]``. A name with an unbalanced bracket is a plain key, as in PHP."""
    open_at = name.find("[")
    if open_at <= 0:
        return [name]
    base, rest = name[:open_at], name[open_at:]
    segments: list[str] = []
    pos = 0
    while pos < len(rest):
        match = _SEGMENT.match(rest, pos)
        if match is None:
            break  # PHP ignores whatever follows the last well-formed bracket pair
        segments.append(match.group(1))
        pos = match.end()
    if not segments:
        return [name]
    return [base, *segments]


def _next_index(node: dict[str, Any]) -> str:
    numbers = [int(k) for k in node if k.isdigit()]
    return str(max(numbers) + 1) if numbers else "0"


def _insert(root: dict[str, Any], keys: list[str], value: str) -> None:
    node = root
    for depth, key in enumerate(keys):
        if key == "":
            key = _next_index(node)
        if depth == len(keys) - 1:
            node[key] = value
            return
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child


def _normalise(value: Any) -> Any:
    """Turn dicts whose keys are all array indexes into lists (ordered by index)."""
    if not isinstance(value, dict):
        return value
    items = {k: _normalise(v) for k, v in value.items()}
    if items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


def parse_pairs(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for name, value in pairs:
        if not name:
            continue
        _insert(root, split_key(name), value)
    return {k: _normalise(v) for k, v in root.items()}


def parse_query(query: str) -> dict[str, Any]:
    """A raw (still percent-encoded) query string or urlencoded body to nested params."""
    if not query:
        return {}
    return parse_pairs(parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="replace"))


def parse_form(body: bytes, content_type: str | None) -> dict[str, Any]:
    """A POST body to nested params. Bodies that are not forms (e.g. JSON) give no params at all,
    exactly as a PHP backend that reads ``$_POST`` would see them."""
    if not body:
        return {}
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime == "application/x-www-form-urlencoded":
        return parse_query(body.decode("utf-8", errors="replace"))
    if mime == "multipart/form-data":
        return parse_pairs(_multipart_pairs(body, content_type or ""))
    return {}


def _multipart_pairs(body: bytes, content_type: str) -> list[tuple[str, str]]:
    if "boundary=" not in content_type:
        raise FormError("multipart/form-data without a boundary")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise FormError("the multipart body could not be read")
    pairs: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        charset = part.get_content_charset() or "utf-8"
        pairs.append((name, raw.decode(charset, errors="replace")))
    return pairs
