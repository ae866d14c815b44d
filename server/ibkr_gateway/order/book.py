"""The orders held in memory, with the store behind them.

Memory holds the orders that can still change: every non-final order, and a final one
until its last change is durable. From then on the store answers for it, so memory
grows with the orders at work, never with the orders ever placed.
"""

from __future__ import annotations

from ibkr_gateway.order.key_filter import KeyFilter
from ibkr_gateway.order.models import Order
from ibkr_gateway.store.base import OrderStore


class OrderBook:
    def __init__(self, store: OrderStore) -> None:
        self.store = store
        self.orders: dict[str, Order] = {}
        self._by_client_id: dict[tuple[str, str], str] = {}
        # Every (account, client_order_id) the store may hold: the stored ones, and each
        # order held here (an order is held before its first change is committed, and
        # only orders held here are ever written). A key it has never seen is answered
        # without a query: that is every new submit.
        self._ever_held = KeyFilter()
        for key in store.client_order_keys():
            self._ever_held.add(key)
        self._by_broker_id: dict[int, str] = {}
        self._by_perm_id: dict[int, str] = {}
        # Ids an order had before it was sent again under a fresh one: a late report
        # may still name them while it is held. (The store knows only the latest.)
        self._earlier_broker_ids: dict[str, list[int]] = {}

    def held(self, order_id: str) -> Order | None:
        return self.orders.get(order_id)

    def get(self, order_id: str) -> Order | None:
        return self.orders.get(order_id) or self.store.get_order(order_id)

    def by_client_id(self, account: str, client_order_id: str) -> Order | None:
        key = (account, client_order_id)
        held = self._held_by(self._by_client_id.get(key))
        if held is not None or key not in self._ever_held:
            return held
        return self.store.find_order(account, client_order_id)

    def by_broker_id(self, broker_order_id: int) -> Order | None:
        held = self._held_by(self._by_broker_id.get(broker_order_id))
        return held or self.store.find_order_by_broker_id(broker_order_id)

    def by_perm_id(self, perm_id: int) -> Order | None:
        held = self._held_by(self._by_perm_id.get(perm_id))
        return held or self.store.find_order_by_perm_id(perm_id)

    def _held_by(self, order_id: str | None) -> Order | None:
        return None if order_id is None else self.orders.get(order_id)

    def hold(self, order: Order) -> Order | None:
        """Holds the order's latest state; returns the state it replaces, if held."""
        previous = self.orders.get(order.order_id)
        self.orders[order.order_id] = order
        key = (order.spec.account, order.spec.client_order_id)
        if previous is None:
            self._ever_held.add(key)
        self._by_client_id[key] = order.order_id
        if order.broker_order_id:
            earlier = previous.broker_order_id if previous is not None else 0
            if earlier and earlier != order.broker_order_id:
                self._earlier_broker_ids.setdefault(order.order_id, []).append(earlier)
            self._by_broker_id[order.broker_order_id] = order.order_id
        if order.perm_id:
            earlier = previous.perm_id if previous is not None else 0
            if (
                earlier
                and earlier != order.perm_id
                and self._by_perm_id.get(earlier) == order.order_id
            ):
                # IB assigns a permId once: a new one replaces a wrong one.
                del self._by_perm_id[earlier]
            self._by_perm_id[order.perm_id] = order.order_id
        return previous

    def release(self, order_id: str) -> Order | None:
        """Drops the order and every index entry naming it; returns what was held."""
        order = self.orders.pop(order_id, None)
        if order is None:
            return None
        key = (order.spec.account, order.spec.client_order_id)
        if self._by_client_id.get(key) == order_id:
            del self._by_client_id[key]
        for broker_order_id in (
            order.broker_order_id,
            *self._earlier_broker_ids.pop(order_id, ()),
        ):
            if self._by_broker_id.get(broker_order_id) == order_id:
                del self._by_broker_id[broker_order_id]
        if self._by_perm_id.get(order.perm_id) == order_id:
            del self._by_perm_id[order.perm_id]
        return order

    def index_sizes(self) -> dict[str, int]:
        """How many entries each index holds: what memory grows with."""
        return {
            "orders": len(self.orders),
            "by_client_id": len(self._by_client_id),
            "by_broker_id": len(self._by_broker_id),
            "by_perm_id": len(self._by_perm_id),
            "earlier_broker_ids": len(self._earlier_broker_ids),
        }
