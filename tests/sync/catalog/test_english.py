"""The catalog, stock and prices flows speak English too (issue 14 item 3): a sync in the sandbox whose journal
lines, plan notes, change summaries and conflict titles render in English with no Russian word of ours (the
names of goods, warehouses and price types, plain string parameters, stay as the services spell them: they are
masked before the check)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from app.messages import Message, render
from app.sync.model import Flow
from tests.sync.catalog.support import CatEnv, cat_environment

AREAS = ("catalog.", "stock.", "prices.")
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment(products=40) as env:
        yield env


def _mask(value: Any) -> Any:
    """Plain strings (the services' names and codes) as "x"; our own words are nested messages, kept."""
    if isinstance(value, Message):
        return Message(value.code, {k: _mask(v) for k, v in value.params.items()})
    if isinstance(value, str):
        return "x"
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def _english(message: Message) -> str:
    """The English text with the services' words masked: what must hold no Cyrillic."""
    return render(_mask(message), "en")


def _stored(code: str | None, params: Any) -> Message:
    return Message.from_json({"code": code, "params": params})


def test_a_sync_renders_in_english(cat_env: CatEnv) -> None:
    env = cat_env
    report = env.run(Flow.CATALOG, Flow.STOCK, Flow.PRICES)

    lines = [e for e in env.events if e.code and e.code.startswith(AREAS)]
    assert {e.code.split(".")[0] for e in lines} >= {"catalog", "stock", "prices"}
    for event in lines:
        english = _english(_stored(event.code, event.params))
        assert not _CYRILLIC.search(english), (event.code, english)
        assert event.text("ru") == event.message  # the stored Russian text is the same sentence

    notes = [note for plan in report.plans.values() for note in plan.notes if isinstance(note, Message)]
    assert any(note.code == "catalog.note.found" for note in notes)
    for note in notes:
        english = _english(note)
        assert not _CYRILLIC.search(english), (note.code, english)
    found = render(next(note for note in notes if note.code == "catalog.note.found"), "en")
    assert found.startswith("Found ") and " duplicate" in found and not _CYRILLIC.search(found)

    summaries = [c.summary for plan in report.plans.values() for c in plan.changes]
    assert summaries and all(isinstance(s, Message) for s in summaries)
    for summary in summaries:
        assert isinstance(summary, Message)
        english = _english(summary)
        assert not _CYRILLIC.search(english), english

    conflicts = env.db.conflicts(env.profile_id).list(status="open")
    assert conflicts
    for conflict in conflicts:
        assert conflict.title_code and conflict.title_code.startswith(AREAS), conflict.title
        english = _english(_stored(conflict.title_code, conflict.title_params))
        assert not _CYRILLIC.search(english), english
        assert conflict.title_text("ru") == conflict.title
    # the match key reads "article" in English, «артикул» in Russian
    keyed = [c for c in conflicts if c.title_code == "catalog.dup.both"]
    assert keyed and all(c.title_text("en").startswith("Article «") for c in keyed)
    assert all(c.title.startswith("Артикул «") for c in keyed)
