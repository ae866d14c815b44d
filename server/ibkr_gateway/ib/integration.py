"""OrderGatewayIntegration: wires the OrderManager to a broker.

Routes broker reports to orders, and holds back a status report that runs ahead of fills
still waiting for their commission, so FILLED never precedes its fill event. Its other
parts pair executions with commissions (ib/executions.py), record orders placed outside
the gateway (ib/external_orders.py) and route IB's errors (ib/order_errors.py).

After the start-up or a reconnect, an order IB had taken that it lists neither as open
nor as completed is gone (a TWS / IB Gateway reset can drop orders), and so is one whose
cancel IB answers with 10147: once the executions recovered for it are recorded, it ends
FILLED if they cover it, else CANCELLED with the reason.
"""

from __future__ import annotations

import asyncio
import collections
import logging

from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerOpenOrder,
    BrokerOrderStatus,
    BrokerPort,
    BrokerReport,
)
from ibkr_gateway.ib.executions import (
    EarlyCommission,
    ExecutionPairing,
    OrderHold,
    Orphan,
    PendingExecution,
)
from ibkr_gateway.ib.external_orders import ExternalOrders
from ibkr_gateway.ib.order_errors import OrderErrorRouting, Unanswered
from ibkr_gateway.ib.status import UnknownIBStatus, map_ib_status
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.models import Order, OrderStatus

# The logger of the module OrderGatewayIntegration grew up in, which log filters know
# it by.
log = logging.getLogger("ibkr_gateway.gateway_order_manager")

# After an error answering a new order, these statuses show that IB did not take it.
_NOT_TAKEN = frozenset({OrderStatus.CANCELLED, OrderStatus.INACTIVE})
INACTIVE_REASON = (
    "inactive at IB: IB holds the order without working it (outside its trading hours, "
    "a missing permission or an exchange issue); it may become active again"
)


