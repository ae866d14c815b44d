"""OrderManager's cancels, of one order or of all of an account's (or of every account's):
PENDING_CANCEL is journaled for the orders the broker has, which are then cancelled
there; the others are cancelled here."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ibkr_gateway.errors import FailedPrecondition
from ibkr_gateway.event.events import OrderEvent, OrderStatusEvent
from ibkr_gateway.order.core import ManagerCore, local_cancel
from ibkr_gateway.order.models import Order, OrderStatus
from ibkr_gateway.order.status import CANCELLABLE


class Cancellation(ManagerCore):
    """The cancel part of OrderManager."""

    async def cancel(self, order_id: str) -> Order:
        order = self.get(order_id)
        if order.status is OrderStatus.PENDING_CANCEL:
            return order
        self._require_store()
        if order.status not in CANCELLABLE:
            raise FailedPrecondition(
                f"order {order_id} is {order.status.value} and cannot be cancelled",
                reason="ORDER_NOT_CANCELLABLE",
                metadata={"status": order.status.value},
            )
        self._require_addressable(order, "cancelled")
        at_broker, durable = self._request_cancels([order])
        # The answer is the state this call made durable; what the broker does next
        # follows on the stream.
        requested = self.get(order_id)
        # A cancel is safe to send before it is durable: PENDING_CANCEL is already ahead
        # of any report the broker sends back, and after a crash reconciliation shows
        # the broker's answer.
        if at_broker:
            await self._send(self._require_broker().cancel_order, requested)
        await self._await_recorded(durable, "the cancel was sent to the broker")
        return requested

    async def cancel_all(self, account: str = "") -> list[Order]:
        self._require_store()
        return await self._cancel_all(account, urgent=False)

    async def _cancel_all(self, account: str, *, urgent: bool) -> list[Order]:
        """`urgent`: answered once the cancels are sent, durable or not (the kill
        switch works while the store cannot write)."""
        # A global cancel reaches every client's orders at IB; a cancel by order id
        # cannot reach another client's.
        targets = [
            o
            for o in self.book.orders.values()
            if o.status in CANCELLABLE
            and o.order_id not in self._creating
            and (not account or (o.spec.account == account and not self._other_clients(o)))
        ]
        at_broker, durable = self._request_cancels(targets)
        requested = [self.get(o.order_id) for o in targets]
        broker = self._require_broker()
        if not account:
            await self._send(lambda: broker.cancel_all())
        else:
            for order in at_broker:
                await self._send(broker.cancel_order, self.get(order.order_id))
        if not urgent:
            await self._await_recorded(durable, "the cancels were sent to the broker")
        return requested

    def _request_cancels(self, orders: Sequence[Order]) -> tuple[list[Order], asyncio.Future[None]]:
        """Journals PENDING_CANCEL for orders the broker has, CANCELLED for the rest."""
        now = self._clock()
        events: list[OrderEvent] = []
        at_broker = []
        for order in orders:
            if order.order_id in self._at_broker:
                self._status_before_cancel[order.order_id] = order.status
                at_broker.append(order)
                events.append(
                    OrderStatusEvent(
                        sequence=0,
                        time=now,
                        previous_status=order.status,
                        reason="cancel requested",
                        order=order.evolve(status=OrderStatus.PENDING_CANCEL, update_time=now),
                    )
                )
            else:
                events.append(local_cancel(order, "cancelled before reaching the broker", now))
        if events:
            return at_broker, self._record(events)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return at_broker, done
