"""On --backend ib through the TWS simulator: a buy of 100 at 100 then a sale of 40 at
110 leaves 60 at IB's average cost, with the realized P&L less commissions, and the
same after SIGKILL and a restart, which reconciles with IB and adopts nothing."""

from __future__ import annotations

import asyncio
import os
import signal
from asyncio.subprocess import Process
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import (
    account_pb2,
    account_pb2_grpc,
    gateway_pb2,
    gateway_pb2_grpc,
    orders_pb2,
)

from ibkr_gateway.sim.tws import TwsSimulator
from tests.process import GATEWAY_READY, start_cli
from tests.service.conftest import order_spec
from tests.service.positions_support import without_market

pytestmark = pytest.mark.slow

RECONCILED = "positions reconciled with IB after connect"


@asynccontextmanager
async def ib_gateway(sim: TwsSimulator, db: Path) -> AsyncIterator[tuple[Process, int]]:
    """The gateway as a process on the simulator, once it has reconciled positions."""
    proc, port = await start_cli(
        "serve",
        "--backend",
        "ib",
        "--ib-port",
        str(sim.port),
        "--ib-client-id",
        "7",
        "--ib-account",
        "DU123456",
        "--listen",
        "127.0.0.1:0",
        "--db",
        str(db),
        "--reconcile-interval",
        "0.2",
        ready=GATEWAY_READY,
    )
    assert proc.stderr is not None
    async with asyncio.timeout(10):
        while RECONCILED not in (await proc.stderr.readline()).decode():
            pass
    drain = asyncio.create_task(proc.stderr.read())
    try:
        yield proc, port
    finally:
        if proc.returncode is None:
            proc.terminate()
        await proc.wait()
        await drain


async def trade(channel: grpc.aio.Channel, spec: orders_pb2.OrderSpec, leaves: str) -> None:
    """Submits an order and waits for the position change that leaves `leaves`."""
    after = (await listing(channel)).last_sequence
    stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
    await stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=spec))
    positions = account_pb2_grpc.AccountServiceStub(channel)
    request = account_pb2.StreamPositionsRequest(after_sequence=after)
    async with asyncio.timeout(10):
        async for message in positions.StreamPositions(request):
            if message.HasField("event") and message.event.position.quantity == leaves:
                return


async def listing(channel: grpc.aio.Channel) -> account_pb2.ListPositionsResponse:
    stub = account_pb2_grpc.AccountServiceStub(channel)
    return await stub.ListPositions(account_pb2.ListPositionsRequest(include_closed=True))


async def test_buy_then_sell_on_ib_survives_sigkill(tmp_path: Path) -> None:
    sim = TwsSimulator()
    await sim.start()
    db = tmp_path / "ib-kill.db"
    try:
        async with ib_gateway(sim, db) as (proc, port):
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                sim.set_price("AAPL", "100")
                await trade(channel, order_spec("buy-100", quantity="100"), leaves="100")
                sim.set_price("AAPL", "110")
                sell = order_spec("sell-40", quantity="40", side=orders_pb2.SIDE_SELL)
                await trade(channel, sell, leaves="60")
                listed = await listing(channel)
                before = [without_market(p) for p in listed.positions]
                journal_end = listed.last_sequence
            os.kill(proc.pid, signal.SIGKILL)
            assert await proc.wait() == -signal.SIGKILL
        (aapl,) = before
        # $1.00 commission each way (the minimum): 100 x 100 + 1 is the cost of 100,
        # 60 % of it stays; 40 x 110 - 40 % of 10,001 - 1.00 is realized.
        assert (aapl.quantity, aapl.average_cost, aapl.average_price) == ("60", "100.01", "100")
        assert (aapl.realized_pnl, aapl.commissions) == ("398.6", "2")
        async with ib_gateway(sim, db) as (_, port):
            async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
                listed = await listing(channel)
                assert [without_market(p) for p in listed.positions] == before
                # Reconciled with IB (which holds 60 too): nothing adopted or replayed.
                assert listed.last_sequence == journal_end
    finally:
        await sim.stop()
