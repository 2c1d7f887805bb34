"""``python -m app.sandbox.shapes compare``: a support bundle made after a sync against the sandbox holds the same
answer shapes as the sandbox itself (no differences); the tool's CLI reads a bundle and a journal file."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.clients.shape_journal import load
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.sandbox.shape_compare import compare, load_any, main as compare_main, sandbox_journal

SIZES = {"products": 40, "orders": 30}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(rate_limit=False, **SIZES)) as sb:
        yield sb


@pytest.fixture(scope="module")
def sandbox_shapes():
    return sandbox_journal(SandboxOptions(rate_limit=False, **SIZES))


def test_a_bundle_from_a_sandbox_sync_has_no_differences_with_the_sandbox(capsys, sandbox, keys, tmp_path,
                                                                           sandbox_shapes):
    assert main(["--data-dir", str(tmp_path), "setup", "--retailcrm-url", sandbox.retailcrm_url, "--moysklad-url",
                 sandbox.moysklad_url, "--auto"]) == 0
    assert main(["--data-dir", str(tmp_path), "sync", "--yes"]) in (0, 1)
    bundle = tmp_path / "bundle.zip"
    assert main(["--data-dir", str(tmp_path), "support-bundle", "--out", str(bundle)]) == 0
    capsys.readouterr()
    real = load_any(bundle)
    result = compare(real, sandbox_shapes)
    assert result.differences == []
    assert len(result.compared) >= 15 and not result.only_real and not result.only_sandbox
    # the journal holds shapes and the enum codes of the allow-list only
    stores = real["services"]["retailcrm"]["GET reference/stores"]["body"]["keys"]["stores"]["items"]["keys"]
    assert set(stores["inventoryType"]["values"]) == {"integer"}
    assert "values" not in stores["name"] and "values" not in stores["code"]

    # and the comparison can fail: a key, a type and an enum value the sandbox never gave
    stores["newKey"] = {"types": {"string": 1}}
    stores["inventoryType"]["values"]["negative"] = 1
    stores["name"]["types"]["null"] = 1
    found = compare(real, sandbox_shapes).differences
    assert sorted(found) == [
        'real-only retailcrm GET reference/stores stores[].inventoryType = "negative"',
        "real-only retailcrm GET reference/stores stores[].name: null",
        "real-only retailcrm GET reference/stores stores[].newKey: key",
    ]


def test_the_command_reads_a_journal_file_and_says_what_differs(capsys, tmp_path, sandbox_shapes):
    journal = json.loads(json.dumps(sandbox_shapes))
    endpoint = journal["services"]["moysklad"]["GET entity/product"]
    endpoint["headers"]["content-encoding"]["values"]["br"] = 1
    path = tmp_path / "profile-1.json"
    path.write_text(json.dumps(journal), encoding="utf-8")
    assert load(path) == journal
    assert compare_main(["compare", str(path), "--products", "40", "--orders", "30"]) == 1
    out = capsys.readouterr().out
    assert "moysklad GET entity/product\n  есть только в настоящем: header content-encoding = \"br\"" in out
    assert compare_main(["compare", str(tmp_path / "missing.zip")]) == 2
