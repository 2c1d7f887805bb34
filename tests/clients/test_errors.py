"""The error hierarchy: plain Russian messages, stable reasons, secrets masked everywhere."""

import pytest

from app.clients.errors import (
    FieldError,
    ItemError,
    MaybeApplied,
    NotFound,
    ProtocolError,
    RemoteValidationError,
    ServiceUnavailable,
    SettingsError,
    SvyazkaApiError,
    protocol_message,
    register_secret,
    unavailable_message,
    validation_message,
)
from app.messages import msg


def test_hierarchy():
    for cls in (SettingsError, ServiceUnavailable, RemoteValidationError, ProtocolError, NotFound):
        assert issubclass(cls, SvyazkaApiError)
    assert issubclass(MaybeApplied, ServiceUnavailable)


def test_fields_and_text():
    error = SettingsError("retailcrm", "Ключ не подошёл.", reason="bad_credentials", status=403, detail="HTTP 403")
    assert (error.service, error.status, error.reason) == ("retailcrm", 403, "bad_credentials")
    assert error.service_name == "RetailCRM"
    assert str(error) == "Ключ не подошёл. [HTTP 403]"
    assert "SettingsError" in repr(error) and "403" in repr(error)


def test_secrets_are_masked_in_message_detail_str_and_repr():
    secret = "tok-0123456789abcdef"
    register_secret(secret)
    error = ServiceUnavailable("moysklad", f"ошибка {secret}", detail=f"Authorization: Bearer {secret}")
    for text in (error.message, error.detail, str(error), repr(error)):
        assert secret not in text
        assert "***" in text


def test_authorization_headers_are_masked_even_when_never_registered():
    error = ProtocolError("moysklad", "сбой", detail="headers: Authorization: Bearer abcdefgh12345678 x-api-key=zzz999")
    assert "abcdefgh12345678" not in str(error)
    assert "zzz999" not in str(error)


def test_validation_message_lists_fields_without_double_periods():
    errors = [FieldError("name", "не может быть пустым."), FieldError(None, "ещё что-то.", code=3000)]
    message = validation_message("moysklad", errors)
    assert message.code == "clients.validation"
    assert message.params == {"service": "moysklad", "body": "name: не может быть пустым; ещё что-то", "more": ""}
    text = str(message)  # one rendering check: the Russian sentence as before
    assert text.startswith("МойСклад отклонил данные: name: не может быть пустым; ещё что-то")
    assert ".." not in text
    many = validation_message("retailcrm", [FieldError(f"f{i}", "плохо") for i in range(8)])
    assert many.params["more"] == msg("clients.validation_more", n=3)
    assert validation_message("retailcrm", []).code == "clients.validation_bare"


def test_item_error_message():
    item = ItemError(2, (FieldError("agent", "нужен"), FieldError(None, "и ещё")))
    assert item.message == "agent: нужен; и ещё"
    assert ItemError(0, ()).message == "ошибка без описания"


@pytest.mark.parametrize("service", ["retailcrm", "moysklad"])
def test_ready_made_messages_say_what_to_do(service):
    assert unavailable_message(service) == msg("clients.unavailable", service=service)
    assert protocol_message(service) == msg("clients.protocol", service=service)


def test_an_error_carries_its_message_and_keeps_the_russian_text():
    error = ServiceUnavailable("moysklad", unavailable_message("moysklad"))
    assert error.msg is not None and error.msg.code == "clients.unavailable"
    assert error.message == str(error.msg) and error.message.startswith("МойСклад сейчас перегружен")
    assert error.text("en").startswith("MoySklad is overloaded or down right now.")
    assert error.sentence is error.msg
    legacy = SettingsError("retailcrm", "Ключ не подошёл.", reason="bad_credentials")
    assert legacy.msg is None and legacy.text("en") == "Ключ не подошёл." and legacy.sentence == "Ключ не подошёл."
