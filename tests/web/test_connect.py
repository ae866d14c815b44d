"""The services over the Connect protocol (--http-listen), spoken as curl would."""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from ibkr.gateway.v1 import (
    gateway_connect,
    gateway_pb2,
    orders_pb2,
    simulator_connect,
    simulator_pb2,
)

from ibkr_gateway.rpc.connect import _Servicer
from ibkr_gateway.rpc.server import GATEWAY_SERVICE, SIMULATOR_SERVICE
from ibkr_gateway.rpc.servicer import OrderGatewayServicer
from ibkr_gateway.rpc.simulator import SimulatorControlServicer
from tests.service.conftest import Gateway, start_gateway, stop_gateway
from tests.web.connect import (
    ACCOUNT,
    GATEWAY,
    JSON,
    SIMULATOR,
    details,
    limit_order,
    stream,
)


@dataclass
class Web:
    gw: Gateway
    http: httpx.AsyncClient


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[Web]:
    gw = await start_gateway(tmp_path / "gateway.db", http_listen="127.0.0.1:0")
    client = httpx.AsyncClient(base_url=f"http://127.0.0.1:{gw.server.http_port}", timeout=10)
    try:
        yield Web(gw, client)
    finally:
        await client.aclose()
        await stop_gateway(gw)


async def test_json_submit_then_list(web: Web) -> None:
    response = await web.http.post(GATEWAY + "SubmitOrder", json=limit_order("web-1"), headers=JSON)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    order = response.json()["order"]
    assert order["spec"]["clientOrderId"] == "web-1"
    assert order["spec"]["limitPrice"] == "50"
    # The same order over gRPC: one gateway, two transports.
    got = await web.gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=order["orderId"]))
    assert got.order.spec.client_order_id == "web-1"

    listed = await web.http.post(GATEWAY + "ListOrders", json={}, headers=JSON)
    assert listed.status_code == 200
    assert [o["orderId"] for o in listed.json()["orders"]] == [order["orderId"]]

    # A retry is answered with the original order, as over gRPC.
    again = await web.http.post(GATEWAY + "SubmitOrder", json=limit_order("web-1"), headers=JSON)
    assert again.json()["order"]["orderId"] == order["orderId"]


async def test_binary_unary_and_http2(web: Web) -> None:
    request = gateway_pb2.SubmitOrderRequest()
    request.order.client_order_id = "bin-1"
    request.order.contract.symbol = "MSFT"
    request.order.side = orders_pb2.SIDE_BUY
    request.order.quantity = "5"
    request.order.order_type = orders_pb2.ORDER_TYPE_LIMIT
    request.order.limit_price = "10"
    port = web.gw.server.http_port
    # Cleartext HTTP/2 with prior knowledge (curl --http2-prior-knowledge).
    async with httpx.AsyncClient(http1=False, http2=True) as h2:
        response = await h2.post(
            f"http://127.0.0.1:{port}{GATEWAY}SubmitOrder",
            content=request.SerializeToString(),
            headers={"content-type": "application/proto"},
        )
    assert response.http_version == "HTTP/2"
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/proto"
    order = gateway_pb2.SubmitOrderResponse.FromString(response.content).order
    assert order.spec.client_order_id == "bin-1"


async def test_errors_carry_code_and_google_rpc_details(web: Web) -> None:
    missing = await web.http.post(GATEWAY + "GetOrder", json={"order_id": "nope"}, headers=JSON)
    assert missing.status_code == 404
    error = missing.json()
    assert error["code"] == "not_found"
    assert details(error).reason == "ORDER_NOT_FOUND"
    assert details(error).domain == "ibkr-gateway"

    bad = await web.http.post(
        GATEWAY + "SubmitOrder", json=limit_order("bad-1", price="-1"), headers=JSON
    )
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_argument"
    assert "order.limit_price" in details(bad.json()).fields

    # Same ErrorInfo as the gRPC call gets for the same mistake.
    cancelled = await web.http.post(
        GATEWAY + "SubmitOrder", json=limit_order("fin-1", price="200"), headers=JSON
    )
    order_id = cancelled.json()["order"]["orderId"]
    async with asyncio.timeout(10):
        # The fill is reported on a later loop turn: wait for it, not for a fixed time.
        while True:
            got = await web.http.post(
                GATEWAY + "GetOrder", json={"order_id": order_id}, headers=JSON
            )
            if got.json()["order"]["status"] == "ORDER_STATUS_FILLED":
                break
            await asyncio.sleep(0.01)
    again = await web.http.post(GATEWAY + "CancelOrder", json={"order_id": order_id}, headers=JSON)
    assert again.json()["code"] == "failed_precondition"
    assert details(again.json()).reason == "ORDER_NOT_CANCELLABLE"


