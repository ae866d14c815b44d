"""OrderManager: owns every order's lifecycle, journals each change, then publishes it.

All state changes happen synchronously on the event loop between awaits, so the order
in which changes are made is the order of their journal sequences. Callers are
answered only once the change is durable.

The parts of OrderManager are in order/core.py (the state they share, recording,
queries), submit.py, bracket.py, modify.py, cancel.py, kill_switch.py, unsent.py and
broker_updates.py; they make one object.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ibkr_gateway.broker import BrokerPort
from ibkr_gateway.event.bus import EventBus
from ibkr_gateway.event.events import FillEvent, JournalEvent
from ibkr_gateway.order.book import OrderBook
from ibkr_gateway.order.bracket import BracketSubmission
from ibkr_gateway.order.broker_updates import BrokerUpdates
from ibkr_gateway.order.cancel import Cancellation
from ibkr_gateway.order.core import ORDER_ID_BYTES, order_not_found, random_order_id, utc_now
from ibkr_gateway.order.kill_switch import KillSwitch
from ibkr_gateway.order.models import Fill, Order, OrderSpec, OrderStatus
from ibkr_gateway.order.modify import Modification
from ibkr_gateway.order.unsent import UnsentOrders
from ibkr_gateway.risk.engine import RiskEngine
from ibkr_gateway.risk.guard import OrderGuard
from ibkr_gateway.store.base import OrderStore

__all__ = ["ORDER_ID_BYTES", "OrderManager", "order_not_found", "random_order_id", "utc_now"]


class OrderManager(
    BracketSubmission, Modification, Cancellation, KillSwitch, UnsentOrders, BrokerUpdates
):
    def __init__(
        self,
        event_bus: EventBus,
        store: OrderStore,
        *,
        default_account: str,
        clock: Callable[[], datetime] = utc_now,
        new_order_id: Callable[[], str] | None = None,
        risk: RiskEngine | None = None,
    ) -> None:
        self.event_bus = event_bus
        self.store = store
        self.default_account = default_account
        self._clock = clock
        self._new_order_id = new_order_id or random_order_id
        self.broker: BrokerPort | None = None
        self.guard = OrderGuard(store, risk)
        # Every non-final order, plus final ones until their last change is durable;
        # the store answers for the others.
        self.book = OrderBook(store)
        # Creation commits in flight, awaited by concurrent retries of the same submit.
        # Such an order is not visible to other calls until its creation is durable.
        self._creating: dict[str, asyncio.Future[None]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        # Orders the broker knows about; others can be cancelled locally.
        self._at_broker: set[str] = set()
        self._status_before_cancel: dict[str, OrderStatus] = {}
        # The spec before the last modification, until the broker has had its say.
        self._spec_before_modify: dict[str, OrderSpec] = {}
        # Modifications of one order run one after the other (see modify), with the
        # number of calls holding or awaiting each lock, to drop it after the last.
        self._modify_locks: dict[str, tuple[asyncio.Lock, int]] = {}
        # Non-final orders per account, kept as orders change (risk limit on open orders).
        self._open_by_account: collections.Counter[str] = collections.Counter()
        # Executions recorded but not yet durable, which the store cannot tell yet.
        self._executions: set[str] = set()
        self._latest_fills: collections.OrderedDict[str, dict[str, Fill]] = (
            collections.OrderedDict()
        )
        store.set_commit_listener(self._on_commit)
        # Everything already in the journal counts as published: streams replay it.
        event_bus.last_sequence = max(event_bus.last_sequence, store.last_sequence)

    # -- wiring -------------------------------------------------------------------

    def attach_broker(self, broker: BrokerPort) -> None:
        self.broker = broker

    def working_orders(self) -> list[Order]:
        return [o for o in self.book.orders.values() if not o.is_final]

    def load_working_orders(self) -> list[Order]:
        """Called once at start: the store's working orders become live again."""
        working = self.store.working_orders()
        for order in working:
            self._remember(order)
            self._at_broker.add(order.order_id)
        return working

    def _on_commit(self, events: Sequence[JournalEvent]) -> None:
        for event in events:
            self.event_bus.publish(event)
            if isinstance(event, FillEvent):
                # Durable: from here on the store knows the execution.
                self._executions.discard(event.fill.execution_id)
            current = self.book.held(event.order_id)
            if current is not None and current.is_final and current.last_sequence == event.sequence:
                self._forget(current)

    def _forget(self, order: Order) -> None:
        """A final order whose last change is durable: nothing in memory keeps it."""
        self.book.release(order.order_id)
        self._at_broker.discard(order.order_id)
        self._status_before_cancel.pop(order.order_id, None)
        self._spec_before_modify.pop(order.order_id, None)
        self._latest_fills.pop(order.order_id, None)
