"""``svyazka icml [--out FILE]`` over HTTP against the sandbox: a valid ICML file, MoySklad only read,
RetailCRM not asked; without --out and without a folder in the settings, one sentence saying what to do."""

from __future__ import annotations

import pytest

from app.cli import EXIT_FAILED, EXIT_OK, main
from app.sandbox.sandbox import Sandbox, SandboxOptions
from tests.sync.catalog.test_icml import validate_icml


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(products=40, orders=0, rate_limit=False)) as sb:
        yield sb


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def profile(capsys, sandbox, keys, tmp_path):
    data = tmp_path / "data"
    code, _, err = run(capsys, "--data-dir", data, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                       "--moysklad-url", sandbox.moysklad_url, "--auto")
    assert code == 0, err
    return data


def test_icml_writes_the_file_and_only_reads_moysklad(capsys, sandbox, profile, tmp_path):
    out = tmp_path / "Каталог" / "feed.xml"
    sandbox.log.clear()
    code, text, err = run(capsys, "--data-dir", profile, "icml", "--out", out)
    assert code == EXIT_OK, err
    root = validate_icml(out)
    assert len(list(root.iterfind("shop/offers/offer"))) > 40
    assert str(out) in text and "Traceback" not in text + err
    requests = sandbox.log.entries()
    assert {r.method for r in requests} == {"GET"}
    assert not sandbox.log.entries("retailcrm")


def test_icml_without_a_place_says_what_to_do(capsys, profile):
    code, text, err = run(capsys, "--data-dir", profile, "icml")
    assert code == EXIT_FAILED
    assert "--out" in err + text and "Traceback" not in err + text
