"""How broker reports change orders: statuses, fills, refusals, external orders.

Called by OrderGatewayIntegration in the order the broker sent them; each change is
journaled synchronously, so the journal keeps the broker's order.
"""

from __future__ import annotations

import asyncio
import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING

from ibkr_gateway.broker import BrokerOpenOrder
from ibkr_gateway.event.events import (
    CancelEvent,
    FillEvent,
    ModifyEvent,
    OrderEvent,
    OrderStatusEvent,
)
from ibkr_gateway.order.core import ManagerCore, log
from ibkr_gateway.order.models import (
    Fill,
    Order,
    OrderSpec,
    OrderStatus,
    OrderType,
    execution_revision,
    is_later_revision,
)
from ibkr_gateway.order.status import can_transition
from ibkr_gateway.order.validation import CLIENT_ORDER_ID_RE
from ibkr_gateway.store.base import FillQuery

AVERAGE_PRICE_QUANTUM = Decimal("1e-8")
_BEFORE_FILL = frozenset(
    {OrderStatus.PENDING_SUBMIT, OrderStatus.ACCEPTED, OrderStatus.SUBMITTED, OrderStatus.INACTIVE}
)
# Orders whose latest fills are kept in memory; others are read back from the store.
LATEST_FILLS_KEPT = 10_000
# More fills than any one order has.
_FILLS_PER_ORDER = 1_000_000


