"""A real grpc.aio gateway on 127.0.0.1 port 0 with a fresh store per test, on each store
(an SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from ibkr.gateway.v1 import (
    events_pb2,
    gateway_pb2,
    gateway_pb2_grpc,
    orders_pb2,
    simulator_pb2_grpc,
)

from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer


@dataclass
class Gateway:
    server: GatewayServer
    channel: grpc.aio.Channel
    stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub
    sim: simulator_pb2_grpc.SimulatorControlServiceAsyncStub
    db_path: Path | str


def order_spec(
    client_order_id: str = "",
    *,
    symbol: str = "AAPL",
    side: orders_pb2.Side.ValueType = orders_pb2.SIDE_BUY,
    quantity: str = "100",
    order_type: orders_pb2.OrderType.ValueType = orders_pb2.ORDER_TYPE_MARKET,
    limit_price: str = "",
    stop_price: str = "",
    tif: orders_pb2.TimeInForce.ValueType = orders_pb2.TIME_IN_FORCE_UNSPECIFIED,
    account: str = "",
    **fields: str,
) -> orders_pb2.OrderSpec:
    """An order spec; `fields` sets further string fields (oca_group, trailing_amount...)."""
    spec = orders_pb2.OrderSpec(
        client_order_id=client_order_id,
        account=account,
        contract=orders_pb2.Contract(symbol=symbol),
        side=side,
        quantity=quantity,
        order_type=order_type,
        limit_price=limit_price,
        stop_price=stop_price,
        time_in_force=tif,
    )
    for name, value in fields.items():
        setattr(spec, name, value)
    return spec


def limit_spec(client_order_id: str, price: str = "50", **kw: Any) -> orders_pb2.OrderSpec:
    return order_spec(
        client_order_id,
        order_type=orders_pb2.ORDER_TYPE_LIMIT,
        limit_price=price,
        **kw,
    )


async def submit(gw: Gateway, spec: orders_pb2.OrderSpec) -> orders_pb2.Order:
    response = await gw.stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=spec))
    return response.order


# The simulated broker's accounts besides the default DU123456.
OTHER_ACCOUNTS = ("DU2", "DU3")


async def start_gateway(db_path: Path | str, **overrides: Any) -> Gateway:
    settings: dict[str, Any] = {
        "listen": "127.0.0.1:0",
        "heartbeat_interval": 0.2,
        "sim_accounts": OTHER_ACCOUNTS,
    }
    config = GatewayConfig(db_path=str(db_path), **(settings | overrides))
    server = GatewayServer(config)
    port = await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    return Gateway(
        server=server,
        channel=channel,
        stub=gateway_pb2_grpc.OrderGatewayServiceStub(channel),
        sim=simulator_pb2_grpc.SimulatorControlServiceStub(channel),
        db_path=db_path,
    )


async def stop_gateway(gw: Gateway) -> None:
    await gw.channel.close()
    await gw.server.stop()


@pytest.fixture
async def gw(db: str) -> AsyncIterator[Gateway]:
    gateway = await start_gateway(db)
    try:
        yield gateway
    finally:
        await stop_gateway(gateway)


class HasStub(Protocol):
    @property
    def stub(self) -> gateway_pb2_grpc.OrderGatewayServiceAsyncStub: ...


async def read_events(
    gw: HasStub,
    *,
    after: int = 0,
    until: Callable[[list[events_pb2.OrderEvent]], bool],
    within: float = 10.0,
    account: str = "",
    order_id: str = "",
) -> list[events_pb2.OrderEvent]:
    """Events from the stream, until the predicate holds for what was read."""
    got: list[events_pb2.OrderEvent] = []
    call = gw.stub.StreamOrderEvents(
        gateway_pb2.StreamOrderEventsRequest(
            after_sequence=after, account=account, order_id=order_id
        )
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


def statuses_of(events: list[events_pb2.OrderEvent], order_id: str) -> list[str]:
    """Each event about the order as kind:STATUS, in stream order."""
    return [
        f"{e.WhichOneof('kind')}:{orders_pb2.OrderStatus.Name(e.order.status)[13:]}"
        for e in events
        if e.order_id == order_id
    ]


def reaches(
    order_id: str, status: orders_pb2.OrderStatus.ValueType
) -> Callable[[list[events_pb2.OrderEvent]], bool]:
    return lambda events: any(e.order_id == order_id and e.order.status == status for e in events)


def error_details(error: grpc.aio.AioRpcError) -> tuple[str, dict[str, str]]:
    """(ErrorInfo.reason, {field: description} of BadRequest) from a failed call."""
    status = rpc_status.from_call(error)
    assert status is not None, "the error carries no google.rpc.Status details"
    reason = ""
    fields: dict[str, str] = {}
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
            assert info.domain == "ibkr-gateway"
        elif detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            fields.update({v.field: v.description for v in bad.field_violations})
    return reason, fields


def error_metadata(error: grpc.aio.AioRpcError) -> dict[str, str]:
    """ErrorInfo.metadata of a failed call."""
    status = rpc_status.from_call(error)
    assert status is not None, "the error carries no google.rpc.Status details"
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return dict(info.metadata)
    raise AssertionError("the error carries no ErrorInfo")


def count(n: int) -> Callable[[list[events_pb2.OrderEvent]], bool]:
    return lambda events: len(events) >= n
