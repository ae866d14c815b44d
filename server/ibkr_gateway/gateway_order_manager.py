"""OrderGatewayIntegration: wires the OrderManager to a broker.

Routes broker reports to orders, pairs each execution with its commission report
before it becomes a fill (settling without commission after a timeout, so a missing
report never loses a fill; a report that comes first waits for its execution), and
holds back a status report that runs ahead of fills still waiting for their
commission, so FILLED never precedes its fill event.

Orders placed outside the gateway (in TWS, by another client) are recorded as external
orders when IB describes them: open, or completed with an execution the store lacks (one
that traded while the gateway was away). An execution always waits for its order to be
recorded: one that comes before any description of its order waits for it (up to a
minute), so that the fills of such orders are not lost.

After the start-up or a reconnect, an order IB had taken that it lists neither as open
nor as completed is gone (a TWS / IB Gateway reset can drop orders), and so is one whose
cancel IB answers with 10147: once the executions recovered for it are recorded, it ends
FILLED if they cover it, else CANCELLED with the reason.

IB answers a new order with an error whose code may be in none of the tables of
`ib_errors`: such an order is rejected unless a status soon shows that IB took it, so
that no order waits in PENDING_SUBMIT for an acknowledgement that will never come.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerOpenOrder,
    BrokerOrderError,
    BrokerOrderStatus,
    BrokerPort,
    BrokerReport,
)
from ibkr_gateway.ib_errors import ErrorClass, classify_error
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.models import Fill, Order, OrderStatus, OrderType
from ibkr_gateway.order.status import UnknownIBStatus, map_ib_status

log = logging.getLogger(__name__)

_ORDER_REFUSALS = frozenset({ErrorClass.ORDER_REJECTED, ErrorClass.MODIFY_REFUSED})
# After an error answering a new order, these statuses show that IB did not take it.
_NOT_TAKEN = frozenset({OrderStatus.CANCELLED, OrderStatus.INACTIVE})
_AWAITING_IB = frozenset({OrderStatus.PENDING_SUBMIT, OrderStatus.PENDING_CANCEL})
# Enough for every order in flight; older messages only explain INACTIVE less well.
_LAST_MESSAGES_KEPT = 10_000
INACTIVE_REASON = (
    "inactive at IB: IB holds the order without working it (outside its trading hours, "
    "a missing permission or an exchange issue); it may become active again"
)
_WORKING = frozenset(
    {
        OrderStatus.ACCEPTED,
        OrderStatus.SUBMITTED,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.PENDING_CANCEL,
    }
)


@dataclass
class _PendingExecution:
    execution: BrokerExecution
    order_id: str
    timer: asyncio.TimerHandle | None = None


@dataclass
class _EarlyCommission:
    commission: BrokerCommission
    timer: asyncio.TimerHandle


@dataclass
class _Orphan:
    """An execution of an order IB has not described yet."""

    execution: BrokerExecution
    timer: asyncio.TimerHandle


@dataclass
class _Unanswered:
    """A new order answered by an error in no table, until a status tells whether IB
    took it."""

    code: int
    message: str
    timer: asyncio.TimerHandle


@dataclass
class _OrderHold:
    """A status report waiting for the executions it already counts."""

    executions: set[str] = field(default_factory=set)
    status: BrokerOrderStatus | None = None
    timer: asyncio.TimerHandle | None = None


class OrderGatewayIntegration:
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
        self._pending: dict[str, _PendingExecution] = {}
        self._early: dict[str, _EarlyCommission] = {}
        self._unanswered: dict[str, _Unanswered] = {}
        # The last IB message about each order, to explain an INACTIVE status.
        self._last_message: dict[str, tuple[int, str]] = {}
        self._holds: dict[str, _OrderHold] = {}
        # Orders IB no longer knows, with the reason, until their executions are in.
        self._gone: dict[str, str] = {}
        # By permId: completed orders IB described that match no order here, in case
        # an execution of theirs comes (then the order is recorded), and executions
        # whose order IB has not described yet.
        self._completed: collections.OrderedDict[int, BrokerOrderStatus] = collections.OrderedDict()
        self._orphans: dict[int, list[_Orphan]] = {}
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

    def _known(self, report: BrokerOpenOrder) -> Order | None:
        return self.order_manager.order_for_broker_report(
            report.broker_order_id, report.perm_id, report.order_ref
        ) or self.order_manager.external_order(report)

    def _on_open_order(self, report: BrokerOpenOrder) -> None:
        if self._known(report) is not None:
            return
        if report.status in ("Cancelled", "ApiCancelled", "Filled"):
            # Finished before the gateway saw it: recorded only if it traded.
            self._on_status(
                BrokerOrderStatus(
                    broker_order_id=report.broker_order_id,
                    status=report.status,
                    filled=Decimal(0),
                    remaining=Decimal(0),
                    average_fill_price=Decimal(0),
                    perm_id=report.perm_id,
                    order_ref=report.order_ref,
                    order=report,
                )
            )
            return
        self._record_external(report)
        self._adopt_orphans(report.perm_id)

    def _record_external(self, report: BrokerOpenOrder) -> Order:
        if report.order_type is OrderType.OTHER:
            log.warning(
                "broker order %d (permId %d) is of type %r, which the contract cannot "
                "name: recorded as OTHER, with its executions",
                report.broker_order_id,
                report.perm_id,
                report.broker_order_type,
            )
        return self.order_manager.record_external(report)

    def _adopt_orphans(self, perm_id: int) -> None:
        for orphan in self._orphans.pop(perm_id, []):
            orphan.timer.cancel()
            self._on_execution(orphan.execution)

    def _on_completed_unknown(self, report: BrokerOrderStatus) -> None:
        """A completed order that matches no order here: kept for its executions."""
        assert report.order is not None
        perm_id = report.perm_id
        self._completed.pop(perm_id, None)
        self._completed[perm_id] = report
        if len(self._completed) > _LAST_MESSAGES_KEPT:
            self._completed.popitem(last=False)
        if perm_id in self._orphans:
            self._record_completed(perm_id)

    def _record_completed(self, perm_id: int) -> None:
        """Records an order IB lists as completed that traded unseen: as it worked,
        then its executions, then its final status (held until they are in)."""
        report = self._completed.pop(perm_id, None)
        if report is None or report.order is None:
            return
        self._record_external(dataclasses.replace(report.order, status="Submitted"))
        self._adopt_orphans(perm_id)
        self._on_status(dataclasses.replace(report, order=None))

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
            hold = self._holds[order.order_id] = _OrderHold()
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

    def _on_execution(self, execution: BrokerExecution) -> None:
        if execution.execution_id in self._pending:
            return
        order = self.order_manager.order_for_broker_report(
            execution.broker_order_id, execution.perm_id, execution.order_ref
        )
        if order is None:
            if self.order_manager.has_execution(execution.execution_id):
                return  # a recorded fill IB reports again
            self._keep_orphan(execution)
            if execution.perm_id in self._completed:
                self._record_completed(execution.perm_id)
            return
        # IB traded the order: whatever error answered it, it took it.
        self._drop_unanswered(order.order_id)
        pending = _PendingExecution(execution, order.order_id)
        loop = asyncio.get_running_loop()
        pending.timer = loop.call_later(
            self.commission_timeout, self._settle, execution.execution_id, None
        )
        self._pending[execution.execution_id] = pending
        self._holds.setdefault(order.order_id, _OrderHold()).executions.add(execution.execution_id)
        early = self._early.pop(execution.execution_id, None)
        if early is not None:
            early.timer.cancel()
            self._settle(execution.execution_id, early.commission)

    def _keep_orphan(self, execution: BrokerExecution) -> None:
        perm_id = execution.perm_id
        orphans = self._orphans.setdefault(perm_id, [])
        if any(o.execution.execution_id == execution.execution_id for o in orphans):
            return
        log.info(
            "execution %s of an order IB has not described yet (permId %d) waits for it",
            execution.execution_id,
            perm_id,
        )
        timer = asyncio.get_running_loop().call_later(
            self.early_commission_ttl, self._expire_orphan, perm_id, execution.execution_id
        )
        orphans.append(_Orphan(execution, timer))

    def _expire_orphan(self, perm_id: int, execution_id: str) -> None:
        orphans = self._orphans.get(perm_id, [])
        self._orphans[perm_id] = [o for o in orphans if o.execution.execution_id != execution_id]
        if not self._orphans[perm_id]:
            del self._orphans[perm_id]
        log.error(
            "execution %s is not recorded: IB never described its order (permId %d)",
            execution_id,
            perm_id,
        )

    def _on_commission(self, commission: BrokerCommission) -> None:
        execution_id = commission.execution_id
        if execution_id in self._pending:
            self._settle(execution_id, commission)
        elif self.order_manager.has_execution(execution_id):
            log.info("commission for execution %s arrived after it settled", execution_id)
        else:
            # IB does not promise execDetails before its commissionReport.
            previous = self._early.pop(execution_id, None)
            if previous is not None:
                previous.timer.cancel()
            timer = asyncio.get_running_loop().call_later(
                self.early_commission_ttl, self._expire_commission, execution_id
            )
            self._early[execution_id] = _EarlyCommission(commission, timer)

    def _expire_commission(self, execution_id: str) -> None:
        if self._early.pop(execution_id, None) is not None:
            log.info("commission for execution %s matched no execution", execution_id)

    def _settle(self, execution_id: str, commission: BrokerCommission | None) -> None:
        pending = self._pending.pop(execution_id, None)
        if pending is None:
            return
        if pending.timer is not None:
            pending.timer.cancel()
        if commission is None:
            log.warning("execution %s recorded without a commission report", execution_id)
        order = self.order_manager.get(pending.order_id)
        ex = pending.execution
        self.order_manager.on_fill(
            Fill(
                execution_id=ex.execution_id,
                order_id=order.order_id,
                client_order_id=order.spec.client_order_id,
                account=order.spec.account,
                symbol=order.spec.contract.symbol,
                side=ex.side,
                quantity=ex.quantity,
                price=ex.price,
                time=ex.time,
                commission=commission.commission if commission else None,
                commission_currency=commission.currency if commission else "",
                exchange=ex.exchange,
                broker_order_id=ex.broker_order_id,
            )
        )
        hold = self._holds.get(pending.order_id)
        if hold is not None:
            hold.executions.discard(execution_id)
            self._release(pending.order_id)

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
        self._unanswered[order.order_id] = _Unanswered(error.code, error.message, timer)

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
