"""The Python client against a real gateway: typed errors, safe retries, resuming streams."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import events_pb2, gateway_pb2

from ibkr_gateway.position.models import PositionEvent
from ibkr_gateway_client import (
    AlreadyExistsError,
    AsyncGatewayClient,
    EventStream,
    FailedPreconditionError,
    GatewayClient,
    InvalidArgumentError,
    NotFoundError,
    OrderEvent,
)
from tests.service.conftest import Gateway, start_gateway, stop_gateway


@pytest.fixture
async def client(gw: Gateway) -> AsyncIterator[AsyncGatewayClient]:
    async with AsyncGatewayClient(f"127.0.0.1:{gw.server.port}") as c:
        yield c


async def _until(
    stream: EventStream | AsyncIterator[OrderEvent], order_id: str, status: str
) -> list[OrderEvent]:
    got = []
    iterator = aiter(stream)
    async with asyncio.timeout(10):
        while True:
            event = await anext(iterator)
            got.append(event)
            if event.order_id == order_id and event.order.status == status:
                return got


async def test_submit_follow_and_cancel(client: AsyncGatewayClient) -> None:
    market = await client.submit_order("AAPL", "buy", Decimal("10"))
    assert market.client_order_id.startswith("py-")
    assert market.quantity == Decimal(10)
    limit = await client.submit_order("AAPL", "sell", "5", order_type="limit", limit_price="150.25")
    assert limit.limit_price == Decimal("150.25")
    events = await _until(client.order_events(heartbeat_interval=0.2), market.order_id, "FILLED")
    fill = next(e.fill for e in events if e.fill is not None)
    assert (fill.quantity, fill.price, fill.commission) == (Decimal(10), Decimal(100), Decimal(1))
    repriced = await client.modify_order(client_order_id=limit.client_order_id, limit_price="150.5")
    assert (repriced.order_id, repriced.limit_price) == (limit.order_id, Decimal("150.5"))
    cancelled = await client.cancel_order(client_order_id=limit.client_order_id)
    assert (cancelled.order_id, cancelled.status) == (limit.order_id, "PENDING_CANCEL")
    with pytest.raises(ValueError, match="exactly one"):
        await client.cancel_order(limit.order_id, client_order_id=limit.client_order_id)
    listed = [o.order_id async for o in client.list_orders(page_size=1)]
    assert listed == [market.order_id, limit.order_id]


async def test_retry_with_the_same_spec_returns_the_original(client: AsyncGatewayClient) -> None:
    spec = client.order_spec("AAPL", "BUY", 1, order_type="LIMIT", limit_price=50)
    first = await client.submit(spec)
    again = await client.submit(spec)
    assert again.order_id == first.order_id


async def test_errors_are_typed_with_details(client: AsyncGatewayClient) -> None:
    with pytest.raises(InvalidArgumentError) as bad:
        await client.submit_order("AAPL", "BUY", 0)
    assert "order.quantity" in bad.value.field_violations
    with pytest.raises(NotFoundError) as missing:
        await client.get_order("nope")
    assert missing.value.reason == "ORDER_NOT_FOUND"
    await client.submit_order(
        "AAPL", "BUY", 1, client_order_id="dup", order_type="LIMIT", limit_price=1
    )
    with pytest.raises(AlreadyExistsError):
        await client.submit_order(
            "AAPL", "BUY", 2, client_order_id="dup", order_type="LIMIT", limit_price=1
        )
    done = await client.submit_order("AAPL", "BUY", 1)
    await _until(client.order_events(heartbeat_interval=0.2), done.order_id, "FILLED")
    with pytest.raises(FailedPreconditionError):
        await client.cancel_order(done.order_id)
    with pytest.raises(TypeError):
        await client.submit_order("AAPL", "BUY", 1.5)  # type: ignore[arg-type]


async def test_stream_resumes_across_a_gateway_restart(tmp_path: Path) -> None:
    db = tmp_path / "restart.db"
    gw = await start_gateway(db)
    port = gw.server.port
    async with AsyncGatewayClient(f"127.0.0.1:{port}") as client:
        stream = client.order_events(heartbeat_interval=0.2)
        # One iterator across the restart: it must reconnect and resume by itself.
        events = aiter(stream)
        first = await client.submit_order("AAPL", "BUY", 1)
        seen = await _until(events, first.order_id, "FILLED")
        await stop_gateway(gw)
        gw = await start_gateway(db, listen=f"127.0.0.1:{port}")
        try:
            second = await client.submit_order("AAPL", "BUY", 1)
            seen += await _until(events, second.order_id, "FILLED")
            journal = gw.server.store.read_events(0, 1000)
        finally:
            await stop_gateway(gw)
    # Every order event once, in order; the position changes between are not order events.
    assert [e.sequence for e in seen] == [
        e.sequence for e in journal if not isinstance(e, PositionEvent)
    ]
    assert stream.reconnects >= 1


class _StalledCall:
    """A stream that never delivers anything, as a half-open connection would."""

    def __init__(self) -> None:
        self.cancelled = False

    async def read(self) -> object:
        await asyncio.sleep(3600)
        return grpc.aio.EOF

    def cancel(self) -> bool:
        self.cancelled = True
        return True


class _ScriptedCall:
    def __init__(self, messages: list[gateway_pb2.StreamOrderEventsResponse]) -> None:
        self.messages = messages

    async def read(self) -> object:
        return self.messages.pop(0) if self.messages else grpc.aio.EOF

    def cancel(self) -> bool:
        return True


def _event(sequence: int) -> gateway_pb2.StreamOrderEventsResponse:
    return gateway_pb2.StreamOrderEventsResponse(
        event=events_pb2.OrderEvent(sequence=sequence, order_id=f"o{sequence}")
    )


def _beat(sequence: int) -> gateway_pb2.StreamOrderEventsResponse:
    return gateway_pb2.StreamOrderEventsResponse(
        heartbeat=events_pb2.Heartbeat(last_sequence=sequence)
    )


async def test_a_stalled_stream_is_abandoned_and_resumed() -> None:
    opened: list[int] = []
    stalled = _StalledCall()

    def open_stream(after: int, interval: object) -> object:
        opened.append(after)
        if len(opened) == 1:
            return _ScriptedCall([_event(1), _event(2)])  # then EOF: reconnect
        if len(opened) == 2:
            return stalled
        return _ScriptedCall([_event(2), _beat(5), _event(3), _event(6)])

    stream = EventStream(open_stream, heartbeat_interval=0.05)  # type: ignore[arg-type]
    got = []
    async with asyncio.timeout(5):
        async for event in stream:
            got.append(event.sequence)
            if len(got) == 3:
                break
    # Duplicates (2) and events behind a heartbeat's last_sequence (3) are dropped.
    assert got == [1, 2, 6]
    assert opened == [0, 2, 2]
    assert stalled.cancelled


async def test_blocking_client(gw: Gateway) -> None:
    def use() -> tuple[str, str]:
        with GatewayClient(f"127.0.0.1:{gw.server.port}") as client:
            order = client.submit_order("MSFT", "BUY", 3, order_type="LIMIT", limit_price="10")
            for event in client.order_events(heartbeat_interval=0.2):
                if event.order_id == order.order_id and event.order.status == "SUBMITTED":
                    break
            return order.order_id, client.get_order(order.order_id).status

    order_id, status = await asyncio.to_thread(use)
    assert status == "SUBMITTED"
    assert order_id
