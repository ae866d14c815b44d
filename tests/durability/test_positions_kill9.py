"""Positions survive SIGKILL: each change is committed with the fill that causes it, so a
restarted gateway holds exactly the positions its surviving fills make."""

from __future__ import annotations

import asyncio
import os
import signal
from collections import defaultdict
from decimal import Decimal

import grpc
import pytest
from ibkr.gateway.v1 import (
    account_pb2,
    account_pb2_grpc,
    gateway_pb2,
    gateway_pb2_grpc,
    orders_pb2,
    simulator_pb2,
    simulator_pb2_grpc,
)

from ibkr_gateway.position.pnl import Holding, trade
from tests.durability.test_kill9 import gateway_process
from tests.service.positions_support import without_market

pytestmark = pytest.mark.slow

CALLERS = 8
KILL_AFTER = 120
SYMBOLS = ("AAPL", "MSFT", "IBM")


def market(
    coid: str, symbol: str, side: orders_pb2.Side.ValueType
) -> gateway_pb2.SubmitOrderRequest:
    return gateway_pb2.SubmitOrderRequest(
        order=orders_pb2.OrderSpec(
            client_order_id=coid,
            contract=orders_pb2.Contract(symbol=symbol),
            side=side,
            quantity="7",
            order_type=orders_pb2.ORDER_TYPE_MARKET,
        )
    )


async def listing(channel: grpc.aio.Channel) -> account_pb2.ListPositionsResponse:
    stub = account_pb2_grpc.AccountServiceStub(channel)
    return await stub.ListPositions(account_pb2.ListPositionsRequest(include_closed=True))


async def positions(channel: grpc.aio.Channel) -> list[account_pb2.Position]:
    return [without_market(p) for p in (await listing(channel)).positions]


async def changes(channel: grpc.aio.Channel, count: int) -> None:
    """Waits for `count` position changes."""
    stub = account_pb2_grpc.AccountServiceStub(channel)
    seen = 0
    async with asyncio.timeout(10):
        async for message in stub.StreamPositions(account_pb2.StreamPositionsRequest()):
            seen += message.HasField("event")
            if seen == count:
                return


async def folded_fills(channel: grpc.aio.Channel, upto: int = 2**62) -> dict[str, Holding]:
    """Positions recomputed from the journaled fills alone, up to a sequence."""
    stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
    holdings: dict[str, Holding] = defaultdict(Holding)
    token = ""
    while True:
        page = await stub.ListFills(gateway_pb2.ListFillsRequest(page_size=1000, page_token=token))
        for f in page.fills:
            if f.sequence > upto:
                continue
            signed = Decimal(f.quantity) * (1 if f.side == orders_pb2.SIDE_BUY else -1)
            holdings[f.symbol], _ = trade(
                holdings[f.symbol], signed, Decimal(f.price), Decimal(f.commission or "0")
            )
        token = page.next_page_token
        if not token:
            return dict(holdings)


async def test_positions_after_sigkill_equal_those_before(db: str) -> None:
    async with gateway_process(db) as (proc, port):
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
            sim = simulator_pb2_grpc.SimulatorControlServiceStub(channel)
            for i, (price, side) in enumerate(
                [("100", orders_pb2.SIDE_BUY), ("110", orders_pb2.SIDE_SELL)] * 3
            ):
                await sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price=price))
                await stub.SubmitOrder(market(f"q{i}", "AAPL", side))
            await changes(channel, 6)
            before = await positions(channel)
        os.kill(proc.pid, signal.SIGKILL)
        assert await proc.wait() == -signal.SIGKILL
    async with gateway_process(db) as (_, port):
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            assert await positions(channel) == before
    (aapl,) = before
    assert (aapl.quantity, aapl.realized_pnl) == ("0", "204")  # 3 x (7 x 10 - 2.00)


async def test_positions_after_sigkill_mid_burst_are_those_of_the_surviving_fills(
    db: str,
) -> None:
    async with gateway_process(db) as (proc, port):
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
            done = 0

            async def caller(n: int) -> None:
                nonlocal done
                for i in range(10_000):
                    side = orders_pb2.SIDE_BUY if (i + n) % 3 else orders_pb2.SIDE_SELL
                    request = market(f"k{n}-{i}", SYMBOLS[(i + n) % len(SYMBOLS)], side)
                    try:
                        await stub.SubmitOrder(request, timeout=5)
                    except grpc.aio.AioRpcError:
                        return
                    done += 1
                    if done == KILL_AFTER:
                        os.kill(proc.pid, signal.SIGKILL)

            await asyncio.gather(*(caller(n) for n in range(CALLERS)))
        assert await proc.wait() == -signal.SIGKILL
    async with gateway_process(db) as (_, port):
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            # Orders the kill left unsent are placed again on restart and may fill while
            # this reads: compare as of one sequence.
            listed = await listing(channel)
            held = {p.contract.symbol: p for p in listed.positions}
            fills = await folded_fills(channel, listed.last_sequence)
    assert sorted(held) == sorted(fills)
    assert sum(h.quantity != 0 for h in fills.values()) > 0
    for symbol, holding in fills.items():
        p = held[symbol]
        assert Decimal(p.quantity) == holding.quantity, symbol
        assert Decimal(p.realized_pnl) == holding.realized_pnl, symbol
        assert Decimal(p.commissions) == holding.commissions, symbol
        if holding.quantity:
            assert Decimal(p.average_cost) == holding.average_cost(), symbol