class OrderGatewayIntegration(ExecutionPairing, ExternalOrders, OrderErrorRouting):
    def __init__(
        self,
        gateway: BrokerPort,
        order_manager: OrderManager,
        *,
        commission_timeout: float = 5.0,
        early_commission_ttl: float = 60.0,
        rejection_grace: float = 2.0,
    ) -> None:
        self.gateway = gateway
        self.order_manager = order_manager
        self.commission_timeout = commission_timeout
        # How long a commission report waits for an execution that has not come yet;
        # one whose execution never comes (another client's order) is then dropped.
        self.early_commission_ttl = early_commission_ttl
        # How long a new order answered by an unknown error waits for a status.
        self.rejection_grace = rejection_grace
        self._pending: dict[str, PendingExecution] = {}
        self._early: dict[str, EarlyCommission] = {}
        self._unanswered: dict[str, Unanswered] = {}
        # The last IB message about each order, to explain an INACTIVE status.
        self._last_message: dict[str, tuple[int, str]] = {}
        self._holds: dict[str, OrderHold] = {}
        # Orders IB no longer knows, with the reason, until their executions are in.
        self._gone: dict[str, str] = {}
        # By permId: completed orders IB described that match no order here, in case
        # an execution of theirs comes (then the order is recorded), and executions
        # whose order IB has not described yet.
        self._completed: collections.OrderedDict[int, BrokerOrderStatus] = collections.OrderedDict()
        self._orphans: dict[int, list[Orphan]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._initialized = False

    def initialize(self) -> None:
        self.gateway.set_listener(self)
        self.order_manager.attach_broker(self.gateway)
        self._initialized = True

    async def start(self) -> None:
        """Reloads working orders from the store and hands them to the broker."""
        if not self._initialized:
            self.initialize()
        working = self.order_manager.load_working_orders()
        await self.gateway.start(working, self.order_manager.store.max_broker_order_id())
        self._end_gone("at start-up")
        await self._resend_unsent("before a restart")

    def on_broker_resynced(self) -> None:
        self._end_gone("after reconnect")
        # Chosen now, before the pacer sends what it held through the outage: an order
        # sent after this point is in flight, not lost.
        unsent = self.gateway.unknown_to_broker(self.order_manager.unsent_candidates())
        if not unsent:
            return
        task = asyncio.get_running_loop().create_task(
            self._resend(unsent, "when the link to the broker broke"), name="resend-unsent"
        )
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _end_gone(self, when: str) -> None:
        for order in self.gateway.gone_from_broker(self.order_manager.working_orders()):
            self._declare_gone(order.order_id, f"not open, not completed {when}")

    def _declare_gone(self, order_id: str, why: str) -> None:
        self._gone[order_id] = f"IB no longer knows this order ({why})"
        self._settle_gone(order_id)

    def _settle_gone(self, order_id: str) -> None:
        """Ends an order IB no longer knows once no execution or status of it waits:
        its fills decide between FILLED and CANCELLED."""
        if order_id not in self._gone or order_id in self._holds:
            return
        self.order_manager.on_broker_gone(order_id, self._gone.pop(order_id))

    async def _resend_unsent(self, when: str) -> None:
        unsent = self.gateway.unknown_to_broker(self.order_manager.unsent_candidates())
        if unsent:
            await self._resend(unsent, when)

    async def _resend(self, unsent: list[Order], when: str) -> None:
        log.warning("sending %d orders that never reached the broker %s", len(unsent), when)
        await self.order_manager.resend(unsent)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s failed", task.get_name(), exc_info=task.exception())

    async def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for pending in list(self._pending.values()):
            self._settle(pending.execution.execution_id, None)
        for early in self._early.values():
            early.timer.cancel()
        self._early.clear()
        for unanswered in self._unanswered.values():
            unanswered.timer.cancel()
        self._unanswered.clear()
        for orphans in self._orphans.values():
            for orphan in orphans:
                orphan.timer.cancel()
        self._orphans.clear()
        await self.gateway.stop()

    @property
    def unpaired_executions(self) -> int:
        return len(self._pending)

    def executions_in_flight(self) -> bool:
        """Whether an execution the broker reported is not recorded yet: it waits for
        its commission, for its order to be described, or a status waits for it."""
        return bool(self._pending or self._holds or self._orphans)

    # -- BrokerListener -------------------------------------------------------------

    def on_broker_report(self, report: BrokerReport) -> None:
        try:
            if isinstance(report, BrokerOrderStatus):
                self._on_status(report)
            elif isinstance(report, BrokerExecution):
                self._on_execution(report)
            elif isinstance(report, BrokerCommission):
                self._on_commission(report)
            elif isinstance(report, BrokerOpenOrder):
                self._on_open_order(report)
            else:
                self._on_error(report)
        except Exception:
            log.exception("broker report %r could not be applied", report)

    def _order(self, broker_order_id: int, perm_id: int = 0, order_ref: str = "") -> Order | None:
        order = self.order_manager.order_for_broker_report(broker_order_id, perm_id, order_ref)
        if order is None:
            log.warning(
                "report for unknown order (id %d, permId %d, ref %r) ignored",
                broker_order_id,
                perm_id,
                order_ref,
            )
        return order

    def _on_status(self, report: BrokerOrderStatus) -> None:
        known = self.order_manager.order_for_broker_report(
            report.broker_order_id, report.perm_id, report.order_ref
        )
        if known is None and report.order is not None:
            known = self.order_manager.external_order(report.order)
            if known is None:
                self._on_completed_unknown(report)
                return
        order = known or self._order(report.broker_order_id, report.perm_id, report.order_ref)
        if order is None:
            return
        hold = self._holds.get(order.order_id)
        if hold is None and report.filled > order.fills_quantity:
            # IB may report a fill's status before its execution (and on reconnect,
            # completed orders come before executions): wait for them, for a while.
            hold = self._holds[order.order_id] = OrderHold()
        if hold is None:
            self._apply_status(order, report)
            return
        hold.status = report
        if hold.timer is None:
            hold.timer = asyncio.get_running_loop().call_later(
                self.commission_timeout, self._release, order.order_id, True
            )
        self._release(order.order_id)

    def _release(self, order_id: str, timed_out: bool = False) -> None:
        """Applies a held status once the executions it counts are recorded."""
        hold = self._holds.get(order_id)
        if hold is None:
            return
        order = self.order_manager.get(order_id)
        if not timed_out and (
            hold.executions
            or (hold.status is not None and hold.status.filled > order.fills_quantity)
        ):
            return
        del self._holds[order_id]
        if hold.timer is not None:
            hold.timer.cancel()
        if hold.status is not None:
            self._apply_status(order, hold.status)
        self._settle_gone(order_id)

    def _apply_status(self, order: Order, report: BrokerOrderStatus) -> None:
        try:
            status = map_ib_status(report.status, report.filled, order.spec.quantity)
        except UnknownIBStatus:
            log.warning(
                "order %s: unknown IB status %r ignored",
                order.order_id,
                report.status,
                extra={"order_id": order.order_id},
            )
            return
        if order.order_id in self._unanswered:
            if status in _NOT_TAKEN:
                self._reject_unanswered(order.order_id)
                return
            if status is not OrderStatus.PENDING_SUBMIT:
                self._drop_unanswered(order.order_id)
        reason = report.why_held
        if status is OrderStatus.INACTIVE and not reason:
            reason = self._inactive_reason(order.order_id)
        if status.is_final:
            self._last_message.pop(order.order_id, None)
        self.order_manager.on_broker_status(
            order.order_id,
            status,
            filled=report.filled,
            average_fill_price=report.average_fill_price,
            perm_id=report.perm_id,
            reason=reason,
            remaining=report.remaining,
        )

    def _inactive_reason(self, order_id: str) -> str:
        # IB sends Inactive with no reason of its own; its last message about the
        # order, if any, is usually the cause.
        last = self._last_message.get(order_id)
        if last is None:
            return INACTIVE_REASON
        return f"inactive at IB after IB message {last[0]}: {last[1]}"
