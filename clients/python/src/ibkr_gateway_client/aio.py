"""Asynchronous client of the order gateway (grpc.aio).

AsyncGatewayClient's calls are in order_calls.py, order_queries.py, account_calls.py,
operator_calls.py and event_streams.py, on the plumbing of calls.py; they make one
object.
"""

from __future__ import annotations

import asyncio

import grpc
from ibkr.gateway.v1 import account_pb2_grpc, gateway_pb2_grpc

from ibkr_gateway_client.account_calls import AccountCalls
from ibkr_gateway_client.calls import RETRYABLE, Amount, RetryPolicy
from ibkr_gateway_client.credentials import bearer_metadata
from ibkr_gateway_client.errors import UnavailableError
from ibkr_gateway_client.event_streams import EventStreams
from ibkr_gateway_client.operator_calls import OperatorCalls
from ibkr_gateway_client.order_calls import OrderCalls, new_client_order_id
from ibkr_gateway_client.order_queries import OrderQueries
from ibkr_gateway_client.streams import DEFAULT_MAX_RECONNECTS, OnRetry

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_STREAM_BACKOFF",
    "DEFAULT_TIMEOUT",
    "RETRYABLE",
    "Amount",
    "AsyncGatewayClient",
    "RetryPolicy",
    "new_client_order_id",
]

# Seconds a connection may take to open, and the deadline of each unary attempt.
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_TIMEOUT = 30.0

# Pauses between stream reconnects; `attempts` is not used (see max_reconnects).
DEFAULT_STREAM_BACKOFF = RetryPolicy(initial_backoff=0.5, max_backoff=5.0)


def _channel_options(connect_timeout: float) -> list[tuple[str, int]]:
    return [
        # gRPC's "minimum reconnect backoff" is how long each connection attempt may take
        # (20 s by default): make it the connect timeout.
        ("grpc.min_reconnect_backoff_ms", int(connect_timeout * 1000)),
        # gRPC waits up to 120 s between connection attempts by default; a gateway that
        # comes back must be found within the few seconds a stream waits to reconnect.
        ("grpc.max_reconnect_backoff_ms", 5000),
    ]


class AsyncGatewayClient(OrderCalls, OrderQueries, AccountCalls, OperatorCalls, EventStreams):
    """Submits, modifies and cancels orders; follows events with automatic resume.

    Amounts go in as Decimal (or str/int) and come back as Decimal. Failed calls raise
    subclasses of GatewayError carrying the server's reason and field violations.
    `credentials` (see `tls_credentials`) make the channel TLS; `token` is sent as
    `authorization: Bearer <token>` with every call.

    Nothing waits silently. `connect()` (and `async with`) waits at most `connect_timeout`
    seconds for the gateway, each later connection attempt too; each attempt of a unary
    call has a deadline of `timeout` seconds (None: none) unless the call passes its own,
    and ends with DeadlineExceededError when it expires; event streams raise the last
    error after `max_reconnects` failed reconnects in a row (None: never), logging each
    failure at WARNING and passing it to `on_retry`.
    """

    def __init__(
        self,
        target: str = "127.0.0.1:50051",
        *,
        channel: grpc.aio.Channel | None = None,
        account: str = "",
        timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        retry: RetryPolicy | None = None,
        max_reconnects: int | None = DEFAULT_MAX_RECONNECTS,
        stream_backoff: RetryPolicy = DEFAULT_STREAM_BACKOFF,
        on_retry: OnRetry | None = None,
        token: str = "",
        credentials: grpc.ChannelCredentials | None = None,
    ) -> None:
        self._owns_channel = channel is None
        self.target = target
        if channel is None:
            options = _channel_options(connect_timeout)
            channel = (
                grpc.aio.secure_channel(target, credentials, options=options)
                if credentials is not None
                else grpc.aio.insecure_channel(target, options=options)
            )
        self.channel = channel
        self.metadata = bearer_metadata(token)
        self.stub = gateway_pb2_grpc.OrderGatewayServiceStub(self.channel)
        self.accounts = account_pb2_grpc.AccountServiceStub(self.channel)
        self.account = account
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.retry = retry or RetryPolicy()
        self.max_reconnects = max_reconnects
        self.stream_backoff = stream_backoff
        self.on_retry = on_retry

    async def connect(self, timeout: float | None = None) -> None:
        """Opens the connection now rather than on the first call, so that a wrong address
        or a stopped gateway shows up here: waits at most `timeout` (default
        `connect_timeout`) seconds, then raises UnavailableError."""
        limit = self.connect_timeout if timeout is None else timeout
        try:
            async with asyncio.timeout(limit):
                await self.channel.channel_ready()
        except TimeoutError:
            state = self.channel.get_state()
            raise UnavailableError(
                code=grpc.StatusCode.UNAVAILABLE,
                message=f"no connection to {self.target} within {limit:g} s (channel {state.name})",
            ) from None

    async def close(self) -> None:
        if self._owns_channel:
            await self.channel.close()

    async def __aenter__(self) -> AsyncGatewayClient:
        try:
            await self.connect()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
