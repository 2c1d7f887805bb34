"""``python -m app.sandbox.shapes compare``: a support bundle made after a sync against the sandbox holds the same
answer shapes as the sandbox itself (no differences); the tool's CLI reads a bundle and a journal file."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.clients.shape_journal import load
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.sandbox.shape_compare import compare, load_any, matches, sandbox_journal, unexplained
from app.sandbox.shape_compare import main as compare_main

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


# --- the answers recorded from real RetailCRM accounts ---------------------------------------------------------

# the recorded answers of the endpoints a sync calls (tests/recorded.py; shared/retailcrm-fixtures/README.md)
SYNC_FIXTURES = (
    "References/testSites.json", "References/testStores.json", "References/testStatuses.json",
    "References/testStatusGroups.json", "Orders/testList.json", "Orders/testHistory.json",
    "Store/testProducts.json", "Store/testProductGroups.json", "Store/testInventoriesUpload.json",
    "Store/testPricesUpload.json", "Store/testProductBatchCreate.json", "Store/testProductBatchEdit.json",
)


class _Open:
    def enter(self, call):
        return None

    def leave(self, permit, response):
        pass

    def rejection(self, response):
        return None


class _Recorded:
    """Answers each request with the recorded answer of its path (as tests/clients/test_recorded_answers.py)."""

    service = "retailcrm"

    def __init__(self, records):
        self.answers = {(r["method"], r["endpoint"]): r["response"] for r in records}

    def admit(self, request):
        return None

    def handle(self, request):
        from app.sandbox.core import Response

        return Response.json(self.answers[(request.method, request.path)])

    def release(self, request):
        pass

    def fault_response(self, kind):
        from app.sandbox.core import Response

        return Response.empty(500)


def recorded_journal() -> dict:
    """The journal the shared request loop keeps of the recorded answers, each asked over HTTP."""
    from app.clients.http import Call, HttpCore
    from app.clients.shape_journal import ShapeJournal
    from app.sandbox.core import EmulatorServer, RequestLog
    from tests.recorded import recorded_file

    records = [recorded_file(name) for name in SYNC_FIXTURES]
    journal = ShapeJournal()
    with EmulatorServer(_Recorded(records), log=RequestLog()) as server:
        http = HttpCore(service="retailcrm", base_url=server.base_url, gate=_Open())
        http.stats.shapes = journal
        try:
            for record in records:
                path = record["endpoint"].removeprefix("/api/v5/")
                http.send(Call(method=record["method"], path=f"api/v5/{path}", endpoint=f"{record['method']} {path}"))
        finally:
            http.close()
    return journal.snapshot()


def test_the_recorded_real_answers_differ_from_the_sandbox_only_as_explained(sandbox_shapes):
    from tests.known_shape_differences import KNOWN

    real = recorded_journal()
    sandbox_retailcrm = {"version": 1, "services": {"retailcrm": sandbox_shapes["services"]["retailcrm"]}}
    result = compare(real, sandbox_retailcrm)
    assert len(result.compared) == len(SYNC_FIXTURES), result.only_real
    left = unexplained(result.differences, KNOWN)
    assert not left, "differences from the real answers nobody has explained:\n" + "\n".join(left)
    unused = [p for p in KNOWN if not any(matches(line, p) for line in result.differences)]
    assert not unused, f"known differences that no longer occur (remove them): {unused}"
