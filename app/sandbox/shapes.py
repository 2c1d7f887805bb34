"""Compare the *shape* of two JSON answers: does ours carry every key a recorded real answer carries, with
the same JSON type? Used to hold the emulators to answers recorded from real accounts
(``shared/retailcrm-fixtures``, see its README).

Rules (the walk goes over the recorded answer):
- a key of the recorded answer that our answer lacks is a difference, unless ``allow`` lists its path;
- where both have a key, the JSON types must agree: every type our answer sends there must be one the
  recorded answer sends there too. ``int`` and ``float`` are one type (a JSON number); ``null`` says
  nothing about a type and is ignored; an empty array and an object are one type (PHP encodes an empty
  associative array as ``[]``);
- arrays are compared by element shape: all elements of one side are merged into one shape (the union of
  their keys and types) and the two merged shapes are compared. A recorded array with elements where ours
  never has any is a difference too (the element shape cannot be checked);
- objects keyed by a code or an id (``sites``, ``payments``, ``customFields``) are named in ``maps``: their
  values are merged like array elements, since the keys themselves belong to one account.

Paths read ``orders[].items[].offer.id`` (``[]`` an array element, ``{}`` any value of a map).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

NUMBER, STRING, BOOLEAN, OBJECT, ARRAY, NULL = "number", "string", "boolean", "object", "array", "null"
EMPTY_ARRAY = "empty array"  # PHP's empty map: counts as an object or an array


@dataclass
class Shape:
    """The merged shape of every value seen at one path."""

    types: set[str] = field(default_factory=set)
    keys: dict[str, Shape] = field(default_factory=dict)  # objects' keys (not for maps)
    items: Shape | None = None  # array elements, or a map's values
    is_map: bool = False

    def add(self, value: Any, path: str, maps: frozenset[str]) -> None:
        if isinstance(value, Mapping):
            self.types.add(OBJECT)
            if path in maps:
                self.is_map = True
                for inner in value.values():
                    self._item().add(inner, f"{path}{{}}", maps)
            else:
                for key, inner in value.items():
                    self.keys.setdefault(str(key), Shape()).add(inner, _join(path, str(key)), maps)
        elif isinstance(value, list):
            self.types.add(ARRAY if value else EMPTY_ARRAY)
            for inner in value:
                self._item().add(inner, f"{path}[]", maps)
        else:
            self.types.add(_scalar_type(value))

    def _item(self) -> Shape:
        if self.items is None:
            self.items = Shape()
        return self.items


def _scalar_type(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return STRING
    return type(value).__name__  # Decimal and friends never reach the wire; name them if they do


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def shape_of(*values: Any, maps: Iterable[str] = ()) -> Shape:
    """One merged shape of several answers (e.g. several ``orders/{id}`` answers)."""
    result = Shape()
    frozen = frozenset(maps)
    for value in values:
        result.add(value, "", frozen)
    return result


def _kinds(types: set[str]) -> set[str]:
    """The types that say something: null dropped (an empty array is kept apart, see :func:`_fits`)."""
    return {t for t in types if t != NULL}


def _fits(have: str, want: set[str]) -> bool:
    """Whether one type of ours is one the recorded answer sends; PHP's ``[]`` is an empty object too."""
    if have == EMPTY_ARRAY:
        return bool(want & {EMPTY_ARRAY, OBJECT, ARRAY})
    if have in (OBJECT, ARRAY) and EMPTY_ARRAY in want:
        return True
    return have in want


def _matches(path: list[str], pattern: list[str]) -> bool:
    """Dotted segments; ``*`` is any one segment, ``**`` any number of them (none included)."""
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_matches(path[i:], rest) for i in range(len(path) + 1))
    return bool(path) and (head == "*" or head == path[0]) and _matches(path[1:], rest)


def _allowed(path: str, allow: Mapping[str, str]) -> bool:
    """``allow`` holds paths as :func:`differences` prints them; ``*`` / ``**`` stand for segments."""
    segments = path.split(".")
    return any(_matches(segments, pattern.split(".")) for pattern in allow)


def differences(
    recorded: Any,
    ours: Any,
    *,
    maps: Iterable[str] = (),
    allow: Mapping[str, str] | None = None,
) -> list[str]:
    """Every way ``ours`` falls short of ``recorded``'s shape, as sentences starting with the path.

    Either side may be a JSON value or a :class:`Shape` (from :func:`shape_of`). ``allow`` maps a path to
    the reason it may be missing (the caller keeps that list short and explained).
    """
    frozen = frozenset(maps)
    want = recorded if isinstance(recorded, Shape) else shape_of(recorded, maps=frozen)
    have = ours if isinstance(ours, Shape) else shape_of(ours, maps=frozen)
    found: list[str] = []
    _compare(want, have, "", allow or {}, found)
    return found


def _compare(want: Shape, have: Shape, path: str, allow: Mapping[str, str], found: list[str]) -> None:
    want_kinds, have_kinds = _kinds(want.types), _kinds(have.types)
    shown = path or "(the answer)"
    wrong = sorted(t for t in have_kinds if not _fits(t, want_kinds)) if want_kinds else []
    if wrong and not _allowed(path, allow):
        found.append(f"{shown}: recorded {'/'.join(sorted(want_kinds))}, ours {', '.join(wrong)}")
        return
    for key, inner in want.keys.items():
        sub = _join(path, key)
        if key not in have.keys:
            if have_kinds & {OBJECT, EMPTY_ARRAY} and not _allowed(sub, allow):
                found.append(f"{sub}: missing")
            continue
        _compare(inner, have.keys[key], sub, allow, found)
    if want.items is not None and _kinds(want.items.types):
        sub = f"{path}{'{}' if want.is_map else '[]'}"
        if have.items is None:
            if have_kinds and not _allowed(sub, allow):
                found.append(f"{sub}: recorded has elements, ours never does")
            return
        _compare(want.items, have.items, sub, allow, found)


if __name__ == "__main__":  # python -m app.sandbox.shapes compare BUNDLE.zip|JOURNAL.json
    import sys

    from app.sandbox.shape_compare import main

    sys.exit(main())
