"""AsyncGatewayClient's order calls: specs, submits (single, batch, bracket), previews,
modifications and cancels."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from ibkr_gateway_client.calls import Amount, Calls
from ibkr_gateway_client.errors import GatewayError, from_status
from ibkr_gateway_client.models import Order, OrderPreview, decimal_text


def new_client_order_id() -> str:
    return f"py-{uuid.uuid4().hex}"


def _side(name: str) -> orders_pb2.Side.ValueType:
    return orders_pb2.Side.Value(f"SIDE_{name.upper()}")


def _order_type(name: str) -> orders_pb2.OrderType.ValueType:
    return orders_pb2.OrderType.Value(f"ORDER_TYPE_{name.upper()}")


def _tif(name: str) -> orders_pb2.TimeInForce.ValueType:
    return orders_pb2.TimeInForce.Value(f"TIME_IN_FORCE_{name.upper()}")


def _timestamp(value: datetime) -> Timestamp:
    if value.tzinfo is None:
        raise ValueError("good_till must be timezone-aware")
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def _amount(value: Amount | None) -> str:
    return "" if value is None else decimal_text(value)


class OrderCalls(Calls):
    """The order part of AsyncGatewayClient."""

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
