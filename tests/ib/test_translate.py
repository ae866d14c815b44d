"""How IB's description of an order becomes the gateway's."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ib_async import Future, Order, OrderState

from ibkr_gateway.ib import translate
from ibkr_gateway.order.models import OrderType, SecurityType, TimeInForce


def test_an_open_order_keeps_its_contract_terms_and_order_details() -> None:
    contract = Future("ES", "202612", "CME", multiplier="50", currency="USD", localSymbol="ESZ6")
    contract.tradingClass = "ES"
    order = Order(
        orderId=5,
        permId=77,
        clientId=0,
        action="SELL",
        totalQuantity=2,
        orderType="STP LMT",
        lmtPrice=4990.25,
        auxPrice=5000.0,
        tif="GTD",
        goodTillDate="20261218 21:00:00 UTC",
        outsideRth=True,
        ocaGroup="hedge",
        orderRef="desk-1",
    )
    report = translate.open_order_report(5, contract, order, OrderState(status="PreSubmitted"))
    c = report.contract
    assert (c.sec_type, c.last_trade_date_or_contract_month, c.multiplier) == (
        SecurityType.FUTURE,
        "202612",
        Decimal(50),
    )
    assert (c.strike, c.right, c.local_symbol, c.trading_class) == (None, "", "ESZ6", "ES")
    assert (report.order_type, report.limit_price, report.stop_price) == (
        OrderType.STOP_LIMIT,
        Decimal("4990.25"),
        Decimal(5000),
    )
    assert report.time_in_force is TimeInForce.GTD
    assert report.good_till == datetime(2026, 12, 18, 21, tzinfo=UTC)
    assert (report.outside_rth, report.oca_group) == (True, "hedge")


def test_an_order_type_without_equivalent_is_other_and_named_not_guessed() -> None:
    order = Order(orderId=9, permId=78, action="BUY", totalQuantity=1, orderType="MIDPRICE")
    report = translate.open_order_report(
        9, Future("ES", "202612", "CME"), order, OrderState(status="Submitted")
    )
    assert report.order_type is OrderType.OTHER
    assert report.broker_order_type == "MIDPRICE"


def test_an_algo_without_equivalent_makes_the_order_other_with_the_algo_named() -> None:
    order = Order(orderId=9, permId=78, action="BUY", totalQuantity=1, orderType="LMT", lmtPrice=10)
    order.algoStrategy = "ArrivalPx"
    report = translate.open_order_report(
        9, Future("ES", "202612", "CME"), order, OrderState(status="Submitted")
    )
    assert (report.order_type, report.broker_order_type) == (OrderType.OTHER, "LMT ArrivalPx")
    assert report.algo is None
