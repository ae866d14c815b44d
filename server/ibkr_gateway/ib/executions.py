"""OrderGatewayIntegration's executions: each is paired with its commission report
before it becomes a fill (settling without commission after a timeout, so a missing
report never loses a fill; a report that comes first waits for its execution). An
execution of an order IB has not described yet waits for it (up to a minute), so that
the fills of orders placed outside the gateway are not lost."""

from __future__ import annotations

import asyncio
import collections
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ibkr_gateway.broker import BrokerCommission, BrokerExecution, BrokerOrderStatus
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.models import Fill

# The logger of the module OrderGatewayIntegration grew up in, which log filters know
# it by.
log = logging.getLogger("ibkr_gateway.gateway_order_manager")


@dataclass
class PendingExecution:
    execution: BrokerExecution
    order_id: str
    timer: asyncio.TimerHandle | None = None


@dataclass
class EarlyCommission:
    commission: BrokerCommission
    timer: asyncio.TimerHandle


@dataclass
class Orphan:
    """An execution of an order IB has not described yet."""

    execution: BrokerExecution
    timer: asyncio.TimerHandle


@dataclass
class OrderHold:
    """A status report waiting for the executions it already counts."""

    executions: set[str] = field(default_factory=set)
    status: BrokerOrderStatus | None = None
    timer: asyncio.TimerHandle | None = None


class ExecutionPairing:
    """The executions part of OrderGatewayIntegration (which provides the state below)."""

    order_manager: OrderManager
    commission_timeout: float
    early_commission_ttl: float
    _pending: dict[str, PendingExecution]
    _early: dict[str, EarlyCommission]
    _holds: dict[str, OrderHold]
    _completed: collections.OrderedDict[int, BrokerOrderStatus]
    _orphans: dict[int, list[Orphan]]

    if TYPE_CHECKING:

        def _drop_unanswered(self, order_id: str) -> None: ...

        def _record_completed(self, perm_id: int) -> None: ...

        def _release(self, order_id: str, timed_out: bool = False) -> None: ...

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
        pending = PendingExecution(execution, order.order_id)
        loop = asyncio.get_running_loop()
        pending.timer = loop.call_later(
            self.commission_timeout, self._settle, execution.execution_id, None
        )
        self._pending[execution.execution_id] = pending
        self._holds.setdefault(order.order_id, OrderHold()).executions.add(execution.execution_id)
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
        orphans.append(Orphan(execution, timer))

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
            self._early[execution_id] = EarlyCommission(commission, timer)

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
