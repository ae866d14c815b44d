"""Asynchronous client of the order gateway (grpc.aio)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

import grpc
from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp
from ibkr.gateway.v1 import account_pb2, account_pb2_grpc, gateway_pb2, gateway_pb2_grpc, orders_pb2

from ibkr_gateway_client.credentials import bearer_metadata
from ibkr_gateway_client.errors import GatewayError, UnavailableError, from_rpc_error, from_status
from ibkr_gateway_client.models import (
    AccountSummary,
    AuditRecord,
    Fill,
    KillSwitch,
    Order,
    OrderPreview,
    Position,
    PositionList,
    decimal_text,
)
from ibkr_gateway_client.streams import (
    DEFAULT_MAX_RECONNECTS,
    EventStream,
    OnRetry,
    PositionStream,
)

T = TypeVar("T")
Amount = Decimal | str | int

# Seconds a connection may take to open, and the deadline of each unary attempt.
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_TIMEOUT = 30.0

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


def new_client_order_id() -> str:
    return f"py-{uuid.uuid4().hex}"


def _side(name: str) -> orders_pb2.Side.ValueType:
    return orders_pb2.Side.Value(f"SIDE_{name.upper()}")


def _order_type(name: str) -> orders_pb2.OrderType.ValueType:
    return orders_pb2.OrderType.Value(f"ORDER_TYPE_{name.upper()}")


def _tif(name: str) -> orders_pb2.TimeInForce.ValueType:
    return orders_pb2.TimeInForce.Value(f"TIME_IN_FORCE_{name.upper()}")


def _status(name: str) -> orders_pb2.OrderStatus.ValueType:
    return orders_pb2.OrderStatus.Value(f"ORDER_STATUS_{name.upper()}")


def _timestamp(value: datetime) -> Timestamp:
    if value.tzinfo is None:
        raise ValueError("good_till must be timezone-aware")
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def _amount(value: Amount | None) -> str:
    return "" if value is None else decimal_text(value)


class AsyncGatewayClient:
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

    # -- plumbing ---------------------------------------------------------------

    def _refer(
        self,
        request: gateway_pb2.ModifyOrderRequest | gateway_pb2.CancelOrderRequest,
        order_id: str,
        client_order_id: str,
        account: str,
    ) -> None:
        """Names the order by gateway id or by the caller's own id, never both."""
        if bool(order_id) == bool(client_order_id):
            raise ValueError("give exactly one of order_id and client_order_id")
        if order_id:
            request.order_id = order_id
        else:
            request.client_order_id = client_order_id
            request.account = account or self.account

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

    # -- orders -------------------------------------------------------------------

    def order_spec(
        self,
        symbol: str,
        side: str,
        quantity: Amount,
        *,
        order_type: str = "MARKET",
        limit_price: Amount | None = None,
        stop_price: Amount | None = None,
        time_in_force: str = "DAY",
        account: str | None = None,
        client_order_id: str | None = None,
        outside_rth: bool = False,
        contract: orders_pb2.Contract | None = None,
        trailing_amount: Amount | None = None,
        trailing_percent: Amount | None = None,
        good_till: datetime | None = None,
        oca_group: str = "",
        limit_offset: Amount | None = None,
        peg_offset: Amount | None = None,
        display_size: Amount | None = None,
        hidden: bool = False,
        algo: orders_pb2.Algo | None = None,
    ) -> orders_pb2.OrderSpec:
        """The wire form of an order; a client_order_id is generated when none is given.
        order_type is the enum name without its prefix (MARKET, LIMIT, ...,
        TRAILING_STOP_LIMIT, MARKET_ON_CLOSE, LIMIT_IF_TOUCHED, RELATIVE, ...); algo is
        built with `ibkr_gateway_client.algos`."""
        resolved = orders_pb2.Contract()
        if contract is not None:
            resolved.CopyFrom(contract)
        resolved.symbol = symbol
        return orders_pb2.OrderSpec(
            client_order_id=client_order_id or new_client_order_id(),
            account=self.account if account is None else account,
            contract=resolved,
            side=_side(side),
            quantity=decimal_text(quantity),
            order_type=_order_type(order_type),
            limit_price=_amount(limit_price),
            stop_price=_amount(stop_price),
            time_in_force=_tif(time_in_force),
            outside_rth=outside_rth,
            trailing_amount=_amount(trailing_amount),
            trailing_percent=_amount(trailing_percent),
            good_till_time=_timestamp(good_till) if good_till is not None else None,
            oca_group=oca_group,
            limit_offset=_amount(limit_offset),
            peg_offset=_amount(peg_offset),
            display_size=_amount(display_size),
            hidden=hidden,
            algo=algo,
        )

    async def submit(self, spec: orders_pb2.OrderSpec, *, timeout: float | None = None) -> Order:
        """Submits a prepared spec; retried safely because its client_order_id is fixed."""
        request = gateway_pb2.SubmitOrderRequest(order=spec)
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.stub.SubmitOrder(request, timeout=deadline, metadata=self.metadata),
            idempotent=True,
        )
        return Order.from_proto(response.order)

    async def submit_orders(
        self, specs: Sequence[orders_pb2.OrderSpec], *, timeout: float | None = None
    ) -> list[Order | GatewayError]:
        """Submits prepared specs in one call (at most 1000). Each is answered on its own,
        in order: its order, or the error `submit` would have raised for it. Retried
        safely, as a whole, because every client_order_id is fixed: one is generated for
        a spec without one (in the request; `specs` are left as they are)."""
        request = gateway_pb2.SubmitOrdersRequest(orders=specs)
        for spec in request.orders:
            if not spec.client_order_id:
                # Before the first attempt: the gateway would give each attempt its own.
                spec.client_order_id = new_client_order_id()
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.stub.SubmitOrders(request, timeout=deadline, metadata=self.metadata),
            idempotent=True,
        )
        return [
            Order.from_proto(r.order) if r.HasField("order") else from_status(r.error)
            for r in response.results
        ]

    async def submit_order(
        self,
        symbol: str,
        side: str,
        quantity: Amount,
        *,
        timeout: float | None = None,
        **options: object,
    ) -> Order:
        """Submits an order. Options as for `order_spec` (order_type, limit_price, ...)."""
        spec = self.order_spec(symbol, side, quantity, **options)  # type: ignore[arg-type]
        return await self.submit(spec, timeout=timeout)

    async def preview(
        self, spec: orders_pb2.OrderSpec, *, timeout: float | None = None
    ) -> OrderPreview:
        """What the order would do (price and commission estimates, position and account
        before and after, every limit it would break), without placing it."""
        request = gateway_pb2.PreviewOrderRequest(order=spec)
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.stub.PreviewOrder(request, timeout=deadline, metadata=self.metadata),
            idempotent=True,
        )
        return OrderPreview.from_proto(response)

    async def submit_bracket(
        self,
        symbol: str,
        side: str,
        quantity: Amount,
        *,
        take_profit: Amount,
        stop_loss: Amount,
        entry_limit_price: Amount | None = None,
        stop_loss_limit_price: Amount | None = None,
        child_time_in_force: str = "GTC",
        client_order_id: str | None = None,
        account: str | None = None,
        timeout: float | None = None,
    ) -> tuple[Order, Order, Order]:
        """Entry (LIMIT if entry_limit_price is given, else MARKET), take-profit, stop-loss."""
        parent = self.order_spec(
            symbol,
            side,
            quantity,
            order_type="LIMIT" if entry_limit_price is not None else "MARKET",
            limit_price=entry_limit_price,
            client_order_id=client_order_id,
            account=account,
        )
        request = gateway_pb2.SubmitBracketOrderRequest(
            parent=parent,
            take_profit_limit_price=decimal_text(take_profit),
            stop_loss_stop_price=decimal_text(stop_loss),
            stop_loss_limit_price=_amount(stop_loss_limit_price),
            child_time_in_force=_tif(child_time_in_force),
        )
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.stub.SubmitBracketOrder(request, timeout=deadline, metadata=self.metadata),
            idempotent=True,
        )
        return (
            Order.from_proto(response.parent),
            Order.from_proto(response.take_profit),
            Order.from_proto(response.stop_loss),
        )

    async def modify_order(
        self,
        order_id: str = "",
        *,
        client_order_id: str = "",
        account: str = "",
        quantity: Amount | None = None,
        limit_price: Amount | None = None,
        stop_price: Amount | None = None,
        time_in_force: str | None = None,
        timeout: float | None = None,
    ) -> Order:
        """The order is named by `order_id` or by `client_order_id` (within `account`)."""
        request = gateway_pb2.ModifyOrderRequest()
        self._refer(request, order_id, client_order_id, account)
        if quantity is not None:
            request.quantity = decimal_text(quantity)
        if limit_price is not None:
            request.limit_price = decimal_text(limit_price)
        if stop_price is not None:
            request.stop_price = decimal_text(stop_price)
        if time_in_force is not None:
            request.time_in_force = _tif(time_in_force)
        # A repeated modify could undo a concurrent one: never retried.
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.stub.ModifyOrder(request, timeout=deadline, metadata=self.metadata),
            idempotent=False,
        )
        return Order.from_proto(response.order)

    async def cancel_order(
        self,
        order_id: str = "",
        *,
        client_order_id: str = "",
        account: str = "",
        timeout: float | None = None,
    ) -> Order:
        """The order is named by `order_id` or by `client_order_id` (within `account`)."""
        request = gateway_pb2.CancelOrderRequest()
        self._refer(request, order_id, client_order_id, account)
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.stub.CancelOrder(request, timeout=deadline, metadata=self.metadata),
            idempotent=False,
        )
        return Order.from_proto(response.order)

    async def cancel_all_orders(
        self, account: str = "", *, timeout: float | None = None
    ) -> list[Order]:
        request = gateway_pb2.CancelAllOrdersRequest(account=account)
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.stub.CancelAllOrders(request, timeout=deadline, metadata=self.metadata),
            idempotent=False,
        )
        return [Order.from_proto(o) for o in response.orders]

    async def get_order(self, order_id: str, *, timeout: float | None = None) -> Order:
        request = gateway_pb2.GetOrderRequest(order_id=order_id)
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.stub.GetOrder(request, timeout=deadline, metadata=self.metadata),
            idempotent=True,
        )
        return Order.from_proto(response.order)

    async def get_order_by_client_id(
        self, client_order_id: str, account: str = "", *, timeout: float | None = None
    ) -> Order:
        request = gateway_pb2.GetOrderRequest(
            client_order_id=client_order_id, account=account or self.account
        )
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.stub.GetOrder(request, timeout=deadline, metadata=self.metadata),
            idempotent=True,
        )
        return Order.from_proto(response.order)

    async def list_orders(
        self,
        *,
        account: str = "",
        statuses: Iterable[str] = (),
        symbol: str = "",
        page_size: int = 500,
        timeout: float | None = None,
    ) -> AsyncIterator[Order]:
        """Every matching order, oldest first, fetched page by page (`timeout` per page)."""
        request = gateway_pb2.ListOrdersRequest(
            account=account,
            statuses=[_status(s) for s in statuses],
            symbol=symbol,
            page_size=page_size,
        )
        deadline = self._deadline(timeout)
        while True:
            page = await self._call(
                lambda: self.stub.ListOrders(request, timeout=deadline, metadata=self.metadata),
                idempotent=True,
            )
            for order in page.orders:
                yield Order.from_proto(order)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    async def list_fills(
        self,
        *,
        account: str = "",
        order_id: str = "",
        page_size: int = 500,
        timeout: float | None = None,
    ) -> AsyncIterator[Fill]:
        request = gateway_pb2.ListFillsRequest(
            account=account, order_id=order_id, page_size=page_size
        )
        deadline = self._deadline(timeout)
        while True:
            page = await self._call(
                lambda: self.stub.ListFills(request, timeout=deadline, metadata=self.metadata),
                idempotent=True,
            )
            for fill in page.fills:
                yield Fill.from_proto(fill)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    # -- positions and account ------------------------------------------------------

    async def list_positions(
        self,
        *,
        account: str = "",
        symbol: str = "",
        con_id: int = 0,
        include_closed: bool = False,
        timeout: float | None = None,
    ) -> PositionList:
        """The account's positions (the default account's when empty), with P&L at the
        market price where the gateway knows one."""
        request = account_pb2.ListPositionsRequest(
            account=account or self.account,
            symbol=symbol,
            con_id=con_id,
            include_closed=include_closed,
        )
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.accounts.ListPositions(request, timeout=deadline, metadata=self.metadata),
            idempotent=True,
        )
        return PositionList(
            positions=tuple(Position.from_proto(p) for p in response.positions),
            last_sequence=response.last_sequence,
        )

    async def get_account_summary(
        self, account: str = "", *, timeout: float | None = None
    ) -> AccountSummary:
        """Cash, margin, buying power and P&L (the simulated account on backend sim)."""
        request = account_pb2.GetAccountSummaryRequest(account=account or self.account)
        deadline = self._deadline(timeout)
        response = await self._call(
            lambda: self.accounts.GetAccountSummary(
                request, timeout=deadline, metadata=self.metadata
            ),
            idempotent=True,
        )
        return AccountSummary.from_proto(response.summary)

    def positions(
        self,
        *,
        after_sequence: int = 0,
        account: str = "",
        symbol: str = "",
        heartbeat_interval: float = 5.0,
    ) -> PositionStream:
        """Every position change after `after_sequence` (e.g. a listing's last_sequence),
        then live; resumes across disconnects."""

        def open_stream(after: int, interval: Duration) -> grpc.aio.UnaryStreamCall:  # type: ignore[type-arg]
            request = account_pb2.StreamPositionsRequest(
                after_sequence=after,
                account=account,
                symbol=symbol,
                heartbeat_interval=interval,
            )
            return self.accounts.StreamPositions(request, metadata=self.metadata)

        return PositionStream(
            open_stream,
            after_sequence=after_sequence,
            heartbeat_interval=heartbeat_interval,
            initial_backoff=self.stream_backoff.initial_backoff,
            max_backoff=self.stream_backoff.max_backoff,
            max_reconnects=self.max_reconnects,
            on_retry=self.on_retry,
        )

    # -- administration (admin scope) ---------------------------------------------

    async def get_kill_switch(self) -> KillSwitch:
        request = gateway_pb2.GetKillSwitchRequest()
        response = await self._call(
            lambda: self.stub.GetKillSwitch(request, timeout=self.timeout, metadata=self.metadata),
            idempotent=True,
        )
        return KillSwitch.from_proto(response.kill_switch)

    async def set_kill_switch(
        self, engaged: bool, *, reason: str = "", accounts: Collection[str] = ()
    ) -> tuple[KillSwitch, list[Order]]:
        """Engages (cancel every working order, refuse new ones) or releases the switch;
        with `accounts`, halts or releases only those. Returns the switch after the call
        and the orders a cancel was requested for."""
        request = gateway_pb2.SetKillSwitchRequest(
            engaged=engaged, reason=reason, accounts=list(accounts)
        )
        # Not retried, like modify: a late repeat could undo someone else's change.
        response = await self._call(
            lambda: self.stub.SetKillSwitch(request, timeout=self.timeout, metadata=self.metadata),
            idempotent=False,
        )
        return (
            KillSwitch.from_proto(response.kill_switch),
            [Order.from_proto(o) for o in response.cancelled_orders],
        )

    async def engage_kill_switch(
        self, reason: str = "", *, accounts: Collection[str] = ()
    ) -> tuple[KillSwitch, list[Order]]:
        return await self.set_kill_switch(True, reason=reason, accounts=accounts)

    async def release_kill_switch(
        self, reason: str = "", *, accounts: Collection[str] = ()
    ) -> KillSwitch:
        switch, _ = await self.set_kill_switch(False, reason=reason, accounts=accounts)
        return switch

    async def list_audit_records(self, *, page_size: int = 500) -> AsyncIterator[AuditRecord]:
        """Every audit record the token may see, oldest first, fetched page by page."""
        request = gateway_pb2.ListAuditRecordsRequest(page_size=page_size)
        while True:
            page = await self._call(
                lambda: self.stub.ListAuditRecords(
                    request, timeout=self.timeout, metadata=self.metadata
                ),
                idempotent=True,
            )
            for record in page.records:
                yield AuditRecord.from_proto(record)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    # -- streams ------------------------------------------------------------------

    def order_events(
        self,
        *,
        after_sequence: int = 0,
        account: str = "",
        order_id: str = "",
        heartbeat_interval: float = 5.0,
    ) -> EventStream:
        """Every event after `after_sequence`, then live; resumes across disconnects."""
        return self._stream(False, after_sequence, account, order_id, heartbeat_interval)

    def fills(
        self,
        *,
        after_sequence: int = 0,
        account: str = "",
        order_id: str = "",
        heartbeat_interval: float = 5.0,
    ) -> EventStream:
        """Fill events only (same sequence space), resuming across disconnects."""
        return self._stream(True, after_sequence, account, order_id, heartbeat_interval)

    def _stream(
        self,
        fills_only: bool,
        after_sequence: int,
        account: str,
        order_id: str,
        heartbeat_interval: float,
    ) -> EventStream:
        def open_stream(after: int, interval: Duration) -> grpc.aio.UnaryStreamCall:  # type: ignore[type-arg]
            fields = {
                "after_sequence": after,
                "account": account,
                "order_id": order_id,
                "heartbeat_interval": interval,
            }
            if fills_only:
                return self.stub.StreamFills(
                    gateway_pb2.StreamFillsRequest(**fields),  # type: ignore[arg-type]
                    metadata=self.metadata,
                )
            return self.stub.StreamOrderEvents(
                gateway_pb2.StreamOrderEventsRequest(**fields),  # type: ignore[arg-type]
                metadata=self.metadata,
            )

        return EventStream(
            open_stream,
            after_sequence=after_sequence,
            heartbeat_interval=heartbeat_interval,
            initial_backoff=self.stream_backoff.initial_backoff,
            max_backoff=self.stream_backoff.max_backoff,
            max_reconnects=self.max_reconnects,
            on_retry=self.on_retry,
        )
