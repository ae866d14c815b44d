"""Builders and compact views shared by the exchange tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerOrderError,
    BrokerOrderStatus,
    BrokerReport,
)
from ibkr_gateway.order.models import OrderType, Side, TimeInForce
from ibkr_gateway.sim.exchange import (
    SimOrder,
    SimulatedExchange,
)

D = Decimal
T0 = datetime(2024, 3, 1, 14, 30, tzinfo=UTC)
SYM = "AAPL"
MKT, LMT, STP, STP_LMT = OrderType.MARKET, OrderType.LIMIT, OrderType.STOP, OrderType.STOP_LIMIT
BUY, SELL = Side.BUY, Side.SELL
DAY, GTC, IOC, FOK = TimeInForce.DAY, TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK


def exchange(tag: str = "S1") -> SimulatedExchange:
    return SimulatedExchange(clock=lambda: T0, session_tag=tag)


def order(
    oid: int,
    side: Side = BUY,
    quantity: str = "100",
    order_type: OrderType = MKT,
    *,
    limit: str | None = None,
    stop: str | None = None,
    tif: TimeInForce = DAY,
    symbol: str = SYM,
    parent_id: int = 0,
    oca: str = "",
) -> SimOrder:
    return SimOrder(
        broker_order_id=oid,
        order_ref=f"client-{oid}",
        account="DU1",
        symbol=symbol,
        currency="USD",
        side=side,
        quantity=D(quantity),
        order_type=order_type,
        limit_price=None if limit is None else D(limit),
        stop_price=None if stop is None else D(stop),
        time_in_force=tif,
        parent_id=parent_id,
        oca_group=oca,
    )


def brief(report: BrokerReport) -> tuple[object, ...]:
    """A compact, comparable view of a report."""
    if isinstance(report, BrokerOrderStatus):
        return ("status", report.broker_order_id, report.status, report.filled, report.remaining)
    if isinstance(report, BrokerExecution):
        return ("exec", report.broker_order_id, report.quantity, report.price)
    if isinstance(report, BrokerCommission):
        return ("commission", report.commission)
    assert isinstance(report, BrokerOrderError), report
    return ("error", report.broker_order_id, report.code)


def briefs(reports: list[BrokerReport]) -> list[tuple[object, ...]]:
    return [brief(r) for r in reports]


def st(
    oid: int, status: str, filled: str | int = 0, remaining: str | int = 0
) -> tuple[object, ...]:
    return ("status", oid, status, D(filled), D(remaining))


def ex(oid: int, quantity: str | int, price: str | int | Decimal) -> tuple[object, ...]:
    return ("exec", oid, D(quantity), D(price))


def com(amount: str) -> tuple[object, ...]:
    return ("commission", D(amount))


def executions(reports: list[BrokerReport]) -> list[BrokerExecution]:
    return [r for r in reports if isinstance(r, BrokerExecution)]


def place_buy_bracket(x: SimulatedExchange, entry_type: OrderType = LMT) -> list[BrokerReport]:
    parent = order(1, order_type=entry_type, limit="99" if entry_type is LMT else None)
    take_profit = order(2, SELL, order_type=LMT, limit="110", parent_id=1, oca="b1", tif=GTC)
    stop_loss = order(3, SELL, order_type=STP, stop="90", parent_id=1, oca="b1", tif=GTC)
    return x.place_bracket(parent, take_profit, stop_loss)
