"""Bearer tokens: who may call which method, for which accounts; tokens never logged."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from ibkr.gateway.v1 import (
    gateway_pb2,
    gateway_pb2_grpc,
    orders_pb2,
    simulator_pb2,
    simulator_pb2_grpc,
)

from ibkr_gateway.errors import Unauthenticated
from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.security.auth import AuthFileError, TokenTable
from tests.service.conftest import error_details, limit_spec

TOKENS = {
    "reader": "reader-token-0123456789",
    "trader": "trader-token-0123456789",
    "other": "other-token-0123456789a",
    "admin": "admin-token-0123456789a",
    "desk": "desk-token-0123456789ab",
}
AUTH_FILE = f"""
[[tokens]]
name = "reader"
token = "{TOKENS["reader"]}"
scopes = ["orders:read"]
accounts = ["DU1"]

[[tokens]]
name = "trader"
token_sha256 = "{hashlib.sha256(TOKENS["trader"].encode()).hexdigest()}"
scopes = ["orders:read", "orders:write"]
accounts = ["DU1"]

[[tokens]]
name = "other"
token = "{TOKENS["other"]}"
scopes = ["orders:read", "orders:write"]
accounts = ["DU2"]

[[tokens]]
name = "admin"
token = "{TOKENS["admin"]}"
scopes = ["admin"]
accounts = ["*"]