class BrokerUpdates(ManagerCore):
    """The broker-facing part of OrderManager."""

    if TYPE_CHECKING:

        def _modify_event(self, order: Order, new_spec: OrderSpec, reason: str) -> ModifyEvent: ...

    def on_broker_status(
        self,
        order_id: str,
        status: OrderStatus,
        *,
        filled: Decimal,
        average_fill_price: Decimal,
        perm_id: int,
        reason: str = "",
        remaining: Decimal | None = None,
    ) -> None:
        order = self.get(order_id)
        pending = self._spec_before_modify.get(order_id)
        if (
            pending is not None
            and remaining is not None
            and pending.quantity != order.spec.quantity
            and not status.is_final
            and filled + remaining == order.spec.quantity
        ):
            # The broker works the modified quantity: the modification stands. (A status
            # says nothing about prices, so a price change is not confirmed this way.)
            del self._spec_before_modify[order_id]
        changes: dict[str, object] = {}
        if perm_id and perm_id != order.perm_id:
            changes["perm_id"] = perm_id
        if filled > order.filled_quantity:
            changes["filled_quantity"] = filled
            changes["average_fill_price"] = average_fill_price
        if status is not order.status and not can_transition(order.status, status):
            log.info(
                "order %s: ignoring %s after %s",
                order_id,
                status.value,
                order.status.value,
                extra={"order_id": order_id},
            )
            status = order.status
        if status is order.status:
            if changes and not order.is_final:
                # Folded into the next journaled snapshot; no event of its own. A final
                # order has no next snapshot: held, it would never be let go.
                self._remember(order.evolve(**changes))
            return
        self._transition(order, status, reason, changes)

    def external_order(self, report: BrokerOpenOrder) -> Order | None:
        """The order recorded for this broker order, if any: found by the
        client_order_id `record_external` gives it (permIds are unique at IB)."""
        account = report.account or self.default_account
        for ref in (report.order_ref, f"ext-{report.perm_id}"):
            found = self.find(account, ref) if ref else None
            if found is not None and found.perm_id == report.perm_id:
                return found
        return None

    def record_external(self, report: BrokerOpenOrder, status: OrderStatus) -> Order:
        """Records an order found at the broker that the gateway did not place, in the
        status the broker's own status maps to."""
        account = report.account or self.default_account
        ref = report.order_ref
        if not ref or not CLIENT_ORDER_ID_RE.fullmatch(ref) or self.find(account, ref):
            ref = f"ext-{report.perm_id}"
        spec = OrderSpec(
            client_order_id=ref,
            account=account,
            contract=report.contract,
            side=report.side,
            quantity=report.quantity,
            order_type=report.order_type,
            limit_price=report.limit_price,
            stop_price=report.stop_price,
            time_in_force=report.time_in_force,
            outside_rth=report.outside_rth,
            trailing_amount=report.trailing_amount,
            trailing_percent=report.trailing_percent,
            good_till=report.good_till,
            oca_group=report.oca_group,
            algo=report.algo,
            display_size=report.display_size,
            hidden=report.hidden,
            limit_offset=report.limit_offset,
            peg_offset=report.peg_offset,
        )
        now = self._clock()
        reason = f"placed outside the gateway (IB client {report.client_id})"
        order = Order(
            order_id=self._new_order_id(),
            spec=spec,
            status=status,
            create_time=now,
            update_time=now,
            broker_order_id=report.broker_order_id,
            perm_id=report.perm_id,
            status_reason=reason,
            oca_group=report.oca_group,
            external=True,
            broker_order_type=report.broker_order_type
            if report.order_type is OrderType.OTHER
            else "",
        )
        self._at_broker.add(order.order_id)
        log.warning(
            "recording external order %s (permId %d, %s)",
            order.order_id,
            report.perm_id,
            ref,
            extra={"order_id": order.order_id, "perm_id": report.perm_id},
        )
        self._record(
            [
                OrderStatusEvent(
                    sequence=0,
                    time=now,
                    order=order,
                    previous_status=OrderStatus.CREATED,
                    reason=reason,
                )
            ]
        )
        return order

    def on_broker_gone(self, order_id: str, reason: str) -> None:
        """The broker no longer knows a working order: nothing more happens to it
        there. The fills recorded stand; it ends FILLED if the broker counted it filled,
        else CANCELLED."""
        order = self.get(order_id)
        if order.is_final:
            return
        filled = order.filled_quantity >= order.spec.quantity
        status = OrderStatus.FILLED if filled else OrderStatus.CANCELLED
        log.warning(
            "order %s: %s; %s with %s of %s filled",
            order_id,
            reason,
            status.value,
            order.filled_quantity,
            order.spec.quantity,
            extra={"order_id": order_id},
        )
        self._status_before_cancel.pop(order_id, None)
        self._transition(order, status, reason)

    def on_rejected(self, order_id: str, code: int, message: str) -> None:
        order = self.get(order_id)
        if can_transition(order.status, OrderStatus.REJECTED):
            self._transition(order, OrderStatus.REJECTED, f"IB error {code}: {message}")

    def on_modify_refused(
        self, order_id: str, code: int, message: str, *, before: OrderSpec | None = None
    ) -> asyncio.Future[None] | None:
        """The broker kept the order as it was: journal the rollback, to `before` when
        the caller knows which modification was refused. The future is done once the
        rollback is durable (None: nothing to roll back)."""
        previous = self._spec_before_modify.pop(order_id, None)
        if before is not None:
            # The remembered spec may be gone: cleared by a status report of an earlier
            # modification with the same quantity, or with the order once it ended.
            previous = before
        order = self.get(order_id)
        # Rolled back even on a final order: the journal must show the spec the broker
        # worked, not one it refused.
        if previous is None or previous == order.spec:
            return None
        reason = f"modification refused: IB error {code}: {message}"
        return self._record([self._modify_event(order, previous, reason)])

    def on_cancel_refused(self, order_id: str, code: int, message: str) -> None:
        order = self.get(order_id)
        if order.status is not OrderStatus.PENDING_CANCEL:
            return
        before = self._status_before_cancel.pop(order_id, OrderStatus.SUBMITTED)
        if before is OrderStatus.SUBMITTED and order.filled_quantity > 0:
            before = OrderStatus.PARTIALLY_FILLED
        now = self._clock()
        self._record(
            [
                OrderStatusEvent(
                    sequence=0,
                    time=now,
                    previous_status=order.status,
                    reason=f"cancel refused: IB error {code}: {message}",
                    order=order.evolve(status=before, update_time=now),
                )
            ]
        )

    def _transition(
        self,
        order: Order,
        status: OrderStatus,
        reason: str,
        changes: dict[str, object] | None = None,
    ) -> None:
        now = self._clock()
        updated = order.evolve(
            **(changes or {}),
            status=status,
            update_time=now,
            status_reason=reason or order.status_reason,
        )
        event: OrderEvent
        if status is OrderStatus.CANCELLED:
            event = CancelEvent(
                sequence=0,
                time=now,
                order=updated,
                previous_status=order.status,
                reason=reason or "cancelled",
            )
        else:
            event = OrderStatusEvent(
                sequence=0, time=now, order=updated, previous_status=order.status, reason=reason
            )
        self._record([event])

    def has_execution(self, execution_id: str) -> bool:
        return execution_id in self._executions or self.store.has_fill(execution_id)

    def _fills_of(self, order_id: str) -> dict[str, Fill]:
        latest = self._latest_fills.get(order_id)
        if latest is not None:
            self._latest_fills.move_to_end(order_id)
            return latest
        latest = {}
        for recorded in self.store.list_fills(FillQuery(order_id=order_id), 0, _FILLS_PER_ORDER):
            execution, _ = execution_revision(recorded.execution_id)
            latest[execution] = recorded
        self._latest_fills[order_id] = latest
        if len(self._latest_fills) > LATEST_FILLS_KEPT:
            self._latest_fills.popitem(last=False)
        return latest

    def on_fill(self, fill: Fill) -> None:
        """Records an execution (with its commission, when known) exactly once. A
        correction replaces the execution it corrects: the order counts only the
        latest revision of each execution."""
        if self.has_execution(fill.execution_id):
            return
        order = self.get(fill.order_id)
        latest = self._fills_of(order.order_id)
        execution, revision = execution_revision(fill.execution_id)
        replaced = latest.get(execution)
        if replaced is not None:
            _, replaced_revision = execution_revision(replaced.execution_id)
            if not is_later_revision(revision, replaced_revision):
                log.info(
                    "order %s: execution %s is superseded by %s; not counted",
                    order.order_id,
                    fill.execution_id,
                    replaced.execution_id,
                    extra={"order_id": order.order_id},
                )
                return
            fill = dataclasses.replace(fill, corrects_execution_id=replaced.execution_id)
            log.warning(
                "order %s: execution %s corrected by %s",
                order.order_id,
                replaced.execution_id,
                fill.execution_id,
                extra={"order_id": order.order_id},
            )
        latest[execution] = fill
        now = self._clock()
        replaced_quantity = replaced.quantity if replaced is not None else Decimal(0)
        replaced_notional = (
            replaced.quantity * replaced.price if replaced is not None else Decimal(0)
        )
        fills_quantity = order.fills_quantity - replaced_quantity + fill.quantity
        events: list[OrderEvent] = []
        previous = self._spec_before_modify.get(order.order_id)
        reached = max(order.filled_quantity, fills_quantity)
        if (
            previous is not None
            and previous.quantity > order.spec.quantity
            and reached >= order.spec.quantity
        ):
            # A quantity cut not yet confirmed, overtaken by fills against the old
            # quantity: the broker refuses a quantity at or below its filled quantity,
            # so it still works the old spec. Rolled back before the fill counts. (A
            # fill after a price change may be that change's own doing: no rollback.)
            del self._spec_before_modify[order.order_id]
            rollback = self._modify_event(order, previous, "modification overtaken by a fill")
            events.append(rollback)
            order = rollback.order
        fills_notional = order.fills_notional - replaced_notional + fill.quantity * fill.price
        filled = max(order.filled_quantity, fills_quantity)
        if replaced is not None:
            # The broker's cumulative figure counted the replaced execution too.
            filled = max(order.filled_quantity - replaced_quantity + fill.quantity, fills_quantity)
        if filled > order.spec.quantity:
            log.error(
                "order %s: executions of %s exceed its quantity %s; filled quantity capped",
                order.order_id,
                filled,
                order.spec.quantity,
                extra={"order_id": order.order_id},
            )
            filled = order.spec.quantity
        average = order.average_fill_price
        if fills_quantity <= 0:
            average = None
        elif fills_quantity >= filled or replaced is not None:
            average = (fills_notional / fills_quantity).quantize(AVERAGE_PRICE_QUANTUM)
        updated = order.evolve(
            filled_quantity=filled,
            average_fill_price=average,
            fills_quantity=fills_quantity,
            fills_notional=fills_notional,
            update_time=now,
        )
        events.append(FillEvent(sequence=0, time=now, order=updated, fill=fill))
        derived: OrderStatus | None = None
        if updated.filled_quantity >= updated.spec.quantity:
            derived = OrderStatus.FILLED
        elif updated.status in _BEFORE_FILL:
            derived = OrderStatus.PARTIALLY_FILLED
        if derived is not None and can_transition(updated.status, derived):
            events.append(
                OrderStatusEvent(
                    sequence=0,
                    time=now,
                    previous_status=updated.status,
                    order=updated.evolve(status=derived),
                )
            )
        self._executions.add(fill.execution_id)
        self._record(events)
        self._move_position(updated, fill, replaced)

    def _move_position(self, order: Order, fill: Fill, replaced: Fill | None) -> None:
        if self.positions is not None:
            # Queued in the fill's loop turn: committed in one transaction with it.
            self.positions.on_fill(order, fill, replaced)
