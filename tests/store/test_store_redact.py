from __future__ import annotations

import io
import logging
import threading
from urllib.parse import quote

import pytest

from app.redact import MASK, RedactingFilter, redact, register_secret

SECRET = "sk_live_9f8e7d6c5b4a"


def test_registered_secret_is_masked_everywhere_in_a_text() -> None:
    assert redact(f"key {SECRET} and again {SECRET}.") == f"key {SECRET} and again {SECRET}."
    register_secret(SECRET)
    assert redact(f"key {SECRET} and again {SECRET}.") == f"key {MASK} and again {MASK}."


def test_encoded_forms_of_a_secret_are_masked_too() -> None:
    tricky = "a/b+c=d&e"
    register_secret(tricky)
    assert tricky not in redact(f"raw {tricky}")
    assert quote(tricky, safe="") not in redact(f"url ?x={quote(tricky, safe='')}")


def test_short_values_are_not_treated_as_secrets() -> None:
    register_secret("a")
    register_secret("abc")
    register_secret("")
    register_secret(None)
    assert redact("a cab abc") == "a cab abc"


def test_longer_secret_containing_a_shorter_one_is_masked_whole() -> None:
    register_secret("token")
    register_secret("token-extended-part")
    assert redact("x token-extended-part y") == f"x {MASK} y"


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("GET https://shop.retailcrm.ru/api/v5/orders?apiKey=Zx81Kq0&limit=20", "Zx81Kq0"),
        ("X-API-KEY: Zx81Kq0", "Zx81Kq0"),
        ("headers={'X-API-KEY': 'Zx81Kq0', 'Accept': 'json'}", "Zx81Kq0"),
        ('{"apiKey": "Zx81Kq0"}', "Zx81Kq0"),
        ("Authorization: Bearer 7f3a9c2e5b1d", "7f3a9c2e5b1d"),
        ("authorization: basic YWRtaW46c2VjcmV0", "YWRtaW46c2VjcmV0"),
        ("{'Authorization': 'Bearer 7f3a9c2e5b1d'}", "7f3a9c2e5b1d"),
        ("token rejected: Bearer 7f3a9c2e5b1d", "7f3a9c2e5b1d"),
    ],
)
def test_credential_patterns_are_masked_without_registration(text: str, leak: str) -> None:
    masked = redact(text)
    assert leak not in masked
    assert MASK in masked


def test_ordinary_text_is_left_alone() -> None:
    text = "Заказ №A-1021 выгружен в МойСклад; basic settings ok; limit=20"
    assert redact(text) == text


def test_filter_masks_message_args_and_traceback() -> None:
    register_secret(SECRET)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("svyazka.test.redact")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("request to %s failed", f"https://x.test/api?apiKey={SECRET}")
        logger.warning("dict arg %s", {"token": SECRET})
        try:
            raise RuntimeError(f"boom with {SECRET}")
        except RuntimeError:
            logger.exception("crashed")
        logger.warning("bad format %s %s", SECRET)  # wrong arg count must not leak either
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert SECRET not in output
    assert "request to https://x.test/api?apiKey=***" in output
    assert "RuntimeError: boom with ***" in output
    assert "crashed" in output and "bad format" in output


def test_registry_is_thread_safe() -> None:
    secrets = [f"secret-{i:04d}-value" for i in range(200)]
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def register(part: list[str]) -> None:
        try:
            start.wait()
            for s in part:
                register_secret(s)
                assert s not in redact(f"value {s} here")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(secrets[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    text = " ".join(secrets)
    assert all(s not in redact(text) for s in secrets)
