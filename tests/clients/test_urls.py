"""normalize_account_url: whatever the user pastes becomes scheme://host[:port], garbage a SettingsError."""

import pytest

from app.clients.errors import SettingsError
from app.clients.urls import normalize_account_url


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("https://shop.retailcrm.ru", "https://shop.retailcrm.ru"),
        ("shop.retailcrm.ru", "https://shop.retailcrm.ru"),
        ("  HTTPS://Shop.RetailCRM.ru/  ", "https://shop.retailcrm.ru"),
        ("https://shop.simla.com/", "https://shop.simla.com"),
        ("https://shop.retailcrm.ru///", "https://shop.retailcrm.ru"),
        ("https://shop.retailcrm.ru/api/v5/orders?apiKey=abc123", "https://shop.retailcrm.ru"),
        ("shop.retailcrm.ru/api/v5/", "https://shop.retailcrm.ru"),
        ("https://shop.retailcrm.ru/orders/1024/edit#items", "https://shop.retailcrm.ru"),
        ("https://shop.retailcrm.ru/admin/settings", "https://shop.retailcrm.ru"),
        ("crm.my-shop.com", "https://crm.my-shop.com"),
        ("http://shop.retailcrm.ru", "https://shop.retailcrm.ru"),  # RetailCRM is HTTPS only
        ("https://shop.retailcrm.ru:443/", "https://shop.retailcrm.ru"),
        ("https://crm.example.org:8443/x", "https://crm.example.org:8443"),
        ("//shop.retailcrm.ru", "https://shop.retailcrm.ru"),
        ("https://user:secret@shop.retailcrm.ru/", "https://shop.retailcrm.ru"),
        ("shop.retailcrm.ru.", "https://shop.retailcrm.ru"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/api/v5/", "http://127.0.0.1:8080"),
        ("127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("localhost:5000", "http://localhost:5000"),
        ("http://localhost", "http://localhost"),
        ("https://localhost:9000", "https://localhost:9000"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
        ("Магазин.рф", "https://xn--80aairftm.xn--p1ai"),  # IDN as punycode,
    ],
)
def test_normalizes_what_users_paste(pasted, expected):
    assert normalize_account_url(pasted) == expected


def test_normalizing_twice_changes_nothing():
    once = normalize_account_url("Shop.RetailCRM.ru/api/v5")
    assert normalize_account_url(once) == once


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "hello world",
        "shop",
        "ftp://shop.retailcrm.ru",
        "https://",
        "https://-bad-.retailcrm.ru",
        "shop.retailcrm.ru:notaport",
        "1.2.3",
        "https://shop_name.retailcrm.ru",
        "mailto:owner@shop.ru",
        "owner@shop.ru",
    ],
)
def test_garbage_is_a_settings_error_with_a_human_message(garbage):
    with pytest.raises(SettingsError) as caught:
        normalize_account_url(garbage)
    error = caught.value
    assert error.reason == "bad_url"
    assert error.service == "retailcrm"
    assert "RetailCRM" in error.message
    assert "https://" in error.message  # shows what a right address looks like


def test_error_does_not_echo_a_key_pasted_into_the_url():
    from app.redact import register_secret

    key = "k3yThatMustNotLeak9876"
    register_secret(key)
    with pytest.raises(SettingsError) as caught:
        normalize_account_url(f"not a url ?apiKey={key}")
    assert key not in str(caught.value)
    assert key not in repr(caught.value)
