"""OrderGatewayIntegration's routing of IB errors about orders, by the class `ib.errors`
gives their code: a rejection, a refused modification (rolled back) or cancel, an order
IB does not know. IB answers a new order with an error whose code may be in none of the
tables: such an order is rejected unless a status soon shows that IB took it, so that no
order waits in PENDING_SUBMIT for an acknowledgement that will never come."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ibkr_gateway.broker import BrokerOrderError
from ibkr_gateway.ib.errors import ErrorClass, classify_error
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.models import Order, OrderStatus

# The logger of the module OrderGatewayIntegration grew up in, which log filters know
# it by.
log = logging.getLogger("ibkr_gateway.gateway_order_manager")

_ORDER_REFUSALS = frozenset({ErrorClass.ORDER_REJECTED, ErrorClass.MODIFY_REFUSED})
_AWAITING_IB = frozenset({OrderStatus.PENDING_SUBMIT, OrderStatus.PENDING_CANCEL})
# Enough for every order in flight; older messages only explain INACTIVE less well.
_LAST_MESSAGES_KEPT = 10_000
_WORKING = frozenset(
    {
        OrderStatus.ACCEPTED,
        OrderStatus.SUBMITTED,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.PENDING_CANCEL,
    }
)


@dataclass
class Unanswered:
    """A new order answered by an error in no table, until a status tells whether IB
    took it."""

    code: int
    message: str
    timer: asyncio.TimerHandle


class OrderErrorRouting:
    """The error part of OrderGatewayIntegration (which provides the state below)."""

    order_manager: OrderManager
    rejection_grace: float
    _unanswered: dict[str, Unanswered]
    # The last IB message about each order, to explain an INACTIVE status.
    _last_message: dict[str, tuple[int, str]]

    if TYPE_CHECKING:

        def _order(
            self, broker_order_id: int, perm_id: int = 0, order_ref: str = ""
        ) -> Order | None: ...

        def _declare_gone(self, order_id: str, why: str) -> None: ...

    def _on_error(self, error: BrokerOrderError) -> None:
        kind = classify_error(error.code)
        order = self._order(error.broker_order_id) if error.broker_order_id > 0 else None
        if order is None:
            log.info("IB message %d: %s (%s)", error.code, error.message, kind.value)
            return
        self._remember_message(order.order_id, error)
        if kind in _ORDER_REFUSALS and order.status in _WORKING:
            # IB keeps a working order as it was when it refuses a change to it: only
            # a new order ends REJECTED.
            self.order_manager.on_modify_refused(order.order_id, error.code, error.message)
        elif kind is ErrorClass.ORDER_REJECTED:
            self.order_manager.on_rejected(order.order_id, error.code, error.message)
        elif kind is ErrorClass.CANCEL_REFUSED:
            self.order_manager.on_cancel_refused(order.order_id, error.code, error.message)
        elif kind is ErrorClass.ORDER_UNKNOWN and order.status in _WORKING:
            self._declare_gone(order.order_id, f"IB error {error.code}: {error.message}")
        elif kind is ErrorClass.MODIFY_REFUSED:
            self.order_manager.on_modify_refused(order.order_id, error.code, error.message)
        elif kind is ErrorClass.UNKNOWN and order.status is OrderStatus.PENDING_SUBMIT:
            self._await_answer(order, error)
        else:
            log.info(
                "order %s: IB message %d: %s (%s)",
                order.order_id,
                error.code,
                error.message,
                kind.value,
                extra={"order_id": order.order_id, "ib_error_code": error.code},
            )

    def _remember_message(self, order_id: str, error: BrokerOrderError) -> None:
        self._last_message.pop(order_id, None)
        self._last_message[order_id] = (error.code, error.message)
        if len(self._last_message) > _LAST_MESSAGES_KEPT:
            del self._last_message[next(iter(self._last_message))]

    def _await_answer(self, order: Order, error: BrokerOrderError) -> None:
        """An error in no table answered a new order: IB may have refused it without
        a status, or only warned and taken it. A status settles which; without one
        the order is rejected after the grace period."""
        log.warning(
            "order %s: IB error %d answers the new order: %s",
            order.order_id,
            error.code,
            error.message,
            extra={"order_id": order.order_id, "ib_error_code": error.code},
        )
        if order.order_id in self._unanswered:
            return
        timer = asyncio.get_running_loop().call_later(
            self.rejection_grace, self._reject_unanswered, order.order_id
        )
        self._unanswered[order.order_id] = Unanswered(error.code, error.message, timer)

    def _drop_unanswered(self, order_id: str) -> None:
        unanswered = self._unanswered.pop(order_id, None)
        if unanswered is not None:
            unanswered.timer.cancel()

    def _reject_unanswered(self, order_id: str) -> None:
        unanswered = self._unanswered.pop(order_id, None)
        if unanswered is None:
            return
        unanswered.timer.cancel()
        if self.order_manager.get(order_id).status in _AWAITING_IB:
            self.order_manager.on_rejected(order_id, unanswered.code, unanswered.message)
