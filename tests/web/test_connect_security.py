"""--http-listen keeps the gRPC port's rules: tokens, scopes, accounts, TLS, audit."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.security.tls import ListenRefused, TlsFiles
from tests.security.certs import make_certificates
from tests.security.test_auth import AUTH_FILE, TOKENS
from tests.web.connect import GATEWAY, JSON, SIMULATOR, bearer, details, limit_order, stream


async def _serve(tmp_path: Path, **settings: object) -> GatewayServer:
    server = GatewayServer(
        GatewayConfig(
            listen="127.0.0.1:0",
            http_listen="127.0.0.1:0",
            db_path=str(tmp_path / "gateway.db"),
            sim_accounts=("DU1", "DU2"),
            **settings,  # type: ignore[arg-type]
        )
    )
    await server.start()
    return server


@pytest.fixture
async def guarded(tmp_path: Path) -> AsyncIterator[GatewayServer]:
    auth_file = tmp_path / "auth.toml"
    auth_file.write_text(AUTH_FILE)
    server = await _serve(tmp_path, auth_file=str(auth_file))
    try:
        yield server
    finally:
        await server.stop()


def _client(server: GatewayServer) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.http_port}", timeout=10)


async def test_tokens_scopes_and_accounts(guarded: GatewayServer) -> None:
    async with _client(guarded) as http:
        anonymous = await http.post(GATEWAY + "ListOrders", json={}, headers=JSON)
        assert anonymous.status_code == 401
        assert anonymous.json()["code"] == "unauthenticated"
        assert details(anonymous.json()).reason == "MISSING_TOKEN"

        wrong = await http.post(
            GATEWAY + "ListOrders", json={}, headers=JSON | bearer("not-a-token-at-all")
        )
        assert details(wrong.json()).reason == "INVALID_TOKEN"

        reader = await http.post(
            GATEWAY + "SubmitOrder",
            json=limit_order("r-1", account="DU1"),
            headers=JSON | bearer(TOKENS["reader"]),
        )
        assert reader.status_code == 403
        assert details(reader.json()).reason == "MISSING_SCOPE"

        elsewhere = await http.post(
            GATEWAY + "SubmitOrder",
            json=limit_order("t-1", account="DU2"),
            headers=JSON | bearer(TOKENS["trader"]),
        )
        assert elsewhere.status_code == 403
        assert details(elsewhere.json()).reason == "ACCOUNT_NOT_PERMITTED"

        placed = await http.post(
            GATEWAY + "SubmitOrder",
            json=limit_order("t-2", account="DU1"),
            headers=JSON | bearer(TOKENS["trader"]),
        )
        assert placed.status_code == 200
        order_id = placed.json()["order"]["orderId"]

        # Another account's order looks like no order at all.
        hidden = await http.post(
            GATEWAY + "GetOrder",
            json={"order_id": order_id},
            headers=JSON | bearer(TOKENS["other"]),
        )
        assert details(hidden.json()).reason == "ORDER_NOT_FOUND"

        # The simulator needs admin.
        price = await http.post(
            SIMULATOR + "SetPrice",
            json={"symbol": "AAPL", "price": "1"},
            headers=JSON | bearer(TOKENS["trader"]),
        )
        assert details(price.json()).reason == "MISSING_SCOPE"


async def test_the_page_learns_what_its_token_may_do(guarded: GatewayServer) -> None:
    async with _client(guarded) as http:
        anonymous = await http.get("/caller")
        assert anonymous.status_code == 401
        assert anonymous.json()["code"] == "unauthenticated"
        trader = await http.get("/caller", headers=bearer(TOKENS["trader"]))
    assert trader.json() == {
        "name": "trader",
        "scopes": ["orders:read", "orders:write"],
        "accounts": ["DU1"],
    }
    assert trader.headers["cache-control"] == "no-store"


async def test_streams_show_only_the_tokens_accounts(guarded: GatewayServer) -> None:
    async with _client(guarded) as http:
        for who, account, coid in (("trader", "DU1", "mine"), ("other", "DU2", "theirs")):
            response = await http.post(
                GATEWAY + "SubmitOrder",
                json=limit_order(coid, account=account),
                headers=JSON | bearer(TOKENS[who]),
            )
            assert response.status_code == 200
        refused = await stream(http, "StreamOrderEvents", {"after_sequence": "0"})
        assert refused.end is not None
        assert refused.end["error"]["code"] == "unauthenticated"

        seen = await stream(
            http,
            "StreamOrderEvents",
            {"after_sequence": "0", "heartbeat_interval": "0.2s"},
            headers=bearer(TOKENS["trader"]),
            until=lambda got: any("heartbeat" in m for m in got),
        )
        ids = {m["event"]["clientOrderId"] for m in seen.messages if "event" in m}
        assert ids == {"mine"}


async def test_refused_and_accepted_calls_are_audited_by_name(guarded: GatewayServer) -> None:
    async with _client(guarded) as http:
        await http.post(GATEWAY + "CancelAllOrders", json={}, headers=JSON)
        await http.post(
            GATEWAY + "SubmitOrder",
            json=limit_order("audited", account="DU1"),
            headers=JSON | bearer(TOKENS["trader"]),
        )
        records = await http.post(
            GATEWAY + "ListAuditRecords", json={}, headers=JSON | bearer(TOKENS["admin"])
        )
    rows = [
        (r["principal"], r["method"].rsplit("/", 1)[1], r["status"])
        for r in records.json()["records"]
    ]
    assert rows == [
        ("unauthenticated", "CancelAllOrders", "UNAUTHENTICATED"),
        ("trader", "SubmitOrder", "OK"),
    ]


async def test_tls_with_http2_by_alpn_and_mutual_tls(tmp_path: Path) -> None:
    ca, server_pem, client = make_certificates(tmp_path)
    tls = TlsFiles(str(server_pem.cert), str(server_pem.key), client_ca=str(ca.cert))
    server = await _serve(tmp_path, tls=tls)
    url = f"https://127.0.0.1:{server.http_port}{GATEWAY}ListOrders"
    try:
        context = ssl.create_default_context(cafile=str(ca.cert))
        context.load_cert_chain(str(client.cert), str(client.key))
        async with httpx.AsyncClient(verify=context, http2=True) as https:
            response = await https.post(url, json={}, headers=JSON)
        assert response.status_code == 200
        assert response.http_version == "HTTP/2"

        without_cert = ssl.create_default_context(cafile=str(ca.cert))
        async with httpx.AsyncClient(verify=without_cert) as https:
            with pytest.raises(httpx.HTTPError):
                await https.post(url, json={}, headers=JSON)
        async with httpx.AsyncClient() as plain:
            with pytest.raises(httpx.HTTPError):
                await plain.post(url.replace("https", "http"), json={}, headers=JSON)
    finally:
        await server.stop()


def test_http_listen_beyond_loopback_needs_auth_and_tls(tmp_path: Path) -> None:
    with pytest.raises(ListenRefused, match=r"0\.0\.0\.0:0"):
        GatewayServer(
            GatewayConfig(
                listen="127.0.0.1:0", http_listen="0.0.0.0:0", db_path=str(tmp_path / "g.db")
            )
        )


async def test_a_port_in_use_stops_the_start(tmp_path: Path) -> None:
    first = await _serve(tmp_path)
    try:
        second = GatewayServer(
            GatewayConfig(
                listen="127.0.0.1:0",
                http_listen=f"127.0.0.1:{first.http_port}",
                db_path=str(tmp_path / "second.db"),
            )
        )
        with pytest.raises(ListenRefused, match="--http-listen"):
            await second.start()
        await second.stop()
    finally:
        await first.stop()
