"""A conflict's key as a value: its kind plus parts, formatted as ``kind:part:part`` and parsed back.

The stored key strings stay exactly what the flows wrote before this type existed
(``unlinked_order_line:offer:12``, ``bad_data:order:7``, ``ambiguous_counterparty:customer:42``,
``unmapped_status:new``), so conflicts already in users' databases still match their resolutions.
A part may itself hold ``:`` (a RetailCRM status code could); :meth:`ConflictKey.parse` with ``parts``
keeps the rest of the string in the last part, the way the key was built.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.vocab import ConflictKind

SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class ConflictKey:
    kind: ConflictKind
    parts: tuple[str, ...] = ()

    @classmethod
    def of(cls, kind: ConflictKind, *parts: object) -> ConflictKey:
        """``ConflictKey.of(ConflictKind.BAD_DATA, "order", 7)``: parts are turned into text as f-strings did."""
        return cls(kind, tuple(str(p) for p in parts))

    def __str__(self) -> str:
        return SEPARATOR.join((self.kind, *self.parts))

    @classmethod
    def parse(cls, key: str, *, parts: int | None = None) -> ConflictKey:
        """The key ``key`` spells. ``parts``: how many parts it has (the last one keeps any further ``:``);
        None splits at every ``:``. A key without ``:`` is a bare kind."""
        text, _, rest = key.partition(SEPARATOR)
        kind = _kind(text)
        if not rest and SEPARATOR not in key:
            return cls(kind)
        if parts is None:
            return cls(kind, tuple(rest.split(SEPARATOR)))
        return cls(kind, tuple(rest.split(SEPARATOR, parts - 1)))

    def part(self, index: int) -> str | None:
        """The part at ``index`` (negative counts from the end), None when the key has no such part."""
        try:
            return self.parts[index]
        except IndexError:
            return None


def _kind(text: str) -> ConflictKind:
    """The kind a stored key starts with; a kind this version does not know stays its text (a key is only
    compared, never trusted to be one of ours)."""
    member = ConflictKind._value2member_map_.get(text)
    return ConflictKind(text) if member is not None else text  # type: ignore[return-value]