async def test_a_misspelt_or_malformed_field_is_refused(web: Web) -> None:
    request = limit_order("typo-1")
    request["order"]["time_in_forse"] = "TIME_IN_FORCE_GTC"
    response = await web.http.post(GATEWAY + "SubmitOrder", json=request, headers=JSON)
    assert response.status_code == 400
    assert details(response.json()).reason == "MALFORMED_REQUEST"
    for garbage in (b"{not json", b'{"order": "\xff"}'):
        refused = await web.http.post(GATEWAY + "SubmitOrder", content=garbage, headers=JSON)
        assert refused.json()["code"] == "invalid_argument"
        assert details(refused.json()).reason == "MALFORMED_REQUEST"
    proto = {"content-type": "application/proto"}
    truncated = await web.http.post(GATEWAY + "SubmitOrder", content=b"\x0a\x05ab", headers=proto)
    assert details(truncated.json()).reason == "MALFORMED_REQUEST"
    listed = await web.http.post(GATEWAY + "ListOrders", json={}, headers=JSON)
    assert listed.json() == {}


async def test_server_stream_replays_then_follows_and_resumes(web: Web) -> None:
    first = await web.http.post(GATEWAY + "SubmitOrder", json=limit_order("s-1"), headers=JSON)
    order_id = first.json()["order"]["orderId"]

    def cancelled(messages: list[dict[str, object]]) -> bool:
        return any("cancel" in m.get("event", {}) for m in messages)  # type: ignore[operator]

    async def follow() -> list[dict[str, object]]:
        result = await stream(
            web.http, "StreamOrderEvents", {"after_sequence": "0"}, until=cancelled
        )
        return result.messages

    following = asyncio.create_task(follow())
    await asyncio.sleep(0.2)
    await web.http.post(GATEWAY + "CancelOrder", json={"order_id": order_id}, headers=JSON)
    messages = await asyncio.wait_for(following, 10)
    events = [m["event"] for m in messages if "event" in m]
    sequences = [int(e["sequence"]) for e in events]  # type: ignore[index]
    assert sequences == sorted(sequences)
    assert sequences[0] == 1
    assert all(e["orderId"] == order_id for e in events)  # type: ignore[index]

    # Resuming after the second event replays exactly the rest.
    resumed = await stream(
        web.http,
        "StreamOrderEvents",
        {"after_sequence": str(sequences[1])},
        until=lambda got: sum("event" in m for m in got) >= len(sequences) - 2,
    )
    assert [int(m["event"]["sequence"]) for m in resumed.messages if "event" in m] == sequences[2:]


async def test_a_stream_fails_with_the_error_in_its_end_message(web: Web) -> None:
    result = await stream(
        web.http,
        "StreamOrderEvents",
        {"after_sequence": "0", "heartbeat_interval": "0.001s"},
    )
    assert result.messages == []
    assert result.end is not None
    assert result.end["error"]["code"] == "invalid_argument"
    assert "heartbeat_interval" in details(result.end["error"]).fields


async def test_heartbeats_flow_on_an_idle_stream(web: Web) -> None:
    result = await stream(
        web.http,
        "StreamFills",
        {"after_sequence": "0", "heartbeat_interval": "0.1s"},
        until=lambda got: len(got) >= 2,
    )
    assert all("heartbeat" in m for m in result.messages)
    # proto3 JSON leaves out zero values: an empty journal has no lastSequence.
    assert "lastSequence" not in result.messages[0]["heartbeat"]
    assert result.messages[0]["heartbeat"]["time"]


async def test_simulator_control_fills_an_order(web: Web) -> None:
    submitted = await web.http.post(GATEWAY + "SubmitOrder", json=limit_order("f-1"), headers=JSON)
    order_id = submitted.json()["order"]["orderId"]
    filled = await web.http.post(
        SIMULATOR + "FillOrder", json={"order_id": order_id, "quantity": "4"}, headers=JSON
    )
    assert filled.status_code == 200
    assert filled.json()["executionId"]
    fills = await web.http.post(GATEWAY + "ListFills", json={"order_id": order_id}, headers=JSON)
    for _ in range(50):
        if fills.json().get("fills"):
            break
        await asyncio.sleep(0.1)
        fills = await web.http.post(
            GATEWAY + "ListFills", json={"order_id": order_id}, headers=JSON
        )
    assert [f["quantity"] for f in fills.json()["fills"]] == ["4"]


