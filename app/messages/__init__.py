"""Sentences a person reads, as a code plus parameters, rendered in Russian or English in one place.

The core (sync, clients, store, runner, CLI) never builds a finished sentence for the journal, a conflict's
title or an error: it builds a :class:`Message` (``msg("engine.cancelled")``), and whoever shows it renders it
in the language the person reads (:func:`render`). The journal, the conflicts and the runs keep the code and
the parameters, so an old journal renders in the current language; they keep the Russian text too (the CLI,
the support bundle and older versions read it). Model: Picard's ``N_()`` in ``picard/options.py`` (the text is
marked where it is defined and translated only where it is shown).

How to convert a sentence
-------------------------
1. Pick the area's catalogue (``app/messages/<area>.py``, a dict ``MESSAGES`` of code → (ru, en); a new area
   such as ``orders``, ``catalog``, ``stock``, ``prices`` is a new module added to ``AREAS`` below). Add the
   code, prefixed by the area. Keep the Russian exactly as it was (the stored text and the CLI do not change);
   the English says the same::

       "orders.created": ("Создан заказ {number} ({count} {count:plural:позиция|позиции|позиций}).",
                          "Created order {number} ({count} {count:plural:line|lines})."),

2. Build the message where the sentence was built and hand it on as before. A log line with a plural
   (``ctx.log`` takes a :class:`Message` where it took a str)::

       ctx.log(Level.INFO, Flow.ORDERS, msg("orders.created", number=order.number, count=len(lines)),
               entity_type="customerorder", entity_ref=order.number)

   A conflict title (``ConflictRepository.record``/``record_many`` take a ``Message`` or a str as ``title``;
   widen the catalog's ``Conflict.title`` to ``str | Message``)::

       repo.record("unmapped_store", key, msg("stock.unmapped_store", name=store.name), ms_data, None, run_id)

   An error (every ``SvyazkaApiError`` — ``SettingsError``, ``ServiceUnavailable``… — and ``StoreError`` take a
   ``Message`` where they took a str; ``exc.message`` / ``str(exc)`` stay the Russian text, ``exc.msg`` is the
   message, ``exc.sentence`` the message or the legacy str, to nest in another message)::

       raise SettingsError("moysklad", msg("clients.no_rights", service="moysklad", what=entity),
                           reason="no_access")
       ctx.log(Level.ERROR, flow, msg("engine.flow_failed", flow=flow, error=exc.sentence))

   Parts of a sentence are nested messages (``msg("a", tail=msg("b", n=2))``) or ``""``, never Russian
   fragments glued together; names, SKUs and the services' own words are plain parameters. ``FlowPlan.notes``
   may hold messages.

3. Tests assert on ``code`` / ``params`` (``LogEvent``, ``LogRecord`` and ``Run`` have ``code``/``params``
   resp. ``message_code``/``message_params``, ``Conflict`` has ``title_code``/``title_params``; each has a
   ``text(lang)``-style method: ``LogRecord.text``, ``Conflict.title_text``, ``Run.message_text``), not on
   Russian substrings; keep one rendering check where it helps. Parameters are stored as JSON, so a nested
   message appears as ``{"$msg": code, "params": {...}}``. ``tests/messages/test_catalogue.py`` checks that
   every code has both languages with the same placeholders and renders with sample parameters (add a sample
   to ``SAMPLES`` when a parameter needs a number or a code rather than a word).

Template syntax (``str.format`` fields; the spec after the colon picks a formatter)
-------------------------------------------------------------------------------------
``{name}``
    the parameter as text (a nested :class:`Message` is rendered in the same language).
``{count:plural:один|несколько|много}`` / ``{count:plural:one|other}``
    the word form for the number ``count``: Russian takes three forms (1 товар, 2 товара, 5 товаров, 21
    товар), English two (1 item, 2 items). Use ``{count} {count:plural:…}`` to show the number too.
``{amount:money}``
    roubles with two places (``1250.00``), exact (a Decimal or its string).
``{n:num}``
    a whole number with its thousands grouped (``12 345`` / ``12,345``).
``{flow:flow}``
    a flow's title (``catalog`` → «Каталог» / "Catalog").
``{flows:flows}``
    a list of flows' titles, joined with commas.
``{service:service}``
    a service's name (``moysklad`` → «МойСклад» / "MoySklad").
``{seconds:duration}``
    a duration in words (600 → «10 мин» / "10 min").

Parameters are JSON values (strings, numbers, booleans, None, lists, dicts) or nested messages;
:func:`msg` turns Decimals, enums, dates and tuples into JSON values, so a message renders the same from
memory and from the store.
"""

