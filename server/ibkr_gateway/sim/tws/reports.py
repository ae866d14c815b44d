"""Exchange reports to wire messages, in IB's usual sequences, for the owning client.

    new/changed status  -> openOrder + orderStatus
    fill                -> execDetails, openOrder(Filled), orderStatus(Filled), commissionReport
    cancel              -> orderStatus(Cancelled), error 202
    reject              -> error <code>, orderStatus(Cancelled)

A Cancelled status carries no openOrder (TWS sends none), and a rejected order gets no
202 on top of its own error.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerOrderError,
    BrokerOrderStatus,
    BrokerReport,
)
from ibkr_gateway.order.models import Side
from ibkr_gateway.sim.tws import outgoing
from ibkr_gateway.sim.tws.executions import ExecutionLog
from ibkr_gateway.sim.tws.order_messages import open_order
from ibkr_gateway.sim.tws.orders import OrderDesk
from ibkr_gateway.sim.tws.outgoing import ExecutionView, Kind, Out

log = logging.getLogger(__name__)

CANCELLED_TEXT = "Order Canceled - reason:"


@dataclass(frozen=True, slots=True)
class Routed:
    client_id: int
    out: Out


class ReportTranslator:
    def __init__(self, desk: OrderDesk, executions: ExecutionLog) -> None:
        self._desk = desk
        self._executions = executions

    def translate(
        self,
        reports: Sequence[BrokerReport],
        *,
        modified: AbstractSet[int] = frozenset(),
        refused: AbstractSet[int] = frozenset(),
    ) -> list[Routed]:
        """Reports carry exchange ids; messages carry the owner's order id. `modified`
        (exchange ids) get an openOrder even if their status is unchanged: that is how
        TWS acknowledges a modify. `refused` (exchange ids) were refused by an error
        already sent. Reports of orders placed past the simulator (on a shared
        exchange) concern no client and are left out."""
        out: list[Routed] = []
        rejected: set[int] = set(refused)
        for report in reports:
            if isinstance(report, BrokerOrderError):
                rejected.add(report.broker_order_id)
                out += self._error(report)
            elif isinstance(report, BrokerOrderStatus):
                out += self._status(report, report.broker_order_id in rejected, modified)
            elif isinstance(report, BrokerExecution):
                out += self._execution(report)
            elif isinstance(report, BrokerCommission):
                out += self._commission(report)
        return out

    def _error(self, report: BrokerOrderError) -> list[Routed]:
        record = self._desk.records.get(report.broker_order_id)
        if record is None:
            return []
        message = outgoing.error(record.order_id, report.code, report.message)
        return [Routed(record.client_id, message)]

    def _status(
        self, report: BrokerOrderStatus, rejected: bool, modified: AbstractSet[int]
    ) -> list[Routed]:
        exchange_id = report.broker_order_id
        record = self._desk.records.get(exchange_id)
        view = self._desk.view(exchange_id, report.status)
        if record is None or view is None:
            log.debug("tws-sim: status of order %s placed outside the simulator", exchange_id)
            return []
        client, order_id = record.client_id, record.order_id
        out: list[Routed] = []
        changed = self._desk.mark_reported(exchange_id, report.status)
        if report.status != "Cancelled" and (changed or exchange_id in modified):
            out.append(Routed(client, open_order(view)))
        status = outgoing.order_status(
            order_id,
            report.status,
            report.filled,
            report.remaining,
            report.average_fill_price,
            report.perm_id,
            view.order.parent_id,
            record.last_fill_price,
            client,
            report.why_held,
        )
        out.append(Routed(client, status))
        if report.status == "Cancelled" and not rejected:
            out.append(
                Routed(client, outgoing.error(order_id, outgoing.ORDER_CANCELLED, CANCELLED_TEXT))
            )
        return out

    def _execution(self, report: BrokerExecution) -> list[Routed]:
        record = self._desk.records.get(report.broker_order_id)
        if record is None:
            log.debug("tws-sim: execution of order %s placed outside", report.broker_order_id)
            return []
        record.last_fill_price = report.price
        view = ExecutionView(
            exec_id=report.execution_id,
            order_id=record.order_id,
            client_id=record.client_id,
            perm_id=report.perm_id,
            contract=record.contract,
            account=record.order.account or self._desk.account,
            exchange=report.exchange,
            side="BOT" if report.side is Side.BUY else "SLD",
            shares=report.quantity,
            price=report.price,
            cum_qty=report.cumulative_quantity,
            avg_price=report.average_price,
            order_ref=report.order_ref,
            time=report.time,
        )
        self._executions.add(view)
        return [Routed(record.client_id, outgoing.exec_details(-1, view))]

    def _commission(self, report: BrokerCommission) -> list[Routed]:
        entry = self._executions.set_commission(report)
        if entry is None:
            return []
        message = outgoing.commission_report(
            report.execution_id, report.commission, report.currency, entry.view.order_id
        )
        return [Routed(entry.view.client_id, message)]


def reorder_statuses(messages: list[Out]) -> list[Out]:
    """Fault injection: moves each orderStatus ahead of the openOrder/execDetails of the
    same order sent since that order's previous orderStatus, as a client may see them
    from TWS under load. Statuses of one order keep their relative order."""
    result: list[Out] = []
    floor: dict[int, int] = {}  # per order: where its last orderStatus was sent
    movable = (Kind.OPEN_ORDER, Kind.EXEC_DETAILS)
    for message in messages:
        result.append(message)
        if message.kind is not Kind.ORDER_STATUS:
            continue
        i = len(result) - 1
        lowest = floor.get(message.order_id, 0)
        while i > lowest and result[i - 1].order_id == message.order_id:
            if result[i - 1].kind not in movable:
                break
            result[i - 1], result[i] = result[i], result[i - 1]
            i -= 1
        floor[message.order_id] = len(result)
    return result


def commissions_first(messages: list[Out]) -> list[Out]:
    """Fault injection: moves each commissionReport ahead of the execDetails of its
    execution, as IB may deliver them. A report whose execution was sent in an earlier
    batch stays where it is."""
    result: list[Out] = []
    for message in messages:
        at = len(result)
        if message.kind is Kind.COMMISSION:
            at = next(
                (
                    i
                    for i in range(len(result) - 1, -1, -1)
                    if result[i].kind is Kind.EXEC_DETAILS and result[i].exec_id == message.exec_id
                ),
                at,
            )
        result.insert(at, message)
    return result
