"""Blocking client: the async client run on a private event loop thread.

One implementation of retries, error mapping and stream resume serves both styles.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Collection, Coroutine, Iterator, Sequence
from typing import Any, TypeVar

import grpc
from ibkr.gateway.v1 import orders_pb2

from ibkr_gateway_client.aio import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_STREAM_BACKOFF,
    DEFAULT_TIMEOUT,
    Amount,
    AsyncGatewayClient,
    RetryPolicy,
)
from ibkr_gateway_client.errors import GatewayError
from ibkr_gateway_client.models import (
    AccountSummary,
    AuditRecord,
    Fill,
    KillSwitch,
    Order,
    OrderEvent,
    OrderPreview,
    PositionEvent,
    PositionList,
)
from ibkr_gateway_client.streams import DEFAULT_MAX_RECONNECTS, OnRetry

T = TypeVar("T")


class GatewayClient:
    """The same surface as AsyncGatewayClient, with blocking calls and iterators.

    `on_retry` runs on the client's own event loop thread.
    """

    def __init__(
        self,
        target: str = "127.0.0.1:50051",
        *,
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
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="ibkr-gateway-client", daemon=True
        )
        self._thread.start()

        async def create() -> AsyncGatewayClient:
            # grpc.aio channels bind to the loop they are created on.
            return AsyncGatewayClient(
                target,
                account=account,
                timeout=timeout,
                connect_timeout=connect_timeout,
                retry=retry,
                max_reconnects=max_reconnects,
                stream_backoff=stream_backoff,
                on_retry=on_retry,
                token=token,
                credentials=credentials,
            )

        self._client = self._run(create())

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def _iterate(self, iterator: AsyncIterator[T]) -> Iterator[T]:
        while True:
            try:
                yield self._run(anext(iterator))  # type: ignore[arg-type]
            except StopAsyncIteration:
                return

    def close(self) -> None:
        self._run(self._client.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def connect(self, timeout: float | None = None) -> None:
        """Waits at most `timeout` (default connect_timeout) seconds for the gateway."""
        self._run(self._client.connect(timeout))

    def __enter__(self) -> GatewayClient:
        try:
            self.connect()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def order_spec(
        self, symbol: str, side: str, quantity: Amount, **options: Any
    ) -> orders_pb2.OrderSpec:
        return self._client.order_spec(symbol, side, quantity, **options)

    def submit(self, spec: orders_pb2.OrderSpec, *, timeout: float | None = None) -> Order:
        return self._run(self._client.submit(spec, timeout=timeout))

    def submit_orders(
        self, specs: Sequence[orders_pb2.OrderSpec], *, timeout: float | None = None
    ) -> list[Order | GatewayError]:
        return self._run(self._client.submit_orders(specs, timeout=timeout))

    def submit_order(self, symbol: str, side: str, quantity: Amount, **options: Any) -> Order:
        return self._run(self._client.submit_order(symbol, side, quantity, **options))

    def submit_bracket(
        self, symbol: str, side: str, quantity: Amount, **options: Any
    ) -> tuple[Order, Order, Order]:
        return self._run(self._client.submit_bracket(symbol, side, quantity, **options))

    def modify_order(self, order_id: str = "", **changes: Any) -> Order:
        return self._run(self._client.modify_order(order_id, **changes))

    def cancel_order(
        self,
        order_id: str = "",
        *,
        client_order_id: str = "",
        account: str = "",
        timeout: float | None = None,
    ) -> Order:
        return self._run(
            self._client.cancel_order(
                order_id, client_order_id=client_order_id, account=account, timeout=timeout
            )
        )

    def cancel_all_orders(self, account: str = "", *, timeout: float | None = None) -> list[Order]:
        return self._run(self._client.cancel_all_orders(account, timeout=timeout))

    def get_order(self, order_id: str, *, timeout: float | None = None) -> Order:
        return self._run(self._client.get_order(order_id, timeout=timeout))

    def get_order_by_client_id(
        self, client_order_id: str, account: str = "", *, timeout: float | None = None
    ) -> Order:
        return self._run(
            self._client.get_order_by_client_id(client_order_id, account, timeout=timeout)
        )

    def list_orders(self, **filters: Any) -> Iterator[Order]:
        return self._iterate(self._client.list_orders(**filters))

    def list_fills(self, **filters: Any) -> Iterator[Fill]:
        return self._iterate(self._client.list_fills(**filters))

    def order_events(self, **options: Any) -> Iterator[OrderEvent]:
        return self._iterate(aiter(self._client.order_events(**options)))

    def fills(self, **options: Any) -> Iterator[OrderEvent]:
        return self._iterate(aiter(self._client.fills(**options)))

    def preview(self, spec: orders_pb2.OrderSpec, *, timeout: float | None = None) -> OrderPreview:
        return self._run(self._client.preview(spec, timeout=timeout))

    def list_positions(self, **filters: Any) -> PositionList:
        return self._run(self._client.list_positions(**filters))

    def get_account_summary(
        self, account: str = "", *, timeout: float | None = None
    ) -> AccountSummary:
        return self._run(self._client.get_account_summary(account, timeout=timeout))

    def positions(self, **options: Any) -> Iterator[PositionEvent]:
        return self._iterate(aiter(self._client.positions(**options)))

    def get_kill_switch(self) -> KillSwitch:
        return self._run(self._client.get_kill_switch())

    def set_kill_switch(
        self, engaged: bool, *, reason: str = "", accounts: Collection[str] = ()
    ) -> tuple[KillSwitch, list[Order]]:
        return self._run(self._client.set_kill_switch(engaged, reason=reason, accounts=accounts))

    def engage_kill_switch(
        self, reason: str = "", *, accounts: Collection[str] = ()
    ) -> tuple[KillSwitch, list[Order]]:
        return self._run(self._client.engage_kill_switch(reason, accounts=accounts))

    def release_kill_switch(
        self, reason: str = "", *, accounts: Collection[str] = ()
    ) -> KillSwitch:
        return self._run(self._client.release_kill_switch(reason, accounts=accounts))

    def list_audit_records(self, *, page_size: int = 500) -> Iterator[AuditRecord]:
        return self._iterate(self._client.list_audit_records(page_size=page_size))
