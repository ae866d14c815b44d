"""Nothing waits silently: connecting, unary calls and event streams end with a typed
error within bounds the client sets by default."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
from ibkr.gateway.v1 import events_pb2, gateway_pb2

from ibkr_gateway_client import (
    DEFAULT_TIMEOUT,
    AsyncGatewayClient,
    DeadlineExceededError,
    EventStream,
    GatewayClient,
    RetryPolicy,
    StreamRetry,
    UnavailableError,
)

SERVICE = "ibkr.gateway.v1.OrderGatewayService"
Context = grpc.aio.ServicerContext[Any, Any]
FAST = RetryPolicy(initial_backoff=0.01, max_backoff=0.05)


def _closed_port() -> str:
    """An address nothing listens on: a port the system just handed out, released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


@contextlib.asynccontextmanager
async def _serving(
    handlers: dict[str, grpc.RpcMethodHandler[Any, Any]],
) -> AsyncIterator[tuple[grpc.aio.Server, str]]:
    """A grpc.aio server on a free port answering only the given methods."""
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        yield server, f"127.0.0.1:{port}"
    finally:
        await server.stop(None)


def _get_order(behaviour: Any) -> dict[str, grpc.RpcMethodHandler[Any, Any]]:
    return {
        "GetOrder": grpc.unary_unary_rpc_method_handler(
            behaviour,
            request_deserializer=gateway_pb2.GetOrderRequest.FromString,
            response_serializer=gateway_pb2.GetOrderResponse.SerializeToString,
        )
    }


async def test_connecting_where_nothing_listens_fails_within_the_connect_timeout() -> None:
    started = time.monotonic()
    with pytest.raises(UnavailableError, match="no connection to"):
        async with AsyncGatewayClient(_closed_port(), connect_timeout=0.3):
            pass
    assert time.monotonic() - started < 0.9


async def test_the_blocking_client_fails_to_connect_the_same_way() -> None:
    def connect() -> None:
        with GatewayClient(_closed_port(), connect_timeout=0.3):
            pass

    started = time.monotonic()
    with pytest.raises(UnavailableError):
        await asyncio.to_thread(connect)
    assert time.monotonic() - started < 0.9


async def test_a_call_where_nothing_listens_is_unavailable() -> None:
    retry = RetryPolicy(attempts=2, initial_backoff=0.01)
    async with contextlib.AsyncExitStack() as stack:
        client = AsyncGatewayClient(_closed_port(), connect_timeout=0.3, retry=retry)
        stack.push_async_callback(client.close)
        started = time.monotonic()
        with pytest.raises(UnavailableError):
            await client.get_order("o1")
        assert time.monotonic() - started < 0.9


async def test_unary_calls_carry_the_default_deadline() -> None:
    left: list[float | None] = []

    async def get_order(
        request: gateway_pb2.GetOrderRequest, context: Context
    ) -> gateway_pb2.GetOrderResponse:
        left.append(context.time_remaining())
        return gateway_pb2.GetOrderResponse()

    async with _serving(_get_order(get_order)) as (_, target), AsyncGatewayClient(target) as client:
        await client.get_order("o1")
    assert left[0] is not None
    # The wire format of a deadline rounds it up a little.
    assert DEFAULT_TIMEOUT / 2 < left[0] <= DEFAULT_TIMEOUT + 1


async def test_an_expired_deadline_is_deadline_exceeded_and_not_retried() -> None:
    calls = 0

    async def get_order(
        request: gateway_pb2.GetOrderRequest, context: Context
    ) -> gateway_pb2.GetOrderResponse:
        nonlocal calls
        calls += 1
        await asyncio.sleep(10)
        return gateway_pb2.GetOrderResponse()

    async with _serving(_get_order(get_order)) as (_, target):
        async with AsyncGatewayClient(target, timeout=0.1) as client:
            with pytest.raises(DeadlineExceededError):
                await client.get_order("o1")
        assert calls == 1
        # A call's own timeout replaces the client's.
        async with AsyncGatewayClient(target) as client:
            started = time.monotonic()
            with pytest.raises(DeadlineExceededError):
                await client.get_order("o1", timeout=0.1)
            assert time.monotonic() - started < 5


async def test_a_stream_whose_gateway_goes_away_raises_after_max_reconnects(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="ibkr_gateway_client.streams")

    async def stream_order_events(
        request: gateway_pb2.StreamOrderEventsRequest, context: Context
    ) -> AsyncIterator[gateway_pb2.StreamOrderEventsResponse]:
        for sequence in (1, 2):
            yield gateway_pb2.StreamOrderEventsResponse(
                event=events_pb2.OrderEvent(sequence=sequence)
            )
        await asyncio.sleep(3600)

    handlers = {
        "StreamOrderEvents": grpc.unary_stream_rpc_method_handler(
            stream_order_events,
            request_deserializer=gateway_pb2.StreamOrderEventsRequest.FromString,
            response_serializer=gateway_pb2.StreamOrderEventsResponse.SerializeToString,
        )
    }
    retries: list[StreamRetry] = []
    seen: list[int] = []
    async with _serving(handlers) as (server, target):
        client = AsyncGatewayClient(
            target, max_reconnects=3, stream_backoff=FAST, on_retry=retries.append
        )

        async def follow() -> None:
            async for event in client.order_events(heartbeat_interval=1):
                seen.append(event.sequence)
                if event.sequence == 2:
                    await server.stop(None)

        async with client:
            with pytest.raises(UnavailableError):
                await asyncio.wait_for(follow(), 10)
    assert seen == [1, 2]
    assert [r.attempt for r in retries] == [1, 2, 3]
    assert all(r.after_sequence == 2 and r.max_reconnects == 3 for r in retries)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 4  # each of the three reconnects, then giving up


class _Call:
    """One scripted stream call: these messages, then the end of the stream."""

    def __init__(self, *messages: gateway_pb2.StreamOrderEventsResponse) -> None:
        self.messages = list(messages)

    async def read(self) -> object:
        return self.messages.pop(0) if self.messages else grpc.aio.EOF

    def cancel(self) -> bool:
        return True


def _event(sequence: int) -> gateway_pb2.StreamOrderEventsResponse:
    return gateway_pb2.StreamOrderEventsResponse(event=events_pb2.OrderEvent(sequence=sequence))


async def test_the_reconnect_count_starts_again_once_the_stream_delivers() -> None:
    heartbeat = gateway_pb2.StreamOrderEventsResponse(
        heartbeat=events_pb2.Heartbeat(last_sequence=1)
    )
    calls = [_Call(_event(1)), _Call(), _Call(heartbeat, _event(2)), _Call(), _Call()]
    opened: list[int] = []

    def open_stream(after: int, interval: object) -> Any:
        opened.append(after)
        return calls.pop(0)

    retries: list[StreamRetry] = []
    stream = EventStream(
        open_stream,
        initial_backoff=0.001,
        max_reconnects=2,
        on_retry=retries.append,
    )
    seen = []

    async def follow() -> None:
        async for event in stream:
            seen.append(event.sequence)

    with pytest.raises(UnavailableError, match="stream ended by the server"):
        await asyncio.wait_for(follow(), 5)
    assert seen == [1, 2]
    # Calls 0 and 2 deliver, so each starts the count again; the failures of calls 3 and
    # 4 make three in a row, one over the bound.
    assert [r.attempt for r in retries] == [1, 2, 1, 2]
    assert opened == [0, 1, 1, 2, 2]
