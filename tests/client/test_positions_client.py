"""The Python client's positions, account figures and resuming position stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

from ibkr.gateway.v1 import simulator_pb2

from ibkr_gateway.position.models import PositionEvent as JournaledChange
from ibkr_gateway_client import AsyncGatewayClient, GatewayClient, PositionEvent
from tests.service.conftest import Gateway, start_gateway, stop_gateway

D = Decimal


async def _changes(stream: AsyncIterator[PositionEvent], count: int) -> list[PositionEvent]:
    got: list[PositionEvent] = []
    async with asyncio.timeout(10):
        while len(got) < count:
            got.append(await anext(stream))
    return got


async def test_positions_and_summary_come_back_as_decimals(gw: Gateway) -> None:
    async with AsyncGatewayClient(f"127.0.0.1:{gw.server.port}") as client:
        changes = aiter(client.positions(heartbeat_interval=0.2))
        await client.submit_order("AAPL", "buy", 100)
        await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="110"))
        await client.submit_order("AAPL", "sell", 40)
        first, second = await _changes(changes, 2)
        assert (first.cause, first.previous_quantity, first.position.quantity) == (
            "FILL",
            D(0),
            D(100),
        )
        assert second.realized_pnl == D("398.6")
        assert second.order_id
        assert second.execution_id
        listed = await client.list_positions()
        (aapl,) = listed.positions
        assert listed.last_sequence == second.sequence
        assert (aapl.quantity, aapl.average_cost, aapl.average_price) == (
            D(60),
            D("100.01"),
            D(100),
        )
        assert (aapl.market_price, aapl.unrealized_pnl) == (D(110), D("599.4"))
        summary = await client.get_account_summary()
        assert (summary.cash, summary.buying_power, summary.currency) == (
            D(994398),
            D(1995396),
            "USD",
        )


async def test_position_stream_resumes_across_a_gateway_restart(tmp_path: Path) -> None:
    db = tmp_path / "restart.db"
    gw = await start_gateway(db)
    port = gw.server.port
    async with AsyncGatewayClient(f"127.0.0.1:{port}") as client:
        stream = client.positions(heartbeat_interval=0.2)
        # One iterator across the restart: it must reconnect and resume by itself.
        changes = aiter(stream)
        await client.submit_order("AAPL", "buy", 1)
        seen = await _changes(changes, 1)
        await stop_gateway(gw)
        gw = await start_gateway(db, listen=f"127.0.0.1:{port}")
        try:
            await client.submit_order("AAPL", "buy", 2)
            seen += await _changes(changes, 1)
            journal = gw.server.store.read_events(0, 1000)
        finally:
            await stop_gateway(gw)
    assert [c.sequence for c in seen] == [
        e.sequence for e in journal if isinstance(e, JournaledChange)
    ]
    assert [c.position.quantity for c in seen] == [1, 3]
    assert stream.reconnects >= 1


async def test_the_blocking_client_reads_positions(gw: Gateway) -> None:
    def use() -> tuple[D, list[str], D]:
        with GatewayClient(f"127.0.0.1:{gw.server.port}") as client:
            client.submit_order("MSFT", "sell", 5)
            change = next(client.positions(heartbeat_interval=0.2))
            symbols = [p.symbol for p in client.list_positions().positions]
            return change.position.quantity, symbols, client.get_account_summary().cash

    quantity, symbols, cash = await asyncio.to_thread(use)
    assert (quantity, symbols, cash) == (D(-5), ["MSFT"], D(1_000_000) + 500 - 1)


async def test_preview_comes_back_as_decimals(gw: Gateway) -> None:
    async with AsyncGatewayClient(f"127.0.0.1:{gw.server.port}") as client:
        spec = client.order_spec("AAPL", "sell", 10, order_type="limit", limit_price="95")
        preview = await client.preview(spec)
    assert (preview.estimated_price, preview.estimated_commission) == (D(100), D(1))
    assert (preview.position_before, preview.position_after) == (D(0), D(-10))
    assert preview.account_before is not None
    assert preview.account_after is not None
    assert preview.account_after.cash == D(1_000_000) + 1000 - 1
    assert preview.breaches == ()
