"""`svyazka setup` for returns: the return statuses (default: the cancel group) and the status of an order the
warehouse shipped in MoySklad."""

from __future__ import annotations

import pytest

from app.cli import main
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(products=60, orders=30, rate_limit=False)) as sb:
        yield sb


def _setup(capsys, sandbox, data_dir, *extra):
    code = main([str(a) for a in ("--data-dir", data_dir, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                                  "--moysklad-url", sandbox.moysklad_url, "--auto", *extra)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _saved(data_dir):
    db = Database.open(data_dir / "svyazka.sqlite3")
    try:
        profile = db.profiles.list()[0]
        return db.settings(profile.id).load_sync()
    finally:
        db.close()


def test_auto_setup_returns_at_the_cancel_group_and_options_choose(capsys, sandbox, keys, tmp_path):
    code, out, err = _setup(capsys, sandbox, tmp_path)
    assert code == 0, err
    assert "возврат покупателя при статусах: статусы группы «Отменен»" in out
    assert _saved(tmp_path).return_statuses is None

    code, out, err = _setup(capsys, sandbox, tmp_path, "--return-statuses", "cancel-other,no-product",
                            "--shipped-in-ms-status", "send-to-delivery")
    assert code == 0, err
    saved = _saved(tmp_path)
    assert saved.return_statuses == ("cancel-other", "no-product")
    assert saved.shipped_in_ms_status == "send-to-delivery"
    assert "заказ, отгруженный в МойСклад, получает статус: send-to-delivery" in out

    code, out, err = _setup(capsys, sandbox, tmp_path, "--return-statuses", "")
    assert code == 0, err
    assert _saved(tmp_path).return_statuses == ()
    assert "возврат покупателя при статусах: не создаётся" in out

    code, _, err = _setup(capsys, sandbox, tmp_path, "--return-statuses", "nope")
    assert code == 2 and "неизвестные статусы RetailCRM: nope" in err


def test_the_statuses_back_are_switched_on_and_off(capsys, sandbox, keys, tmp_path):
    code, out, err = _setup(capsys, sandbox, tmp_path)
    assert code == 0, err
    assert _saved(tmp_path).reverse_status_flow is False
    assert "статусы из МойСклад в RetailCRM: не передаются" in out

    code, out, err = _setup(capsys, sandbox, tmp_path, "--statuses-back", "on")
    assert code == 0, err
    assert _saved(tmp_path).reverse_status_flow is True
    assert "статусы из МойСклад в RetailCRM: передаются" in out
    assert _saved(tmp_path).reverse_status_map, "the reverse map the wizard would suggest is saved with it"

    code, _, err = _setup(capsys, sandbox, tmp_path, "--statuses-back", "off")
    assert code == 0 and _saved(tmp_path).reverse_status_flow is False
