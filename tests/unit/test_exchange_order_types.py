"""How the simulated exchange fills each order type beyond market, limit and stops."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from ibkr_gateway.broker import BrokerReport
from ibkr_gateway.order.models import OrderType
from ibkr_gateway.sim.exchange import SimOrder
from tests.unit.exchange_support import (
    BUY,
    LMT,
    SELL,
    SYM,
    D,
    briefs,
    ex,
    exchange,
    executions,
    order,
    st,
)


def with_(sim: SimOrder, **changes: object) -> SimOrder:
    return dataclasses.replace(sim, **changes)  # type: ignore[arg-type]


def fills(reports: list[BrokerReport]) -> list[tuple[Decimal, Decimal]]:
    return [(e.quantity, e.price) for e in executions(reports)]


# -- if touched ------------------------------------------------------------------------


def test_a_buy_mit_waits_above_its_trigger_and_fills_at_the_market_once_touched() -> None:
    x = exchange()
    placed = x.place(order(1, BUY, "10", OrderType.MARKET_IF_TOUCHED, stop="95"))
    assert briefs(placed) == [st(1, "PreSubmitted", 0, 10)]
    assert x.set_price(SYM, D("96")) == []
    reports = x.set_price(SYM, D("94.5"))
    assert briefs(reports)[:2] == [st(1, "Submitted", 0, 10), ex(1, 10, "94.5")]
    assert x.orders[1].status == "Filled"


def test_a_sell_mit_triggers_at_or_above_its_trigger_not_below() -> None:
    x = exchange()
    x.place(order(1, SELL, "10", OrderType.MARKET_IF_TOUCHED, stop="105"))
    assert x.set_price(SYM, D("104.99")) == []
    assert fills(x.set_price(SYM, D("105"))) == [(D(10), D(105))]


def test_a_lit_becomes_a_limit_once_touched_and_fills_only_at_its_limit_or_better() -> None:
    x = exchange()
    x.place(order(1, BUY, "10", OrderType.LIMIT_IF_TOUCHED, stop="95", limit="94"))
    triggered = x.set_price(SYM, D("94.5"))
    # Touched (94.5 <= 95) but not marketable at 94: works as a limit.
    assert briefs(triggered) == [st(1, "Submitted", 0, 10)]
    assert x.set_price(SYM, D("94.2")) == []
    assert fills(x.set_price(SYM, D("94"))) == [(D(10), D(94))]


def test_a_stop_is_not_an_if_touched_order_a_buy_stop_triggers_upwards() -> None:
    x = exchange()
    x.place(order(1, BUY, "10", OrderType.STOP, stop="105"))
    assert x.set_price(SYM, D("90")) == []


# -- trailing stop-limit ---------------------------------------------------------------


def test_a_trailing_stop_limit_trails_then_fixes_its_limit_offset_beyond_the_stop() -> None:
    x = exchange()
    trail = with_(
        order(1, SELL, "10", OrderType.TRAILING_STOP_LIMIT),
        trailing_amount=D("2"),
        limit_offset=D("0.5"),
    )
    assert briefs(x.place(trail)) == [st(1, "PreSubmitted", 0, 10)]
    assert x.orders[1].stop_price == D("98")
    x.set_price(SYM, D("110"))  # the stop follows up to 108
    assert x.orders[1].stop_price == D("108")
    x.set_price(SYM, D("109"))  # and never back
    assert x.orders[1].stop_price == D("108")
    # Through the stop at 108 the order becomes a sell limit at 107.5: 107 is too low.
    reports = x.set_price(SYM, D("107"))
    assert briefs(reports) == [st(1, "Submitted", 0, 10)]
    assert x.orders[1].limit_price == D("107.5")
    assert fills(x.set_price(SYM, D("107.5"))) == [(D(10), D("107.5"))]


def test_a_buy_trailing_stop_limit_puts_its_limit_above_the_stop() -> None:
    x = exchange()
    trail = with_(
        order(1, BUY, "5", OrderType.TRAILING_STOP_LIMIT),
        trailing_percent=D("10"),
        limit_offset=D("1"),
    )
    x.place(trail)
    assert x.orders[1].stop_price == D("110")
    assert fills(x.set_price(SYM, D("110.5"))) == [(D(5), D("110.5"))]
    assert x.orders[1].limit_price == D("111")


# -- on close --------------------------------------------------------------------------


def test_a_moc_order_waits_for_the_closing_auction_and_fills_at_the_close() -> None:
    x = exchange()
    assert briefs(x.place(order(1, BUY, "10", OrderType.MARKET_ON_CLOSE))) == [
        st(1, "Submitted", 0, 10)
    ]
    assert x.set_price(SYM, D("101")) == []
    x.set_price(SYM, D("102.5"))
    closed = x.end_of_day()
    assert fills(closed) == [(D(10), D("102.5"))]
    assert x.orders[1].status == "Filled"


def test_a_loc_order_fills_in_the_auction_only_at_its_limit_or_better_else_expires() -> None:
    x = exchange()
    x.place(order(1, BUY, "10", OrderType.LIMIT_ON_CLOSE, limit="101"))
    x.place(order(2, SELL, "10", OrderType.LIMIT_ON_CLOSE, limit="101", symbol="MSFT"))
    # Marketable during the day, yet not traded before the close.
    assert x.set_price(SYM, D("100")) == []
    x.set_price("MSFT", D("100"))
    closed = x.end_of_day()
    assert fills(closed) == [(D(10), D(100))]
    assert x.orders[1].status == "Filled"
    assert x.orders[2].status == "Cancelled"


def test_the_closing_auction_honours_the_available_quantity() -> None:
    x = exchange()
    x.place(order(1, BUY, "10", OrderType.MARKET_ON_CLOSE))
    x.set_price(SYM, D("100"), available=D("4"))
    closed = x.end_of_day()
    assert fills(closed) == [(D(4), D(100))]
    assert x.orders[1].status == "Cancelled"
    assert x.orders[1].filled == D(4)


# -- pegged ----------------------------------------------------------------------------


def test_a_relative_order_without_a_cap_fills_at_the_market() -> None:
    x = exchange()
    assert fills(x.place(order(1, BUY, "10", OrderType.RELATIVE))) == [(D(10), D(100))]


def test_a_pegged_order_waits_while_the_market_is_beyond_its_cap() -> None:
    x = exchange()
    x.set_price(SYM, D("100"))
    placed = x.place(order(1, SELL, "10", OrderType.PEGGED_TO_MIDPOINT, limit="101"))
    assert briefs(placed) == [st(1, "Submitted", 0, 10)]
    assert fills(x.set_price(SYM, D("101.25"))) == [(D(10), D("101.25"))]


# -- iceberg ---------------------------------------------------------------------------


def test_an_iceberg_trades_in_executions_of_at_most_its_display_size() -> None:
    x = exchange()
    iceberg = with_(order(1, BUY, "250", LMT, limit="100"), display_size=D(100))
    assert fills(x.place(iceberg)) == [(D(100), D(100)), (D(100), D(100)), (D(50), D(100))]
    assert x.orders[1].status == "Filled"


def test_an_iceberg_slices_what_is_available_and_keeps_the_rest_working() -> None:
    x = exchange()
    x.set_price(SYM, D("100"), available=D("150"))
    iceberg = with_(order(1, BUY, "300", LMT, limit="100"), display_size=D(100))
    assert fills(x.place(iceberg)) == [(D(100), D(100)), (D(50), D(100))]
    assert x.orders[1].working
    assert x.orders[1].remaining == D(150)
