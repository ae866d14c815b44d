"""How AsyncGatewayClient makes a unary call: each attempt's deadline, and the retry of
the calls that are safe to repeat."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import grpc

from ibkr_gateway_client.credentials import Metadata
from ibkr_gateway_client.errors import from_rpc_error
from ibkr_gateway_client.streams import OnRetry, OpenStream, ResumingStream

if TYPE_CHECKING:
    # The stubs' grpc.aio types exist only in the generated .pyi files.
    from ibkr.gateway.v1.account_pb2_grpc import AccountServiceAsyncStub
    from ibkr.gateway.v1.gateway_pb2_grpc import OrderGatewayServiceAsyncStub

T = TypeVar("T")
S = TypeVar("S", bound=ResumingStream[Any])
Amount = Decimal | str | int

# Only this failure is retried, and only for calls that are safe to repeat: reads, and
# submits (the client_order_id makes a repeat return the original order). An expired
# deadline is not: the deadline is the caller's bound on the wait, which retrying would
# multiply.
RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    initial_backoff: float = 0.1
    max_backoff: float = 2.0


class Calls:
    """The shared part of AsyncGatewayClient (whose __init__ sets the state below)."""

    target: str
    channel: grpc.aio.Channel
    metadata: Metadata | None
    stub: OrderGatewayServiceAsyncStub
    accounts: AccountServiceAsyncStub
    account: str
    timeout: float | None
    retry: RetryPolicy
    max_reconnects: int | None
    stream_backoff: RetryPolicy
    on_retry: OnRetry | None

    def _deadline(self, timeout: float | None) -> float | None:
        return self.timeout if timeout is None else timeout

    async def _call(self, call: Callable[[], Awaitable[T]], *, idempotent: bool) -> T:
        attempts = self.retry.attempts if idempotent else 1
        backoff = self.retry.initial_backoff
        for attempt in range(attempts):
            try:
                return await call()
            except grpc.aio.AioRpcError as error:
                if error.code() not in RETRYABLE or attempt == attempts - 1:
                    raise from_rpc_error(error) from None
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.retry.max_backoff)
        raise AssertionError("unreachable")

    def _resuming(
        self,
        stream: type[S],
        open_stream: OpenStream,
        after_sequence: int,
        heartbeat_interval: float,
    ) -> S:
        """A stream of that kind, resuming with this client's pauses and limit."""
        return stream(
            open_stream,
            after_sequence=after_sequence,
            heartbeat_interval=heartbeat_interval,
            initial_backoff=self.stream_backoff.initial_backoff,
            max_backoff=self.stream_backoff.max_backoff,
            max_reconnects=self.max_reconnects,
            on_retry=self.on_retry,
        )