[[tokens]]
name = "desk"
token = "{TOKENS["desk"]}"
scopes = ["admin"]
accounts = ["DU1"]
"""


def auth(who: str) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {TOKENS[who]}")]


class Caller:
    def __init__(self, channel: grpc.aio.Channel) -> None:
        self.stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
        self.sim = simulator_pb2_grpc.SimulatorControlServiceStub(channel)
        self.health = health_pb2_grpc.HealthStub(channel)

    async def submit(self, who: str, coid: str, account: str) -> orders_pb2.Order:
        request = gateway_pb2.SubmitOrderRequest(order=limit_spec(coid, account=account))
        return (await self.stub.SubmitOrder(request, metadata=auth(who))).order


@pytest.fixture
async def caller(tmp_path: Path) -> AsyncIterator[Caller]:
    auth_file = tmp_path / "auth.toml"
    auth_file.write_text(AUTH_FILE)
    server = GatewayServer(
        GatewayConfig(
            listen="127.0.0.1:0",
            db_path=str(tmp_path / "auth.db"),
            auth_file=str(auth_file),
            heartbeat_interval=0.2,
            sim_accounts=("DU1", "DU2"),
        )
    )
    port = await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield Caller(channel)
    finally:
        await server.stop()


async def _code(call: Any) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), error_details(caught.value)[0]


async def test_no_or_unknown_token_is_unauthenticated(caller: Caller) -> None:
    request = gateway_pb2.SubmitOrderRequest(order=limit_spec("x", account="DU1"))
    assert await _code(caller.stub.SubmitOrder(request)) == (
        grpc.StatusCode.UNAUTHENTICATED,
        "MISSING_TOKEN",
    )
    bad = [("authorization", "Bearer not-a-known-token")]
    assert await _code(caller.stub.SubmitOrder(request, metadata=bad)) == (
        grpc.StatusCode.UNAUTHENTICATED,
        "INVALID_TOKEN",
    )
    basic = [("authorization", f"Basic {TOKENS['trader']}")]
    assert (await _code(caller.stub.SubmitOrder(request, metadata=basic)))[0] == (
        grpc.StatusCode.UNAUTHENTICATED
    )
    stream = caller.stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest())
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in stream:
            pass
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED


async def test_scopes_and_accounts_are_enforced(caller: Caller) -> None:
    assert await _code(caller.submit("reader", "r1", "DU1")) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "MISSING_SCOPE",
    )
    assert await _code(caller.submit("trader", "t1", "DU2")) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "ACCOUNT_NOT_PERMITTED",
    )
    mine = await caller.submit("trader", "t2", "DU1")
    theirs = await caller.submit("other", "o1", "DU2")
    get_theirs = caller.stub.GetOrder(
        gateway_pb2.GetOrderRequest(order_id=theirs.order_id), metadata=auth("trader")
    )
    assert (await _code(get_theirs))[0] == grpc.StatusCode.NOT_FOUND
    cancel_mine = caller.stub.CancelOrder(
        gateway_pb2.CancelOrderRequest(order_id=mine.order_id), metadata=auth("other")
    )
    assert (await _code(cancel_mine))[0] == grpc.StatusCode.NOT_FOUND
    await caller.stub.CancelOrder(
        gateway_pb2.CancelOrderRequest(order_id=mine.order_id), metadata=auth("trader")
    )


async def test_a_batch_needs_the_write_scope_and_each_order_its_account(caller: Caller) -> None:
    def batch(*orders: tuple[str, str]) -> gateway_pb2.SubmitOrdersRequest:
        return gateway_pb2.SubmitOrdersRequest(
            orders=[limit_spec(coid, account=account) for coid, account in orders]
        )

    refused = caller.stub.SubmitOrders(batch(("rb", "DU1")), metadata=auth("reader"))
    assert await _code(refused) == (grpc.StatusCode.PERMISSION_DENIED, "MISSING_SCOPE")
    response = await caller.stub.SubmitOrders(
        batch(("tb-1", "DU1"), ("tb-2", "DU2"), ("tb-3", "DU1")), metadata=auth("trader")
    )
    mine, theirs, also_mine = response.results
    assert (mine.order.spec.account, also_mine.order.spec.account) == ("DU1", "DU1")
    assert theirs.error.code == grpc.StatusCode.PERMISSION_DENIED.value[0]
    assert "DU2" not in {o.spec.account for o in await _orders(caller, "admin")}


async def _orders(caller: Caller, who: str) -> list[orders_pb2.Order]:
    listed = await caller.stub.ListOrders(gateway_pb2.ListOrdersRequest(), metadata=auth(who))
    return list(listed.orders)


async def _status_text(call: Any, order_id: str) -> str:
    """The whole status of a failed call (code, message, every detail), the id masked."""
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    status = rpc_status.from_call(caught.value)
    assert status is not None
    return str(status).replace(order_id, "<id>")


async def test_another_accounts_order_is_exactly_like_a_missing_one(caller: Caller) -> None:
    theirs = (await caller.submit("other", "o-nf", "DU2")).order_id
    missing = secrets.token_hex(16)
    calls: list[Callable[[str], Any]] = [
        lambda i: caller.stub.GetOrder(
            gateway_pb2.GetOrderRequest(order_id=i), metadata=auth("trader")
        ),
        lambda i: caller.stub.CancelOrder(
            gateway_pb2.CancelOrderRequest(order_id=i), metadata=auth("trader")
        ),
        lambda i: caller.stub.ModifyOrder(
            gateway_pb2.ModifyOrderRequest(order_id=i, quantity="5"), metadata=auth("trader")
        ),
        # An admin token limited to DU1 is bound by its accounts on the simulator too.
        lambda i: caller.sim.FillOrder(
            simulator_pb2.FillOrderRequest(order_id=i), metadata=auth("desk")
        ),
    ]
    for call in calls:
        answer = await _status_text(call(theirs), theirs)
        assert answer == await _status_text(call(missing), missing)
        assert "NOT_FOUND" in answer
        assert "DU2" not in answer
    # The order was untouched, and its own account still sees it.
    got = await caller.stub.GetOrder(
        gateway_pb2.GetOrderRequest(order_id=theirs), metadata=auth("other")
    )
    assert (got.order.spec.quantity, got.order.filled_quantity) == ("100", "0")
    assert got.order.status != orders_pb2.ORDER_STATUS_CANCELLED


async def test_lists_and_streams_show_only_permitted_accounts(caller: Caller) -> None:
    mine = await caller.submit("trader", "t3", "DU1")
    await caller.submit("other", "o3", "DU2")
    listed = await caller.stub.ListOrders(gateway_pb2.ListOrdersRequest(), metadata=auth("reader"))
    assert [o.order_id for o in listed.orders] == [mine.order_id]
    everything = await caller.stub.ListOrders(
        gateway_pb2.ListOrdersRequest(), metadata=auth("admin")
    )
    assert len(everything.orders) == 2
    filtered = caller.stub.ListOrders(
        gateway_pb2.ListOrdersRequest(account="DU2"), metadata=auth("reader")
    )
    assert (await _code(filtered))[0] == grpc.StatusCode.PERMISSION_DENIED
    accounts = set()
    stream = caller.stub.StreamOrderEvents(
        gateway_pb2.StreamOrderEventsRequest(), metadata=auth("reader")
    )
    async for message in stream:
        if message.HasField("heartbeat"):
            break
        accounts.add(message.event.account)
    assert accounts == {"DU1"}


async def test_admin_calls_need_admin(caller: Caller) -> None:
    cancel_all = caller.stub.CancelAllOrders(
        gateway_pb2.CancelAllOrdersRequest(), metadata=auth("trader")
    )
    assert await _code(cancel_all) == (grpc.StatusCode.PERMISSION_DENIED, "MISSING_SCOPE")
    set_price = caller.sim.SetPrice(
        simulator_pb2.SetPriceRequest(symbol="AAPL", price="1"), metadata=auth("trader")
    )
    assert (await _code(set_price))[0] == grpc.StatusCode.PERMISSION_DENIED
    await caller.submit("trader", "t4", "DU1")
    done = await caller.stub.CancelAllOrders(
        gateway_pb2.CancelAllOrdersRequest(), metadata=auth("admin")
    )
    assert len(done.orders) == 1
    trail = await caller.stub.ListAuditRecords(
        gateway_pb2.ListAuditRecordsRequest(), metadata=auth("admin")
    )
    assert [(r.principal, r.method.rsplit("/", 1)[1], r.status) for r in trail.records] == [
        ("trader", "CancelAllOrders", "PERMISSION_DENIED"),
        ("trader", "SetPrice", "PERMISSION_DENIED"),
        ("trader", "SubmitOrder", "OK"),
        ("admin", "CancelAllOrders", "OK"),
    ]
    # Health needs no token, so that probes work.
    health = await caller.health.Check(health_pb2.HealthCheckRequest())
    assert health.status == health_pb2.HealthCheckResponse.SERVING


async def test_tokens_never_reach_the_log(caller: Caller, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for who in TOKENS:
        try:
            await caller.submit(who, f"log-{who}", "DU1")
        except grpc.aio.AioRpcError:
            pass
    await _code(
        caller.stub.GetOrder(
            gateway_pb2.GetOrderRequest(order_id="x"),
            metadata=[("authorization", "Bearer leak-me")],
        )
    )
    text = "\n".join(r.getMessage() for r in caplog.records)
    for token in [*TOKENS.values(), "leak-me"]:
        assert token not in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "one or more"),
        ('[[tokens]]\nname = "a"\nscopes = ["orders:read"]\naccounts = ["*"]', "exactly one"),
        (
            '[[tokens]]\nname = "a"\ntoken = "short"\nscopes = ["orders:read"]\naccounts = ["*"]',
            "at least 16",
        ),
        (
            '[[tokens]]\nname = "a"\ntoken = " 0123456789abcdef"\nscopes = ["admin"]\n'
            'accounts = ["*"]',
            r"tokens\[0\]: token has leading or trailing whitespace",
        ),
        (
            '[[tokens]]\nname = "a"\ntoken_sha256 = "zz"\nscopes = ["admin"]\naccounts = ["*"]',
            "64 hex",
        ),
        (
            '[[tokens]]\nname = "a"\ntoken = "0123456789abcdef"\nscopes = ["trade"]\n'
            'accounts = ["*"]',
            "unknown scopes",
        ),
        (
            '[[tokens]]\nname = "a"\ntoken = "0123456789abcdef"\nscopes = ["admin"]\naccounts = []',
            "accounts must be",
        ),
        (
            '[[tokens]]\nname = "a"\ntoken = "0123456789abcdef"\nscopes = ["admin"]\n'
            'accounts = ["*"]\n[[tokens]]\nname = "a"\ntoken = "fedcba9876543210"\n'
            'scopes = ["admin"]\naccounts = ["*"]',
            "unique",
        ),
    ],
)
def test_bad_auth_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "auth.toml"
    path.write_text(text)
    with pytest.raises(AuthFileError, match=message):
        TokenTable.load(path)


def test_authenticate_reads_the_bearer_header() -> None:
    table = TokenTable.parse(
        {
            "tokens": [
                {
                    "name": "t",
                    "token": "0123456789abcdef",
                    "scopes": ["orders:read"],
                    "accounts": ["A"],
                }
            ]
        }
    )
    assert table.authenticate([("authorization", "Bearer 0123456789abcdef")]).name == "t"
    assert table.authenticate([("Authorization", b"bearer 0123456789abcdef")]).name == "t"
    with pytest.raises(Unauthenticated):
        table.authenticate([])


async def test_unauthenticated_mutating_calls_are_audited(caller: Caller) -> None:
    request = gateway_pb2.SubmitOrderRequest(order=limit_spec("anon", account="DU1"))
    await _code(caller.stub.SubmitOrder(request))
    trail = await caller.stub.ListAuditRecords(
        gateway_pb2.ListAuditRecordsRequest(), metadata=auth("admin")
    )
    assert [(r.principal, r.method.rsplit("/", 1)[1], r.status) for r in trail.records] == [
        ("unauthenticated", "SubmitOrder", "UNAUTHENTICATED")
    ]


async def test_simulator_calls_that_reach_every_account_need_an_all_accounts_token(
    caller: Caller,
) -> None:
    calls: dict[str, Callable[[str], Any]] = {
        "SetPrice": lambda who: caller.sim.SetPrice(
            simulator_pb2.SetPriceRequest(symbol="AAPL", price="100"), metadata=auth(who)
        ),
        "RejectNextOrder": lambda who: caller.sim.RejectNextOrder(
            simulator_pb2.RejectNextOrderRequest(), metadata=auth(who)
        ),
        "EndTradingDay": lambda who: caller.sim.EndTradingDay(
            simulator_pb2.EndTradingDayRequest(), metadata=auth(who)
        ),
        "ResetSimulator": lambda who: caller.sim.ResetSimulator(
            simulator_pb2.ResetSimulatorRequest(), metadata=auth(who)
        ),
    }
    theirs = await caller.submit("other", "o-day", "DU2")
    for name, call in calls.items():
        assert await _code(call("desk")) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "ALL_ACCOUNTS_REQUIRED",
        ), name
    got = await caller.stub.GetOrder(
        gateway_pb2.GetOrderRequest(order_id=theirs.order_id), metadata=auth("other")
    )
    assert got.order.status not in (
        orders_pb2.ORDER_STATUS_CANCELLED,
        orders_pb2.ORDER_STATUS_PENDING_CANCEL,
    )
    for call in calls.values():
        await call("admin")