from __future__ import annotations

import importlib
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
# the catalogue modules: each has ``MESSAGES: dict[code, (ru, en)]``, its codes prefixed by "<area>."
AREAS = (
    "engine", "safety", "statusmap", "accounts", "runner", "store", "clients",
    "orders", "catalog", "prices", "stock", "reconcile", "customers", "demo", "order_lines", "order_fields",
    "order_edits", "order_sources",
)

_NESTED = "$msg"  # a nested message as JSON: {"$msg": code, "params": {...}}


@dataclass(frozen=True)
class Message:
    """A sentence as a code plus parameters (JSON values). Picklable; :meth:`to_json` / :meth:`from_json`.
    ``str(message)`` is the Russian text."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render(self, DEFAULT_LANGUAGE)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": _to_json(self.params)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Message:
        return cls(str(data["code"]), dict(_from_json(data.get("params") or {})))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return render(self, lang)


def msg(code: str, /, **params: Any) -> Message:
    """A message; the parameters are made JSON values here (Decimal → "12.50", enum → its value…)."""
    return Message(code, {name: _plain(value) for name, value in params.items()})


def text_of(value: Message | str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A message rendered, a plain (legacy) string as it is."""
    return render(value, lang) if isinstance(value, Message) else value


def split(value: Message | str) -> tuple[str, str | None, dict[str, Any] | None]:
    """What the journal and the conflicts store: (Russian text, code, JSON params); a str has no code."""
    if isinstance(value, Message):
        return render(value, DEFAULT_LANGUAGE), value.code, _to_json(value.params)
    return value, None, None


def render_stored(text: str, code: str | None, params: Any, lang: str) -> str:
    """A stored line in ``lang``: rendered from its code when it has a known one, else the stored text (old
    rows, codes a newer version wrote, parameters that no longer fit)."""
    if not code or code not in catalogue():
        return text
    try:
        return render(Message(code, dict(_from_json(params or {}))), lang)
    except (KeyError, IndexError, ValueError, TypeError):
        return text


# -- rendering ---------------------------------------------------------------------------------------------


