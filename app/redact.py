"""Keep API keys, tokens and passwords out of every log line, message and stored text.

A process-wide registry of known secrets (filled by :mod:`app.secrets` whenever a key is read or written)
plus patterns for credentials we have never seen (``apiKey=…`` in a URL, ``X-API-KEY: …`` and
``Authorization: Bearer …`` headers). :func:`redact` is safe to call from any thread.

Attach :class:`RedactingFilter` to *handlers*, not loggers: a logger's filters only see records logged
directly on that logger, while a handler's filters see everything that reaches it, propagated or not.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter "secrets" would mask ordinary letters and digits everywhere

_lock = threading.Lock()
_secrets: set[str] = set()
_secret_pattern: re.Pattern[str] | None = None  # rebuilt under _lock, read without it (one atomic swap)

# name=value and "name": "value" for API-key-like parameters and headers (URL query, JSON, dict reprs).
_KEY_VALUE = re.compile(
    r"""(?P<head>\b(?:x-api-key|api[_-]?key|access[_-]?token)\b["']?\s*[:=]\s*["']?)"""
    r"""(?P<value>[^\s"'&,;<>}\]]+)""",
    re.IGNORECASE,
)
# Authorization headers, with or without a scheme word.
_AUTHORIZATION = re.compile(
    r"""(?P<head>\b(?:proxy-)?authorization\b["']?\s*[:=]\s*["']?(?:(?:bearer|basic|token)\s+)?)"""
    r"""(?P<value>[^\s"',;}\]]+)""",
    re.IGNORECASE,
)
# A bare bearer token, e.g. inside an exception text that lost its header name.
_BEARER = re.compile(r"(?P<head>\bbearer\s+)(?P<value>[A-Za-z0-9._~+/=-]{8,})", re.IGNORECASE)


def _mask_value(match: re.Match[str]) -> str:
    return match.group("head") + MASK


def register_secret(value: str | None) -> None:
    """Remember a secret so :func:`redact` masks it from now on. Short or empty values are ignored."""
    if not value:
        return
    variants = {value, value.strip()}
    # The same secret as it appears percent-encoded in a URL or escaped inside JSON text.
    for raw in list(variants):
        variants.update({quote(raw, safe=""), quote_plus(raw, safe=""), json.dumps(raw)[1:-1]})
    fresh = {v for v in variants if len(v) >= MIN_SECRET_LENGTH}
    global _secret_pattern
    with _lock:
        if fresh <= _secrets:
            return
        _secrets.update(fresh)
        # Longest first, so a secret that contains another is masked whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _secret_pattern = re.compile("|".join(re.escape(s) for s in ordered))


def clear_secrets() -> None:
    """Forget every registered secret (tests only: a running app never needs this)."""
    global _secret_pattern
    with _lock:
        _secrets.clear()
        _secret_pattern = None


def redact(text: str) -> str:
    """``text`` with every registered secret and every credential-looking value replaced by ``***``."""
    if not text:
        return text
    pattern = _secret_pattern
    if pattern is not None:
        text = pattern.sub(MASK, text)
    text = _AUTHORIZATION.sub(_mask_value, text)
    text = _KEY_VALUE.sub(_mask_value, text)
    return _BEARER.sub(_mask_value, text)


class RedactingFilter(logging.Filter):
    """Formats each record's message with its args, then redacts it (and any traceback text).

    The record leaves with ``args`` emptied, so no later handler can re-render the raw arguments.
    """

    _exception_formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the line, nor leak the args
            message = f"{record.msg} (log arguments could not be formatted: {record.args!r})"
        record.msg = redact(str(message))
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when present, so the redacted traceback is what gets written.
            record.exc_text = self._exception_formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


# --- personal data, for a support bundle (app/support_bundle.py) ----------------------------------------------
# Not applied to every log line (the shop owner's own journal names their customers on purpose); applied to
# everything that leaves the computer in a support bundle.
PERSON_MASK = "[скрыто]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# a run of digits and phone punctuation; judged by its digit count below (10–12 digits: +7 999 123-45-67,
# 89003005069, 8 (900) 300-50-69); an order number or an id has no separators and other lengths
_PHONE_CANDIDATE = re.compile(r"(?<![\w.:/-])\+?\d[\d \t()\-]{6,20}\d(?!\w|[.:/]\d)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# «…» (one level of «» nested inside, as in «Худи «Уют»»)
_QUOTE = re.compile(r"«[^«»]*(?:«[^«»]*»[^«»]*)*»")
# words that say the line talks about a person: the quotes in it name one (app/sync/orders/ logs
# «Клиент «имя»», «Создан контрагент «имя»»; app/sync/counterparty.py lists ambiguous counterparties in quotes)
_PERSON_WORDS = re.compile(r"клиент|контрагент|покупател|получател|customer|counterparty|contragent", re.IGNORECASE)
_NOT_A_PERSON = re.compile(r"заказ\w*\s+покупател\w*", re.IGNORECASE)  # MoySklad's "заказ покупателя": a document


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(c.isdigit() for c in found)
    if not 10 <= digits <= 12 or _DATE.search(found):
        return found
    if found.isdigit() and found[0] not in "789":  # a bare number that does not start like a Russian phone
        return found
    return PERSON_MASK


class PersonalMasker:
    """Masks secrets (:func:`redact`), e-mails, phones, and names: the ``names`` it is given (counterparty and
    customer names the journal stores as a line's subject) wherever they occur, and every «quoted» text in a
    line that speaks of a customer or a counterparty."""

    def __init__(self, names: set[str] | frozenset[str] = frozenset()) -> None:
        usable = sorted({n.strip() for n in names if n and len(n.strip()) >= MIN_SECRET_LENGTH}, key=len,
                        reverse=True)
        self._names = re.compile("|".join(re.escape(n) for n in usable), re.IGNORECASE) if usable else None

    def __call__(self, text: str) -> str:
        if not text:
            return text
        text = redact(text)
        if self._names is not None:
            text = self._names.sub(PERSON_MASK, text)
        text = _EMAIL.sub(PERSON_MASK, text)
        text = _PHONE_CANDIDATE.sub(_phone, text)
        return "\n".join(self._quotes(line) for line in text.split("\n"))

    @staticmethod
    def _quotes(line: str) -> str:
        if "«" not in line or not _PERSON_WORDS.search(_NOT_A_PERSON.sub("", line)):
            return line
        return _QUOTE.sub(f"«{PERSON_MASK}»", line)
