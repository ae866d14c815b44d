"""OrderGatewayIntegration: wires the OrderManager to a broker.

Routes broker reports to orders, pairs each execution with its commission report
before it becomes a fill (settling without commission after a timeout, so a missing
report never loses a fill; a report that comes first waits for its execution), and
holds back a status report that runs ahead of fills still waiting for their
commission, so FILLED never precedes its fill event.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

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
from ibkr_gateway.order.models import Fill, Order, OrderStatus
from ibkr_gateway.order.status import UnknownIBStatus, map_ib_status

log = logging.getLogger(__name__)

_ORDER_REFUSALS = frozenset({ErrorClass.ORDER_REJECTED, ErrorClass.MODIFY_REFUSED})
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
    ) -> None:
        self.gateway = gateway
        self.order_manager = order_manager
        self.commission_timeout = commission_timeout
        # How long a commission report waits for an execution that has not come yet;
        # one whose execution never comes (another client's order) is then dropped.
        self.early_commission_ttl = early_commission_ttl
        self._pending: dict[str, _PendingExecution] = {}
        self._early: dict[str, _EarlyCommission] = {}
        self._holds: dict[str, _OrderHold] = {}
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
        unsent = self.gateway.unknown_to_broker(working)
        if unsent:
            log.warning(
                "sending %d orders that never reached the broker before a restart", len(unsent)
            )
            await self.order_manager.resend(unsent)

    async def shutdown(self) -> None:
        for pending in list(self._pending.values()):
            self._settle(pending.execution.execution_id, None)
        for early in self._early.values():
            early.timer.cancel()
        self._early.clear()
        await self.gateway.stop()

    @property
    def unpaired_executions(self) -> int:
        return len(self._pending)

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

    def _on_open_order(self, report: BrokerOpenOrder) -> None:
        order = self.order_manager.order_for_broker_report(
            report.broker_order_id, report.perm_id, report.order_ref
        )
        if order is not None:
            return
        if report.order_type is None or report.status in ("Cancelled", "ApiCancelled"):
            log.warning(
                "broker order %d (permId %d) of an unsupported kind is not recorded",
                report.broker_order_id,
                report.perm_id,
            )
            return
        self.order_manager.record_external(report)

    def _on_status(self, report: BrokerOrderStatus) -> None:
        order = self._order(report.broker_order_id, report.perm_id, report.order_ref)
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
        self.order_manager.on_broker_status(
            order.order_id,
            status,
            filled=report.filled,
            average_fill_price=report.average_fill_price,
            perm_id=report.perm_id,
            reason=report.why_held,
            remaining=report.remaining,
        )

    def _on_execution(self, execution: BrokerExecution) -> None:
        if execution.execution_id in self._pending:
            return
        order = self._order(execution.broker_order_id, execution.perm_id, execution.order_ref)
        if order is None:
            return
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
        if kind in _ORDER_REFUSALS and order.status in _WORKING:
            # IB keeps a working order as it was when it refuses a change to it: only
            # a new order ends REJECTED.
            self.order_manager.on_modify_refused(order.order_id, error.code, error.message)
        elif kind is ErrorClass.ORDER_REJECTED:
            self.order_manager.on_rejected(order.order_id, error.code, error.message)
        elif kind is ErrorClass.CANCEL_REFUSED:
            self.order_manager.on_cancel_refused(order.order_id, error.code, error.message)
        elif kind is ErrorClass.MODIFY_REFUSED:
            self.order_manager.on_modify_refused(order.order_id, error.code, error.message)
        else:
            log.info(
                "order %s: IB message %d: %s (%s)",
                order.order_id,
                error.code,
                error.message,
                kind.value,
                extra={"order_id": order.order_id, "ib_error_code": error.code},
            )
