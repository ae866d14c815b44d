"""Admin powers stop at the token's accounts: kill switch, cancel-all and the audit trail."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.store.base import AuditRecord
from ibkr_gateway.store.sqlite import SqliteOrderStore
from tests.security.test_auth import AUTH_FILE, Caller, auth
from tests.service.conftest import error_details

S = orders_pb2


@dataclass
class Desk:
    caller: Caller
    server: GatewayServer


async def _start(tmp_path: Path, db: str) -> tuple[GatewayServer, grpc.aio.Channel]:
    auth_file = tmp_path / "auth.toml"
    auth_file.write_text(AUTH_FILE)
    server = GatewayServer(
        GatewayConfig(
            listen="127.0.0.1:0",
            db_path=db,
            auth_file=str(auth_file),
            heartbeat_interval=0.2,
            sim_accounts=("DU1", "DU2"),
        )
    )
    port = await server.start()
    return server, grpc.aio.insecure_channel(f"127.0.0.1:{port}")


@pytest.fixture
async def desk(tmp_path: Path, db: str) -> AsyncIterator[Desk]:
    server, channel = await _start(tmp_path, db)
    try:
        yield Desk(Caller(channel), server)
    finally:
        await channel.close()
        await server.stop()


async def _refusal(call: Awaitable[object]) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call
    return caught.value.code(), error_details(caught.value)[0]


async def _status(caller: Caller, order_id: str) -> S.OrderStatus.ValueType:
    got = await caller.stub.GetOrder(
        gateway_pb2.GetOrderRequest(order_id=order_id), metadata=auth("admin")
    )
    return got.order.status


CANCELLING = (S.ORDER_STATUS_PENDING_CANCEL, S.ORDER_STATUS_CANCELLED)


async def _kill(
    caller: Caller, who: str, engaged: bool, *accounts: str
) -> gateway_pb2.SetKillSwitchResponse:
    return await caller.stub.SetKillSwitch(
        gateway_pb2.SetKillSwitchRequest(
            engaged=engaged, reason=f"{who} says", accounts=list(accounts)
        ),
        metadata=auth(who),
    )


async def test_a_limited_token_halts_and_cancels_only_its_accounts(desk: Desk) -> None:
    c = desk.caller
    mine = await c.submit("trader", "k-mine", "DU1")
    theirs = await c.submit("other", "k-theirs", "DU2")

    engaged = await _kill(c, "desk", True)
    assert [o.order_id for o in engaged.cancelled_orders] == [mine.order_id]
    assert await _status(c, theirs.order_id) not in CANCELLING
    # Its accounts are halted on their own; the gateway-wide switch stays off.
    assert not engaged.kill_switch.engaged
    assert [(h.account, h.set_by, h.reason) for h in engaged.kill_switch.halted_accounts] == [
        ("DU1", "desk", "desk says")
    ]
    assert await _refusal(c.submit("trader", "k-mine-2", "DU1")) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "KILL_SWITCH_ENGAGED",
    )
    await c.submit("other", "k-theirs-2", "DU2")
    # Each token sees the halts of its own accounts only.
    seen = {
        who: [
            h.account
            for h in (
                await c.stub.GetKillSwitch(gateway_pb2.GetKillSwitchRequest(), metadata=auth(who))
            ).kill_switch.halted_accounts
        ]
        for who in ("trader", "other", "admin")
    }
    assert seen == {"trader": ["DU1"], "other": [], "admin": ["DU1"]}

    released = await _kill(c, "desk", False)
    assert list(released.kill_switch.halted_accounts) == []
    await c.submit("trader", "k-mine-3", "DU1")


async def test_a_limited_token_cannot_reach_other_accounts_or_the_whole_gateway(
    desk: Desk,
) -> None:
    c = desk.caller
    theirs = await c.submit("other", "x-theirs", "DU2")
    assert await _refusal(_kill(c, "desk", True, "DU2")) == (
        grpc.StatusCode.PERMISSION_DENIED,
        "ACCOUNT_NOT_PERMITTED",
    )
    # The gateway-wide switch, set by a token of every account, is not theirs to release.
    await _kill(c, "admin", True)
    await _kill(c, "desk", False)
    state = await c.stub.GetKillSwitch(gateway_pb2.GetKillSwitchRequest(), metadata=auth("admin"))
    assert state.kill_switch.engaged
    await _kill(c, "admin", False)
    assert await _status(c, theirs.order_id) in CANCELLING


async def test_account_halts_survive_a_restart_and_outlive_the_global_switch(
    tmp_path: Path, db: str
) -> None:
    server, channel = await _start(tmp_path, db)
    c = Caller(channel)
    try:
        # A token of every account may halt single accounts too.
        await _kill(c, "admin", True, "DU2")
        await _kill(c, "admin", True)
        await _kill(c, "admin", False)
        assert await _refusal(c.submit("other", "r-1", "DU2")) == (
            grpc.StatusCode.FAILED_PRECONDITION,
            "KILL_SWITCH_ENGAGED",
        )
    finally:
        await channel.close()
        await server.stop()
    server, channel = await _start(tmp_path, db)
    c = Caller(channel)
    try:
        state = await c.stub.GetKillSwitch(
            gateway_pb2.GetKillSwitchRequest(), metadata=auth("admin")
        )
        assert not state.kill_switch.engaged
        assert [h.account for h in state.kill_switch.halted_accounts] == ["DU2"]
        assert (await _refusal(c.submit("other", "r-2", "DU2")))[1] == "KILL_SWITCH_ENGAGED"
        await c.submit("trader", "r-3", "DU1")
        await _kill(c, "admin", False, "DU2")
        await c.submit("other", "r-4", "DU2")
    finally:
        await channel.close()
        await server.stop()


async def test_cancel_all_from_a_limited_token_cancels_only_its_accounts(desk: Desk) -> None:
    c = desk.caller
    mine = await c.submit("trader", "c-mine", "DU1")
    theirs = await c.submit("other", "c-theirs", "DU2")
    assert await _refusal(
        c.stub.CancelAllOrders(
            gateway_pb2.CancelAllOrdersRequest(account="DU2"), metadata=auth("desk")
        )
    ) == (grpc.StatusCode.PERMISSION_DENIED, "ACCOUNT_NOT_PERMITTED")
    done = await c.stub.CancelAllOrders(gateway_pb2.CancelAllOrdersRequest(), metadata=auth("desk"))
    assert [o.order_id for o in done.orders] == [mine.order_id]
    assert await _status(c, theirs.order_id) not in CANCELLING


async def _audit(caller: Caller, who: str) -> list[tuple[str, str, list[str]]]:
    trail = await caller.stub.ListAuditRecords(
        gateway_pb2.ListAuditRecordsRequest(), metadata=auth(who)
    )
    return [(r.principal, r.method.rsplit("/", 1)[1], list(r.accounts)) for r in trail.records]


async def test_the_audit_trail_shows_a_limited_token_only_its_accounts(desk: Desk) -> None:
    c = desk.caller
    await c.submit("trader", "a-mine", "DU1")
    theirs = await c.submit("other", "a-theirs", "DU2")
    # Refused before its account was known to be allowed: on no account's record.
    await _refusal(c.submit("trader", "a-sneak", "DU2"))
    await _refusal(
        c.stub.CancelOrder(
            gateway_pb2.CancelOrderRequest(order_id=theirs.order_id), metadata=auth("desk")
        )
    )
    await _kill(c, "desk", True)
    await _kill(c, "desk", False)
    await c.stub.CancelAllOrders(gateway_pb2.CancelAllOrdersRequest(), metadata=auth("admin"))

    assert await _audit(c, "desk") == [
        ("trader", "SubmitOrder", ["DU1"]),
        ("desk", "SetKillSwitch", ["DU1"]),
        ("desk", "SetKillSwitch", ["DU1"]),
    ]
    assert await _audit(c, "admin") == [
        ("trader", "SubmitOrder", ["DU1"]),
        ("other", "SubmitOrder", ["DU2"]),
        ("trader", "SubmitOrder", []),
        ("desk", "CancelOrder", []),
        ("desk", "SetKillSwitch", ["DU1"]),
        ("desk", "SetKillSwitch", ["DU1"]),
        ("admin", "CancelAllOrders", []),
    ]


async def test_audit_records_of_an_older_store_read_as_gateway_wide(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, principal TEXT NOT NULL,
            method TEXT NOT NULL, request TEXT NOT NULL, status TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        INSERT INTO audit (time, principal, method, request, status, detail)
            VALUES ('2024-03-01T00:00:00+00:00', 'ops', 'SetKillSwitch', '{}', 'OK', '');
        """
    )
    old.close()
    store = SqliteOrderStore(path)
    try:
        store.append_audit(
            AuditRecord(
                time=datetime.now(UTC),
                principal="t",
                method="SubmitOrder",
                request_json="{}",
                status="OK",
                detail="x",
                accounts=frozenset({"A"}),
            )
        )
        await store.append([])[1]
        everything = store.list_audit(0, 10)
        assert [(r.principal, r.accounts) for r in everything] == [
            ("ops", frozenset()),
            ("t", frozenset({"A"})),
        ]
        assert [r.principal for r in store.list_audit(0, 10, frozenset({"A", "B"}))] == ["t"]
        assert store.list_audit(0, 10, frozenset({"B"})) == []
    finally:
        await store.close()
