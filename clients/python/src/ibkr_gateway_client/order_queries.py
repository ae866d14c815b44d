"""AsyncGatewayClient's order queries: one order, and the listings of orders and fills."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from ibkr_gateway_client.calls import Calls
from ibkr_gateway_client.models import Fill, Order


def _status(name: str) -> orders_pb2.OrderStatus.ValueType:
    return orders_pb2.OrderStatus.Value(f"ORDER_STATUS_{name.upper()}")


class OrderQueries(Calls):
    """The order query part of AsyncGatewayClient."""

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
