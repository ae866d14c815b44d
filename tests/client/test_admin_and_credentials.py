"""The Python client's kill switch, audit trail, bearer token and TLS against a real gateway."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ibkr_gateway.security.tls import TlsFiles
from ibkr_gateway_client import (
    AsyncGatewayClient,
    FailedPreconditionError,
    GatewayClient,
    PermissionDeniedError,
    RetryPolicy,
    UnauthenticatedError,
    UnavailableError,
    tls_credentials,
)
from tests.security.certs import make_certificates
from tests.service.conftest import Gateway, start_gateway, stop_gateway

ADMIN = "admin-token-0123456789a"
TRADER = "trader-token-0123456789"
AUTH_FILE = f"""
[[tokens]]
name = "ops"
token = "{ADMIN}"
scopes = ["admin"]
accounts = ["*"]

[[tokens]]
name = "trader"
token = "{TRADER}"
scopes = ["orders:read", "orders:write"]
accounts = ["*"]
"""


@pytest.fixture
async def client(gw: Gateway) -> AsyncIterator[AsyncGatewayClient]:
    async with AsyncGatewayClient(f"127.0.0.1:{gw.server.port}") as c:
        yield c


async def test_kill_switch_engage_status_release(client: AsyncGatewayClient) -> None:
    resting = await client.submit_order("AAPL", "BUY", 1, order_type="LIMIT", limit_price=50)
    switch, cancelled = await client.engage_kill_switch("desk on fire")
    assert (switch.engaged, switch.reason, switch.set_by) == (True, "desk on fire", "local")
    assert switch.set_time is not None
    assert [o.order_id for o in cancelled] == [resting.order_id]
    with pytest.raises(FailedPreconditionError) as refused:
        await client.submit_order("AAPL", "BUY", 1)
    assert refused.value.reason == "KILL_SWITCH_ENGAGED"
    assert (await client.get_kill_switch()).engaged
    released = await client.release_kill_switch("fire out")
    assert not released.engaged
    assert (await client.submit_order("AAPL", "BUY", 1)).status != "REJECTED"


async def test_halting_one_account(client: AsyncGatewayClient) -> None:
    switch, _ = await client.engage_kill_switch("one desk", accounts=["DU2"])
    assert not switch.engaged
    assert [(h.account, h.reason) for h in switch.halted_accounts] == [("DU2", "one desk")]
    with pytest.raises(FailedPreconditionError):
        await client.submit_order("AAPL", "BUY", 1, account="DU2")
    await client.submit_order("AAPL", "BUY", 1, account="DU3")
    assert (await client.release_kill_switch(accounts=["DU2"])).halted_accounts == ()


async def test_audit_records_page_through_every_mutating_call(
    client: AsyncGatewayClient,
) -> None:
    for _ in range(3):
        await client.submit_order("AAPL", "BUY", 1)
    await client.engage_kill_switch("audit me")
    await client.release_kill_switch()
    records = [r async for r in client.list_audit_records(page_size=2)]
    assert [r.method.rsplit("/", 1)[1] for r in records] == ["SubmitOrder"] * 3 + [
        "SetKillSwitch"
    ] * 2
    assert [r.id for r in records] == sorted(r.id for r in records)
    assert {r.principal for r in records} == {"local"}
    assert records[3].status == "OK"
    assert "audit me" in records[3].request_json


async def test_a_token_is_sent_with_every_call_and_stream(tmp_path: Path) -> None:
    (tmp_path / "auth.toml").write_text(AUTH_FILE)
    gw = await start_gateway(tmp_path / "auth.db", auth_file=str(tmp_path / "auth.toml"))
    target = f"127.0.0.1:{gw.server.port}"
    try:
        async with AsyncGatewayClient(target, token=TRADER) as trader:
            order = await trader.submit_order("AAPL", "BUY", 1)
            events = aiter(trader.order_events(heartbeat_interval=0.2))
            assert (await anext(events)).order_id == order.order_id
            with pytest.raises(PermissionDeniedError) as denied:
                await trader.engage_kill_switch("not mine to pull")
            assert denied.value.reason == "MISSING_SCOPE"
        async with AsyncGatewayClient(target, token=ADMIN) as admin:
            assert not (await admin.get_kill_switch()).engaged
            assert {r.principal async for r in admin.list_audit_records()} == {"trader"}
        async with AsyncGatewayClient(target) as anonymous:
            with pytest.raises(UnauthenticatedError):
                await anonymous.get_order(order.order_id)
    finally:
        await stop_gateway(gw)


async def test_tls_with_a_private_ca(tmp_path: Path) -> None:
    ca, server, _ = make_certificates(tmp_path)
    gw = await start_gateway(tmp_path / "tls.db", tls=TlsFiles(str(server.cert), str(server.key)))
    target = f"127.0.0.1:{gw.server.port}"
    try:
        async with AsyncGatewayClient(target, credentials=tls_credentials(ca.cert)) as secure:
            assert (await secure.submit_order("AAPL", "BUY", 1)).symbol == "AAPL"
        # A plain-text client never gets through to a TLS gateway: it fails on connecting.
        with pytest.raises(UnavailableError):
            async with AsyncGatewayClient(
                target, retry=RetryPolicy(attempts=1), connect_timeout=1
            ) as plain:
                await plain.get_kill_switch()
    finally:
        await stop_gateway(gw)


async def test_mutual_tls_presents_the_client_certificate(tmp_path: Path) -> None:
    ca, server, client_pem = make_certificates(tmp_path)
    tls = TlsFiles(str(server.cert), str(server.key), client_ca=str(ca.cert))
    gw = await start_gateway(tmp_path / "mtls.db", tls=tls)
    try:
        credentials = tls_credentials(ca.cert, client_pem.cert, client_pem.key)
        async with AsyncGatewayClient(
            f"127.0.0.1:{gw.server.port}", credentials=credentials
        ) as client:
            assert not (await client.get_kill_switch()).engaged
    finally:
        await stop_gateway(gw)
    with pytest.raises(ValueError, match="needs its key"):
        tls_credentials(ca.cert, client_pem.cert)
    (tmp_path / "notes.txt").write_text("not a certificate")
    with pytest.raises(ValueError, match="is not a PEM file"):
        tls_credentials(tmp_path / "notes.txt")


async def test_the_blocking_client_has_the_same_admin_calls(gw: Gateway) -> None:
    def admin_calls() -> tuple[bool, bool, list[str]]:
        with GatewayClient(f"127.0.0.1:{gw.server.port}") as client:
            engaged, _ = client.engage_kill_switch("blocking")
            released = client.release_kill_switch()
            methods = [r.method for r in client.list_audit_records()]
        return engaged.engaged, released.engaged, methods

    # The blocking client waits on its own loop; this test's loop must stay free to serve.
    engaged, released, methods = await asyncio.to_thread(admin_calls)
    assert (engaged, released) == (True, False)
    assert len(methods) == 2