async def test_audit_records_calls_made_over_connect(web: Web) -> None:
    await web.http.post(GATEWAY + "SubmitOrder", json=limit_order("a-1"), headers=JSON)
    await web.http.post(GATEWAY + "CancelOrder", json={"order_id": "nope"}, headers=JSON)
    records = (await web.http.post(GATEWAY + "ListAuditRecords", json={}, headers=JSON)).json()
    seen = [(r["method"].rsplit("/", 1)[1], r["status"]) for r in records["records"]]
    assert seen == [("SubmitOrder", "OK"), ("CancelOrder", "NOT_FOUND")]
    assert json.loads(records["records"][0]["requestJson"])["order"]["client_order_id"] == "a-1"


async def test_unknown_paths_and_methods(web: Web) -> None:
    assert (await web.http.post(GATEWAY + "NoSuchCall", json={}, headers=JSON)).status_code == 404
    assert (await web.http.get("/nothing-here")).status_code == 404
    # Calls that change things are POST only.
    assert (await web.http.get(GATEWAY + "SubmitOrder")).status_code == 405
    # A message is bounded (4 MiB): one announced larger is refused before it is read.
    response = await web.http.post(
        GATEWAY + "StreamOrderEvents",
        content=struct.pack(">BI", 0, 5 * 1024 * 1024) + b"{}",
        headers={"content-type": "application/connect+json"},
    )
    assert b"resource_exhausted" in response.content


async def test_the_page_is_served_with_a_strict_policy(web: Web) -> None:
    page = await web.http.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert '<script type="module" src="blotter.js">' in page.text
    script = await web.http.get("/blotter.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    # Nothing is fetched from elsewhere at run time.
    assert "https://" not in page.text
    assert "http://" not in page.text


def test_every_generated_method_reaches_the_servicer() -> None:
    """The generated applications call the servicers by snake_case names."""
    cases = [
        (gateway_connect.OrderGatewayService, OrderGatewayServicer, GATEWAY_SERVICE),
        (simulator_connect.SimulatorControlService, SimulatorControlServicer, SIMULATOR_SERVICE),
    ]
    for protocol, servicer, name in cases:
        pb2 = gateway_pb2 if servicer is OrderGatewayServicer else simulator_pb2
        service = pb2.DESCRIPTOR.services_by_name[name.rsplit(".", 1)[1]]
        # The class stands in for an instance: only the methods' presence is checked.
        adapter = _Servicer(servicer, service)
        methods = [m for m in vars(protocol) if not m.startswith("_")]
        assert len(methods) == len(service.methods)
        for method in methods:
            assert callable(getattr(adapter, method)), method


async def test_without_tokens_only_addresses_may_name_the_host(web: Web) -> None:
    """A site whose name resolves to 127.0.0.1 (DNS rebinding) reaches no call."""
    rebound = await web.http.post(
        GATEWAY + "ListOrders", json={}, headers=JSON | {"host": "attacker.example:8080"}
    )
    assert rebound.status_code == 403
    assert (await web.http.get("/", headers={"host": "attacker.example"})).status_code == 403
    for host in ("localhost:8080", "127.0.0.1", "[::1]:8080"):
        allowed = await web.http.post(
            GATEWAY + "ListOrders", json={}, headers=JSON | {"host": host}
        )
        assert allowed.status_code == 200, host


async def test_a_batch_over_connect_answers_each_order(web: Web) -> None:
    batch = {"orders": [limit_order("cb-1")["order"], limit_order("cb-2", quantity="0")["order"]]}
    response = await web.http.post(GATEWAY + "SubmitOrders", json=batch, headers=JSON)
    assert response.status_code == 200
    created, refused = response.json()["results"]
    assert created["order"]["spec"]["clientOrderId"] == "cb-1"
    # google.rpc.Status in proto3 JSON: the code as a number, the details as Any.
    assert refused["error"]["code"] == 3
    violations = [d for d in refused["error"]["details"] if d["@type"].endswith("BadRequest")]
    assert violations[0]["fieldViolations"][0]["field"] == "orders[1].quantity"


async def test_position_changes_stream_over_connect(web: Web) -> None:
    order = await web.http.post(
        GATEWAY + "SubmitOrder",
        json=limit_order("cp-1", order_type="ORDER_TYPE_MARKET", limit_price="", quantity="7"),
        headers=JSON,
    )
    assert order.status_code == 200
    result = await stream(
        web.http,
        "StreamPositions",
        {"after_sequence": "0"},
        service=ACCOUNT,
        until=lambda got: any("event" in m for m in got),
    )
    (change,) = [m["event"] for m in result.messages if "event" in m]
    assert (change["position"]["contract"]["symbol"], change["position"]["quantity"]) == (
        "AAPL",
        "7",
    )
