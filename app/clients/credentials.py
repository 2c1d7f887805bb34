"""A key or token must be able to travel in an HTTP header: visible ASCII characters and nothing else.

A key with a Russian letter, a space or a line break in it (pasted with part of a sentence, read from an
environment variable with a trailing ``\\r\\n`` inside) cannot be sent: httpx refuses to encode the header,
and the request loop took that for a network failure, retried for 12 s and then called the service
overloaded (issue 12, "Keys that can't be keys"). Refused here at once, with what to do, whoever built the
client (setup, a key from the keyring or from the environment).

RetailCRM keys are 32 letters and digits and MoySklad tokens 40 hex digits (shared/docs), but only what HTTP
cannot carry is refused: the service itself says whether a well-formed key is right.
"""

from __future__ import annotations

from app.clients.errors import SettingsError

_WHAT = {
    # the page named as RetailCrmClient names it (API_KEYS_PAGE)
    "retailcrm": ("API-ключ RetailCRM", "ключ", "Скопируйте ключ заново в RetailCRM (Настройки → Интеграция → "
                  "Ключи доступа к API)"),
    "moysklad": ("Токен МойСклад", "токен", "Скопируйте токен МойСклад заново"),
}


def _flaw(secret: str) -> tuple[str, str] | None:
    """(what a person is told, a note for the log) about the first character HTTP cannot carry; None if fine."""
    for position, char in enumerate(secret, 1):
        if "!" <= char <= "~":
            continue
        if char in "\r\n":
            return "перенос строки", f"line break at position {position}"
        if char.isspace():
            return "пробел", f"whitespace at position {position}"
        if not char.isascii():
            return "русские буквы или другие не латинские символы", f"non-ASCII character at position {position}"
        return "невидимый управляющий символ", f"control character at position {position}"
    return None


def check_header_secret(service: str, secret: str) -> str:
    """``secret`` when it can be sent in a header; otherwise :class:`SettingsError` (``bad_credentials``)."""
    flaw = _flaw(secret)
    if flaw is None:
        return secret
    title, noun, advice = _WHAT.get(service, ("Ключ", "ключ", "Скопируйте ключ заново"))
    said, detail = flaw
    raise SettingsError(
        service,
        f"{title} не может содержать {said}: в настоящем {noun}е только латинские буквы, цифры и знаки. "
        f"{advice} и вставьте его без лишних символов.",
        reason="bad_credentials",
        detail=f"unusable {service} secret: {detail}",
    )
