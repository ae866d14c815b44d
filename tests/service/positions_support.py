"""Helpers for the position tests: the account stub, trades at set prices, stream reads."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ibkr.gateway.v1 import (
    account_pb2,
    account_pb2_grpc,
    orders_pb2,
    simulator_pb2,
)

from tests.service.conftest import Gateway, order_spec, submit


def accounts(gw: Gateway) -> account_pb2_grpc.AccountServiceAsyncStub:
    return account_pb2_grpc.AccountServiceStub(gw.channel)


async def trade(
    gw: Gateway, coid: str, side: str, quantity: str, price: str, symbol: str = "AAPL"
) -> orders_pb2.Order:
    """A market order filled at `price` (the simulated market's price is set first)."""
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol=symbol, price=price))
    return await submit(
        gw,
        order_spec(
            coid,
            symbol=symbol,
            side=orders_pb2.SIDE_BUY if side == "BUY" else orders_pb2.SIDE_SELL,
            quantity=quantity,
        ),
    )


async def position_events(
    gw: Gateway,
    *,
    after: int = 0,
    until: Callable[[list[account_pb2.PositionEvent]], bool],
    account: str = "",
    within: float = 10.0,
) -> list[account_pb2.PositionEvent]:
    got: list[account_pb2.PositionEvent] = []
    call = accounts(gw).StreamPositions(
        account_pb2.StreamPositionsRequest(after_sequence=after, account=account)
    )
    try:
        async with asyncio.timeout(within):
            async for message in call:
                if message.HasField("event"):
                    got.append(message.event)
                if until(got):
                    return got
    finally:
        call.cancel()
    raise AssertionError(f"stream ended before the condition held; got {len(got)} events")


def quantity_reaches(
    symbol: str, quantity: str
) -> Callable[[list[account_pb2.PositionEvent]], bool]:
    return lambda events: any(
        e.position.contract.symbol == symbol and e.position.quantity == quantity for e in events
    )


async def list_positions(gw: Gateway, **fields: object) -> account_pb2.ListPositionsResponse:
    request = account_pb2.ListPositionsRequest(**fields)  # type: ignore[arg-type]
    return await accounts(gw).ListPositions(request)


def without_market(p: account_pb2.Position) -> account_pb2.Position:
    """The journaled part of a position (market prices are not journaled)."""
    copy = account_pb2.Position()
    copy.CopyFrom(p)
    for name in ("market_price", "market_value", "unrealized_pnl"):
        copy.ClearField(name)
    return copy
