"""OrderGatewayIntegration's orders placed outside the gateway (in TWS, by another
client): recorded as external orders when IB describes them, open, or completed with an
execution the store lacks (one that traded while the gateway was away)."""

from __future__ import annotations

import collections
import dataclasses
import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from ibkr_gateway.broker import BrokerExecution, BrokerOpenOrder, BrokerOrderStatus
from ibkr_gateway.ib.executions import Orphan
from ibkr_gateway.ib.status import UnknownIBStatus, map_ib_status
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.models import Order, OrderStatus, OrderType

# The logger of the module OrderGatewayIntegration grew up in, which log filters know
# it by.
log = logging.getLogger("ibkr_gateway.gateway_order_manager")

# Completed orders kept for executions that may still come: enough for every order in
# flight.
_COMPLETED_KEPT = 10_000


class ExternalOrders:
    """The external-orders part of OrderGatewayIntegration (which provides the state
    below)."""

    order_manager: OrderManager
    _completed: collections.OrderedDict[int, BrokerOrderStatus]
    _orphans: dict[int, list[Orphan]]

    if TYPE_CHECKING:

        def _on_status(self, report: BrokerOrderStatus) -> None: ...

        def _on_execution(self, execution: BrokerExecution) -> None: ...

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
        try:
            status = map_ib_status(report.status, Decimal(0), report.quantity)
        except UnknownIBStatus:
            status = OrderStatus.SUBMITTED
        return self.order_manager.record_external(report, status)

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
        if len(self._completed) > _COMPLETED_KEPT:
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
