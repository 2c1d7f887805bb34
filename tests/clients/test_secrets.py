"""No key, token, password or Authorization header in any exception text or log record."""

from __future__ import annotations

import logging
import traceback
from decimal import Decimal

import pytest

from app.clients.errors import SvyazkaApiError
from app.clients.moysklad import MoySkladClient, MoySkladLimits
from app.clients.retailcrm import RetailCrmClient, RetailCrmLimits
from app.sandbox.core import EmulatorServer, FaultConfig, Request, RequestLog, Response
from app.sandbox.moysklad import MoySkladEmulator, Weights
from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.seed import Shop

from .conftest import fast_retry, faults, rendered

RC_KEY = "rcKeyThatMustNeverLeak0123456789"
MS_PASSWORD = "Pa55word-that-must-not-leak"


class EchoingService:
    """A careless server that copies the credentials it received into its error messages."""

    def __init__(self, service: str) -> None:
        self.service = service

    def admit(self, request: Request) -> Response | None:
        return None

    def handle(self, request: Request) -> Response:
        secret = request.header("x-api-key") or request.header("authorization") or ""
        if self.service == "retailcrm":
            return Response.json(
                {"success": False, "errorMsg": f"Bad request with key {secret}", "errors": {"apiKey": secret}},
                status=400,
            )
        return Response.json({"errors": [{"error": f"Refused: {secret}", "code": 3000, "parameter": secret}]}, 412)

    def release(self, request: Request) -> None:
        pass

    def fault_response(self, kind: str) -> Response:
        return Response.empty(500)


def texts_of(error: BaseException) -> str:
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    if isinstance(error, SvyazkaApiError):
        parts += [error.message, error.detail]
    return "\n".join(parts)


def run_and_collect(call) -> str:
    try:
        call()
    except Exception as exc:
        return texts_of(exc)
    return ""


def test_nothing_secret_leaks(shop: Shop, captured_logs: list[logging.LogRecord]):
    rc_emulator = RetailCrmEmulator(shop, rps=60, api_key=RC_KEY)
    ms_emulator = MoySkladEmulator(shop, weights=Weights(user=1), password=MS_PASSWORD)
    ms_token = ms_emulator.token
    secrets = [RC_KEY, ms_token, MS_PASSWORD]
    texts: list[str] = []
    with (
        EmulatorServer(rc_emulator, log=RequestLog()) as rc,
        EmulatorServer(ms_emulator, log=RequestLog()) as ms,
        EmulatorServer(EchoingService("retailcrm"), log=RequestLog()) as rc_echo,
        EmulatorServer(EchoingService("moysklad"), log=RequestLog()) as ms_echo,
    ):
        ms_base = ms.base_url + "/api/remap/1.2"
        rc_limits = RetailCrmLimits(requests_per_second=60, rejection_pause=0.01)
        with RetailCrmClient(rc.base_url, RC_KEY, limits=rc_limits, retry=fast_retry(attempts=12)) as client:
            texts.append(repr(client))
            offer = rc_emulator.state.offers()[0]
            with faults(rc, FaultConfig(share_5xx=0.2, share_rate_limited=0.2, share_dropped=0.1, seed=2)):
                assert list(client.iter_orders())
            with faults(rc, FaultConfig(share_dropped=1.0)):
                texts.append(
                    run_and_collect(
                        lambda: client.create_order(
                            {
                                "externalId": "leak-1",
                                "items": [
                                    {"offer": {"xmlId": offer["xmlId"]}, "quantity": 1, "initialPrice": Decimal("1")}
                                ],
                            }
                        )
                    )
                )
            texts.append(run_and_collect(lambda: client.edit_order_status(1, "no-such-status", by="id")))
        with RetailCrmClient(rc.base_url, RC_KEY + "x", retry=fast_retry()) as wrong:
            texts.append(run_and_collect(wrong.check_credentials))
        with RetailCrmClient(rc_echo.base_url, RC_KEY, retry=fast_retry()) as echo:
            texts.append(run_and_collect(echo.sites))

        texts.append(
            run_and_collect(lambda: MoySkladClient.obtain_token(ms_emulator.login, MS_PASSWORD + "!", base_url=ms_base))
        )
        token = MoySkladClient.obtain_token(ms_emulator.login, MS_PASSWORD, base_url=ms_base)
        secrets.append(token)
        limits = MoySkladLimits(user_weight=1)
        with MoySkladClient(token, base_url=ms_base, limits=limits, retry=fast_retry(attempts=12)) as client:
            texts.append(repr(client))
            with faults(ms, FaultConfig(share_5xx=0.2, share_dropped=0.1, share_malformed=0.05, seed=4)):
                assert client.check_access().stores
            texts.append(run_and_collect(lambda: client.create("customerorder", {"name": "no organization"})))
        with MoySkladClient(ms_token, base_url=ms_base, retry=fast_retry()) as revoked:  # revoked by obtain_token
            texts.append(run_and_collect(revoked.price_types))
        with MoySkladClient(token, base_url=ms_echo.base_url, retry=fast_retry()) as echo:
            texts.append(run_and_collect(lambda: echo.create("product", {"name": "x"})))

    everything = "\n".join(texts) + rendered(captured_logs)
    assert sum(1 for t in texts if t) >= 7  # the failures really happened and produced text
    assert any(r.name.startswith("app.clients") for r in captured_logs)  # and the clients did log
    for secret in secrets:
        assert secret not in everything
    assert "Bearer " + token not in everything
    assert "***" in everything  # the echoed credentials were masked, not dropped silently


@pytest.mark.parametrize("service", ["retailcrm", "moysklad"])
def test_echoed_credentials_are_masked_in_the_message(service: str):
    with EmulatorServer(EchoingService(service), log=RequestLog()) as server:
        if service == "retailcrm":
            client = RetailCrmClient(server.base_url, RC_KEY, retry=fast_retry())
            text = run_and_collect(client.sites)
        else:
            client = MoySkladClient(RC_KEY, base_url=server.base_url, retry=fast_retry())
            text = run_and_collect(lambda: client.create("product", {"name": "x"}))
        client.close()
    assert "отклонил данные" in text
    assert RC_KEY not in text
