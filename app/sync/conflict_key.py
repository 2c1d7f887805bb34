"""A conflict's key as a value: its kind plus parts, formatted as ``kind:part:part`` and parsed back.

The stored key strings stay exactly what the flows wrote before this type existed
(``unlinked_order_line:offer:12``, ``bad_data:order:7``, ``ambiguous_counterparty:customer:42``,
``unmapped_status:new``), so conflicts already in users' databases still match their resolutions.
A part may itself hold ``:`` (a RetailCRM status code could); :meth:`ConflictKey.parse` with ``parts``
keeps the rest of the string in the last part, the way the key was built.
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class ConflictKey:
    kind: str
    parts: tuple[str, ...] = ()

    @classmethod
    def of(cls, kind: str, *parts: object) -> ConflictKey:
        """``ConflictKey.of("bad_data", "order", 7)``: parts are turned into text as f-strings did."""
        return cls(kind, tuple(str(p) for p in parts))

    def __str__(self) -> str:
        return SEPARATOR.join((self.kind, *self.parts))

    @classmethod
    def parse(cls, key: str, *, parts: int | None = None) -> ConflictKey:
        """The key ``key`` spells. ``parts``: how many parts it has (the last one keeps any further ``:``);
        None splits at every ``:``. A key without ``:`` is a bare kind."""
        kind, _, rest = key.partition(SEPARATOR)
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
