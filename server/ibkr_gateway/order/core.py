"""What every part of OrderManager shares: the book of orders, the journal each change
is recorded in before it counts, the broker orders are handed to, and the queries.

OrderManager (order/manager.py) is made of this and of its parts: submit.py and
bracket.py create orders, modify.py, cancel.py and kill_switch.py change them,
unsent.py sends again the orders journaled but never sent, broker_updates.py applies
the broker's reports. They are one object: every part sees the same state.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import secrets
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from ibkr_gateway.broker import BrokerPort, BrokerRejected
from ibkr_gateway.errors import (
    FailedPrecondition,
    GatewayError,
    NotFound,
    StoreUnavailable,
    clip,
)
from ibkr_gateway.event.bus import EventBus
from ibkr_gateway.event.events import CancelEvent, OrderEvent
from ibkr_gateway.order.book import OrderBook
from ibkr_gateway.order.models import Fill, Order, OrderSpec, OrderStatus
from ibkr_gateway.risk.guard import OrderGuard
from ibkr_gateway.store.base import OrderStore

if TYPE_CHECKING:
    from ibkr_gateway.position.book import PositionBook

# The logger of the module OrderManager grew up in, which log filters know it by.
log = logging.getLogger("ibkr_gateway.order.manager")

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


ORDER_ID_BYTES = 16


def random_order_id() -> str:
    """128 random bits: one order id tells nothing about any other, so ids cannot be
    enumerated; a collision is as likely as guessing a 128-bit key."""
    return secrets.token_hex(ORDER_ID_BYTES)


def order_not_found(order_id: str) -> NotFound:
    """The one answer for an id that names no order the caller may see: an order of
    another account must be indistinguishable from one that does not exist."""
    return NotFound(
        f"order {clip(order_id)!r} not found",
        reason="ORDER_NOT_FOUND",
        metadata={"order_id": clip(order_id)},
    )


def local_cancel(order: Order, reason: str, now: datetime) -> CancelEvent:
    """An order the broker never had, cancelled here."""
    return CancelEvent(
        sequence=0,
        time=now,
        previous_status=order.status,
        reason=reason,
        order=order.evolve(status=OrderStatus.CANCELLED, update_time=now, status_reason=reason),
    )


class ManagerCore:
    """The shared part of OrderManager (whose __init__ sets the state below)."""

    event_bus: EventBus
    store: OrderStore
    default_account: str
    _clock: Callable[[], datetime]
    _new_order_id: Callable[[], str]
    broker: BrokerPort | None
    guard: OrderGuard
    book: OrderBook
    _creating: dict[str, asyncio.Future[None]]
    _tasks: set[asyncio.Task[Any]]
    _at_broker: set[str]
    _status_before_cancel: dict[str, OrderStatus]
    _spec_before_modify: dict[str, OrderSpec]
    _modify_locks: dict[str, tuple[asyncio.Lock, int]]
    _open_by_account: collections.Counter[str]
    _executions: set[str]
    # Per order: its latest fill of each execution (by execution_revision's first part).
    _latest_fills: collections.OrderedDict[str, dict[str, Fill]]
    # Positions kept from the fills, once the composition root attaches them.
    positions: PositionBook | None = None

    if TYPE_CHECKING:

        def on_rejected(self, order_id: str, code: int, message: str) -> None: ...

    # -- recording ----------------------------------------------------------------

    def _remember(self, order: Order) -> None:
        previous = self.book.hold(order)
        was_open = previous is not None and not previous.is_final
        if was_open != (not order.is_final):
            self._open_by_account[order.spec.account] += -1 if was_open else 1

    def _record(
        self, events: Sequence[OrderEvent], *, abandon_on_failure: bool = False
    ) -> asyncio.Future[None]:
        stamped, durable = self.store.append(events, abandon_on_failure=abandon_on_failure)
        for event in stamped:
            if isinstance(event, OrderEvent):
                self._remember(event.order)
        return durable

    def _unremember(self, order: Order) -> None:
        """Undoes `_remember` of an order whose creation never became durable."""
        if self.book.release(order.order_id) is not None:
            self._open_by_account[order.spec.account] -= 1

    def _require_store(self) -> None:
        """Mutating calls are refused while the store cannot write: their answer could
        not be made true."""
        cause = self.store.failure
        if cause is not None:
            raise StoreUnavailable(
                f"the order store cannot write ({cause}); nothing was changed",
                metadata={"cause": cause},
            )

    async def _await_recorded(self, durable: asyncio.Future[None], done: str) -> None:
        if not await self.store.wait_durable(durable):
            cause = self.store.failure or "unknown"
            raise StoreUnavailable(
                f"{done}, but the order store cannot write ({cause}): the change is kept "
                "and recorded as soon as it can be",
                metadata={"cause": cause},
            )

    # -- the broker, and work that outlives its call ------------------------------

    def _spawn(self, work: Coroutine[object, object, T]) -> asyncio.Task[T]:
        """Runs work that must finish even when its caller goes away (a cancelled or
        timed-out call would otherwise leave a journaled change unsent)."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None and not isinstance(exc, GatewayError):
            log.error("order work failed", exc_info=exc)

    def _require_broker(self) -> BrokerPort:
        if self.broker is None:
            raise FailedPrecondition("no broker is attached", reason="NO_BROKER")
        return self.broker

    async def _send(self, call: Callable[..., object], *orders: Order) -> None:
        """Hands orders to the broker. A refusal rejects them; any other failure leaves
        them in flight for reconciliation, never reported as rejected."""
        try:
            result = call(*orders)
            if asyncio.iscoroutine(result):
                await result
        except BrokerRejected as exc:
            for order in orders:
                self.on_rejected(order.order_id, exc.code, exc.message)
        except Exception:
            log.exception(
                "handing orders %s to the broker failed; their fate is unknown",
                [o.order_id for o in orders],
                extra={"order_ids": [o.order_id for o in orders]},
            )

    def _cancel_unsent(self, orders: Sequence[tuple[Order, str]]) -> asyncio.Future[None]:
        now = self._clock()
        events: list[OrderEvent] = []
        for order, reason in orders:
            log.warning("order %s: %s", order.order_id, reason, extra={"order_id": order.order_id})
            self._at_broker.discard(order.order_id)
            events.append(local_cancel(order, reason, now))
        return self._record(events)

    # -- what several parts ask ---------------------------------------------------

    def _open_orders(self, account: str) -> int:
        return self._open_by_account[account]

    @staticmethod
    def _other_clients(order: Order) -> bool:
        """Placed by another IB client: IB addresses an order by the id its own client
        gave it, which this gateway does not have (a placeOrder under another id would
        be a new order)."""
        return order.external and order.broker_order_id <= 0

    def _require_addressable(self, order: Order, done: str) -> None:
        if self._other_clients(order):
            raise FailedPrecondition(
                f"order {order.order_id} was placed by another IB client and can only be "
                f"{done} there or in TWS",
                reason="ORDER_NOT_MODIFIABLE" if done == "modified" else "ORDER_NOT_CANCELLABLE",
                metadata={"status": order.status.value},
            )

    # -- queries ------------------------------------------------------------------

    def get(self, order_id: str) -> Order:
        order = self.book.get(order_id)
        if order is None or not self._created(order_id):
            raise order_not_found(order_id)
        return order

    def find(self, account: str, client_order_id: str) -> Order | None:
        return self.book.by_client_id(account or self.default_account, client_order_id)

    def _created(self, order_id: str) -> bool:
        """False while the order's creation is not durable (or failed to be)."""
        pending = self._creating.get(order_id)
        if pending is None:
            return True
        return pending.done() and not pending.cancelled() and pending.exception() is None

    def get_by_client_id(self, account: str, client_order_id: str) -> Order:
        order = self.find(account, client_order_id)
        if order is None or not self._created(order.order_id):
            raise NotFound(
                f"no order with client_order_id {clip(client_order_id)!r} in account "
                f"{clip(account or self.default_account)!r}",
                reason="ORDER_NOT_FOUND",
                metadata={"client_order_id": clip(client_order_id)},
            )
        return order

    def order_for_broker_id(self, broker_order_id: int) -> Order | None:
        return self.order_for_broker_report(broker_order_id, 0, "")

    def order_for_broker_report(
        self, broker_order_id: int, perm_id: int, order_ref: str
    ) -> Order | None:
        """Finds the order a broker report is about: by IB order id, else permId, else
        orderRef (our client_order_id) in the default account."""
        order = None
        if broker_order_id > 0:
            order = self.book.by_broker_id(broker_order_id)
        if order is None and perm_id > 0:
            order = self.book.by_perm_id(perm_id)
        if order is None and order_ref:
            order = self.find(self.default_account, order_ref)
        if order is not None and not self._created(order.order_id):
            raise order_not_found(order.order_id)
        return order
