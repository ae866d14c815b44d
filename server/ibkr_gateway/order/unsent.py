"""OrderManager's resend of orders journaled but never sent: after the broker's listing
shows which of them it does not have, each is sent again, or cancelled when sending it
now would not do what was asked (see order/resend.py)."""

from __future__ import annotations

from collections.abc import Sequence

from ibkr_gateway.errors import Unavailable
from ibkr_gateway.order.core import ManagerCore, log
from ibkr_gateway.order.models import Order, OrderStatus
from ibkr_gateway.order.resend import plan_resend


class UnsentOrders(ManagerCore):
    """The resend part of OrderManager."""

    def unsent_candidates(self) -> list[Order]:
        """Working orders that may have been lost on the way to the broker: journaled
        PENDING_SUBMIT, and not in the middle of their own submit call (which sends them
        itself once their creation is durable)."""
        return [
            o
            for o in self.book.orders.values()
            if o.status is OrderStatus.PENDING_SUBMIT and o.order_id not in self._creating
        ]

    async def resend(self, orders: Sequence[Order]) -> None:
        """Sends journaled orders the broker never received, under fresh broker ids
        (IB refuses ids below ones already used); stale ones, and bracket legs whose
        bracket cannot travel whole, are cancelled with the reason. The new id is
        journaled with the broker's acknowledgement; until then, its orderRef finds the
        order."""
        broker = self._require_broker()
        current = [self.get(o.order_id) for o in orders]
        plan = plan_resend(
            [o for o in current if o.status is OrderStatus.PENDING_SUBMIT],
            self._clock(),
            self._legs_of,
        )
        if plan.cancelled:
            await self._cancel_unsent(plan.cancelled)
        groups = [[o] for o in plan.singles] + [list(b) for b in plan.brackets]
        for group in groups:
            try:
                renewed = [
                    self.get(o.order_id).evolve(broker_order_id=broker.reserve_order_id())
                    for o in group
                ]
            except Unavailable:
                log.warning("the broker went away again; unsent orders wait for the next sync")
                return
            if any(o.status is not OrderStatus.PENDING_SUBMIT for o in renewed):
                continue  # cancelled meanwhile
            for order in renewed:
                self._remember(order)
            if len(renewed) == 1:
                await self._send(broker.place_order, renewed[0])
            else:
                await self._send(broker.place_bracket, *renewed)

    def _legs_of(self, parent: Order) -> list[Order]:
        coid = parent.spec.client_order_id
        legs = [self.find(parent.spec.account, f"{coid}.{leg}") for leg in ("tp", "sl")]
        return [o for o in legs if o is not None and o.parent_order_id == parent.order_id]
