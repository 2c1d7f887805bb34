"""``python -m app.sandbox``: one JSON line when ready, real services behind it, clean stop on SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import httpx


def test_serves_until_sigterm_and_prints_working_credentials():
    process = subprocess.Popen(
        [sys.executable, "-m", "app.sandbox", "--products", "50", "--orders", "5", "--no-rate-limit",
         "--retailcrm-refuse-limit-250"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        creds = json.loads(line)
        rc = httpx.get(
            creds["retailcrm"]["url"] + "/api/v5/reference/stores", headers={"X-API-KEY": creds["retailcrm"]["api_key"]}
        )
        assert rc.status_code == 200 and rc.json()["success"] is True
        # another key of the same account works too, and the switch refuses limit=250 on the catalog lists
        other = creds["retailcrm"]["other_api_key"]
        assert other and other != creds["retailcrm"]["api_key"]
        products = httpx.get(
            creds["retailcrm"]["url"] + "/api/v5/store/products", params={"limit": 250}, headers={"X-API-KEY": other}
        )
        assert products.status_code == 400 and "limit" in products.json()["errors"]
        ms = httpx.get(
            creds["moysklad"]["url"] + "/entity/store",
            headers={"Authorization": f"Bearer {creds['moysklad']['token']}", "Accept-Encoding": "gzip"},
        )
        assert ms.status_code == 200 and ms.json()["meta"]["size"] >= 1
        basic = httpx.get(
            creds["moysklad"]["url"] + "/entity/organization",
            auth=(creds["moysklad"]["login"], creds["moysklad"]["password"]),
        )
        assert basic.status_code == 200
    finally:
        if sys.platform == "win32":  # no SIGTERM there: terminate() is TerminateProcess, which exits 1
            process.terminate()
            process.wait(timeout=10)
        else:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
    assert process.stdout.read() == ""  # exactly one line


def test_refuses_to_listen_beyond_this_computer():
    result = subprocess.run(
        [sys.executable, "-m", "app.sandbox", "--host", "0.0.0.0"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "127.0.0.1" in result.stderr
