"""OrderManager's modifications: one at a time per order, each journaled before it is sent,
and rolled back when the broker refuses it."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from ibkr_gateway.broker import BrokerRejected
from ibkr_gateway.errors import FailedPrecondition, FieldViolation, InvalidArgument
from ibkr_gateway.event.events import ModifyEvent
from ibkr_gateway.order.core import ManagerCore
from ibkr_gateway.order.models import Order, OrderSpec, OrderType, TimeInForce
from ibkr_gateway.order.status import MODIFIABLE
from ibkr_gateway.order.validation import validate_spec


class Modification(ManagerCore):
    """The modify part of OrderManager."""

    if TYPE_CHECKING:

        def on_modify_refused(
            self, order_id: str, code: int, message: str, *, before: OrderSpec | None = None
        ) -> asyncio.Future[None] | None: ...

    async def modify(
        self,
        order_id: str,
        *,
        quantity: Decimal | None,
        limit_price: Decimal | None,
        stop_price: Decimal | None,
        time_in_force: TimeInForce | None,
    ) -> Order:
        """One modification of an order at a time: the next is checked against, and
        rolled back to, the spec the broker took from the previous one. Interleaved,
        the first would send the second's spec, and a refusal of either would roll
        back to a spec the broker never worked. A turn lasts until the broker has had
        its say, even if the call that took it goes away before."""
        self.get(order_id)
        self._require_store()
        leave = await self._enter_modification_turn(order_id)
        handed_over = False
        try:
            order = self.get(order_id)
            self._require_store()
            new_spec = self._modified_spec(order, quantity, limit_price, stop_price, time_in_force)
            if new_spec == order.spec:
                return order
            self.guard.check_change(new_spec)
            # Taken now: an order that ends while the modification is journaled is
            # forgotten, but the broker must still have its say on the modification.
            at_broker = order_id in self._at_broker
            self._spec_before_modify[order_id] = order.spec
            durable = self._record([self._modify_event(order, new_spec, "")])
            sent = self._spawn(
                self._send_modification(order_id, durable, at_broker=at_broker, before=order.spec)
            )
            sent.add_done_callback(lambda _: leave())
            handed_over = True
        finally:
            if not handed_over:
                leave()
        await self._await_recorded(durable, "the modification is accepted")
        await asyncio.shield(sent)
        return self.get(order_id)

    def _modified_spec(
        self,
        order: Order,
        quantity: Decimal | None,
        limit_price: Decimal | None,
        stop_price: Decimal | None,
        time_in_force: TimeInForce | None,
    ) -> OrderSpec:
        if order.status not in MODIFIABLE:
            raise FailedPrecondition(
                f"order {order.order_id} is {order.status.value} and cannot be modified",
                reason="ORDER_NOT_MODIFIABLE",
                metadata={"status": order.status.value},
            )
        self._require_addressable(order, "modified")
        if order.spec.order_type is OrderType.OTHER:
            raise FailedPrecondition(
                f"order {order.order_id} is an IB {order.broker_order_type!r} order, which "
                "the gateway cannot send: modify it where it was placed",
                reason="ORDER_NOT_MODIFIABLE",
                metadata={"broker_order_type": order.broker_order_type},
            )
        spec = order.spec
        new_spec = replace(
            spec,
            quantity=spec.quantity if quantity is None else quantity,
            limit_price=spec.limit_price if limit_price is None else limit_price,
            stop_price=spec.stop_price if stop_price is None else stop_price,
            time_in_force=time_in_force or spec.time_in_force,
        )
        violations = validate_spec(new_spec)
        if new_spec.quantity <= order.filled_quantity:
            violations.append(
                FieldViolation(
                    "quantity", f"must exceed the filled quantity {order.filled_quantity}"
                )
            )
        if violations:
            raise InvalidArgument(violations)
        return new_spec

    async def _enter_modification_turn(self, order_id: str) -> Callable[[], None]:
        """Waits for the order's turn; returns what ends it. The lock is dropped with
        its last user."""
        lock, users = self._modify_locks.get(order_id) or (asyncio.Lock(), 0)
        self._modify_locks[order_id] = (lock, users + 1)
        try:
            await lock.acquire()
        except BaseException:
            self._leave_modification_turn(order_id, acquired=False)
            raise
        return functools.partial(self._leave_modification_turn, order_id, True)

    def _leave_modification_turn(self, order_id: str, acquired: bool) -> None:
        lock, users = self._modify_locks[order_id]
        if acquired:
            lock.release()
        if users == 1:
            del self._modify_locks[order_id]
        else:
            self._modify_locks[order_id] = (lock, users - 1)

    async def _send_modification(
        self,
        order_id: str,
        durable: asyncio.Future[None],
        *,
        at_broker: bool,
        before: OrderSpec,
    ) -> None:
        await durable
        if not at_broker:
            return
        try:
            order = self.get(order_id)
            parent = self.get(order.parent_order_id) if order.parent_order_id else None
            await self._require_broker().modify_order(order, parent)
        except BrokerRejected as exc:
            rollback = self.on_modify_refused(order_id, exc.code, exc.message, before=before)
            if rollback is not None:
                # Until then, a crash would leave the refused spec in the journal of an
                # order the caller was told kept its old one.
                await rollback
            reason = f"modification refused: IB error {exc.code}: {exc.message}"
            raise FailedPrecondition(
                reason,
                reason="BROKER_REFUSED_MODIFICATION",
                metadata={"ib_error_code": str(exc.code)},
            ) from exc

    def _modify_event(self, order: Order, new_spec: OrderSpec, reason: str) -> ModifyEvent:
        now = self._clock()
        return ModifyEvent(
            sequence=0,
            time=now,
            order=order.evolve(spec=new_spec, update_time=now),
            previous_quantity=order.spec.quantity,
            previous_limit_price=order.spec.limit_price,
            previous_stop_price=order.spec.stop_price,
            previous_time_in_force=order.spec.time_in_force,
            reason=reason,
        )