def render(message: Message | str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The message in ``lang`` ("ru" or "en"; anything else is Russian). An unknown code renders as the code
    and its parameters (never an exception: a message must not stop what reports it)."""
    if isinstance(message, str):
        return message
    templates = catalogue().get(message.code)
    if templates is None:
        return f"{message.code} {message.params}" if message.params else message.code
    template = templates[1] if lang == "en" else templates[0]
    return _Formatter(lang).vformat(template, (), message.params)


def plural(n: int, *forms: str) -> str:
    """The word form after ``n``: three Russian forms (один, несколько, много: 1 пара, 2 пары, 5 пар, 21 пара,
    11 пар) or two English ones (one, other). The one place plurals are decided."""
    n = abs(int(n))
    if len(forms) == 2:
        return forms[0] if n == 1 else forms[1]
    if len(forms) != 3:
        raise ValueError(f"plural takes two (English) or three (Russian) forms, got {len(forms)}")
    one, few, many = forms
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def format_number(n: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with thousands grouped: ``12 345`` (a no-break space) in Russian, ``12,345`` in English."""
    text = f"{int(n):,}"
    return text if lang == "en" else text.replace(",", "\u00a0")


def format_money(value: Any) -> str:
    """Roubles with exactly two places, exact (``Decimal("1250")`` → ``1250.00``)."""
    from app.money import rub

    return str(rub(value))


_FLOW_TITLES = {
    "catalog": ("Каталог", "Catalog"),
    "stock": ("Остатки", "Stock"),
    "prices": ("Цены", "Prices"),
    "orders": ("Заказы", "Orders"),
}


def flow_title(flow: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    key = getattr(flow, "value", flow)
    titles = _FLOW_TITLES.get(str(key))
    if titles is None:
        return str(key)
    return titles[1] if lang == "en" else titles[0]


_SERVICE_TITLES = {"retailcrm": ("RetailCRM", "RetailCRM"), "moysklad": ("МойСклад", "MoySklad")}


def service_title(service: str, lang: str = DEFAULT_LANGUAGE) -> str:
    titles = _SERVICE_TITLES.get(str(service))
    if titles is None:
        return str(service)
    return titles[1] if lang == "en" else titles[0]


def duration_words(seconds: float, lang: str = DEFAULT_LANGUAGE) -> str:
    """3 → «3 с» / "3 s", 600 → «10 мин» / "10 min", 14400 → «4 ч» / "4 h"."""
    s_unit, m_unit, h_unit = ("s", "min", "h") if lang == "en" else ("с", "мин", "ч")
    if seconds < 120:
        return f"{seconds:g} {s_unit}"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} {m_unit}"
    hours = seconds / 3600
    if hours == int(hours):
        return f"{hours:.0f} {h_unit}"
    text = f"{hours:.1f} {h_unit}"
    return text if lang == "en" else text.replace(".", ",")


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        kind, _, arg = format_spec.partition(":")
        if kind == "plural":
            return plural(int(value), *arg.split("|"))
        if kind == "money":
            return format_money(value)
        if kind == "num":
            return format_number(value, self.lang)
        if kind == "flow":
            return flow_title(value, self.lang)
        if kind == "flows":
            return ", ".join(flow_title(flow, self.lang) for flow in value)
        if kind == "service":
            return service_title(value, self.lang)
        if kind == "duration":
            return duration_words(float(value), self.lang)
        if isinstance(value, Message):
            return render(value, self.lang)
        return super().format_field(value, format_spec)


def placeholders(template: str) -> set[tuple[str, str]]:
    """The (field, formatter) pairs a template uses (the formatter without its plural forms)."""
    found = set()
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is not None:
            found.add((name, (spec or "").partition(":")[0]))
    return found


# -- the catalogue -----------------------------------------------------------------------------------------

_CATALOGUE: dict[str, tuple[str, str]] | None = None


def catalogue() -> dict[str, tuple[str, str]]:
    """Every code → (ru, en), gathered once from the area modules."""
    global _CATALOGUE
    if _CATALOGUE is None:
        merged: dict[str, tuple[str, str]] = {}
        for area in AREAS:
            module = importlib.import_module(f"{__name__}.{area}")
            for code, templates in module.MESSAGES.items():
                if code in merged:
                    raise ValueError(f"message code {code!r} defined twice")
                merged[code] = templates
        _CATALOGUE = merged
    return _CATALOGUE


# -- JSON values ---------------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | Message):
        return value
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_plain(v) for v in items]
    return str(value)


def _to_json(value: Any) -> Any:
    if isinstance(value, Message):
        return {_NESTED: value.code, "params": _to_json(value.params)}
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_json(v) for v in value]
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if _NESTED in value and set(value) <= {_NESTED, "params"}:
            return Message(str(value[_NESTED]), dict(_from_json(value.get("params") or {})))
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


__all__ = [
    "AREAS",
    "LANGUAGES",
    "Message",
    "catalogue",
    "duration_words",
    "flow_title",
    "format_money",
    "format_number",
    "msg",
    "placeholders",
    "plural",
    "render",
    "render_stored",
    "service_title",
    "split",
    "text_of",
]
