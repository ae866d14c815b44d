"""The simulated exchange: matching, time in force, brackets/OCA, errors, determinism."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as hs

from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerOrderError,
    BrokerOrderStatus,
    BrokerReport,
)
from ibkr_gateway.order.models import OrderType, Side, TimeInForce
from ibkr_gateway.sim.exchange import (
    CANCEL_NOT_CANCELLABLE,
    CANCEL_NOT_FOUND,
    CANNOT_MODIFY_FILLED,
    DEFAULT_PRICE,
    ORDER_REJECTED,
    ExchangeError,
    SimOrder,
    SimulatedExchange,
    default_commission,
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


# -- market orders ---------------------------------------------------------------------


def test_market_order_fills_at_the_default_price_in_ib_report_order() -> None:
    x = exchange()
    reports = x.place(order(1))
    assert [type(r) for r in reports] == [
        BrokerOrderStatus,
        BrokerExecution,
        BrokerOrderStatus,
        BrokerCommission,
    ]
    assert briefs(reports) == [
        st(1, "Submitted", 0, 100),
        ex(1, 100, DEFAULT_PRICE),
        st(1, "Filled", 100, 0),
        com("1.00"),
    ]
    assert DEFAULT_PRICE == D(100)
    _submitted, execution, filled, commission = reports
    assert isinstance(execution, BrokerExecution)
    assert isinstance(filled, BrokerOrderStatus)
    assert isinstance(commission, BrokerCommission)
    assert execution.time == T0
    assert execution.order_ref == "client-1"
    assert execution.side is BUY
    assert execution.exchange == "SIM"
    assert execution.cumulative_quantity == D(100)
    assert execution.average_price == D(100)
    assert execution.perm_id == filled.perm_id == 1_000_001
    assert commission.execution_id == execution.execution_id
    assert commission.currency == "USD"
    assert filled.average_fill_price == D(100)
    assert x.orders[1].status == "Filled"
    assert x.orders[1].remaining == 0


def test_market_order_fills_at_the_price_that_was_set() -> None:
    x = exchange()
    assert x.set_price(SYM, D("187.25")) == []
    assert x.price(SYM) == D("187.25")
    assert x.price("MSFT") == DEFAULT_PRICE
    reports = x.place(order(1, SELL, "10"))
    assert briefs(reports)[1:3] == [ex(1, 10, "187.25"), st(1, "Filled", 10, 0)]


def test_custom_default_price_and_commission() -> None:
    x = SimulatedExchange(
        default_price=D(50), clock=lambda: T0, commission=lambda q, p: q * p / 1000
    )
    assert briefs(x.place(order(1, quantity="20"))) == [
        st(1, "Submitted", 0, 20),
        ex(1, 20, 50),
        st(1, "Filled", 20, 0),
        com("1"),
    ]


def test_perm_ids_are_assigned_in_sequence() -> None:
    x = SimulatedExchange(clock=lambda: T0, first_perm_id=500)
    x.place(order(7))
    x.place(order(3, order_type=LMT, limit="1"))
    assert (x.orders[7].perm_id, x.orders[3].perm_id) == (500, 501)


# -- limit orders ----------------------------------------------------------------------


def test_buy_limit_below_market_rests_then_fills_when_the_price_moves_through() -> None:
    x = exchange()
    assert briefs(x.place(order(1, order_type=LMT, limit="95"))) == [st(1, "Submitted", 0, 100)]
    assert x.set_price(SYM, D("95.01")) == []
    assert x.orders[1].status == "Submitted"
    reports = x.set_price(SYM, D("94.50"))
    # Trades at the reference price, which is at or better than the limit.
    assert briefs(reports) == [ex(1, 100, "94.50"), st(1, "Filled", 100, 0), com("1.00")]


def test_buy_limit_fills_when_the_price_touches_it() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="95"))
    assert briefs(x.set_price(SYM, D(95)))[0] == ex(1, 100, 95)


def test_marketable_buy_limit_fills_immediately_at_the_market() -> None:
    x = exchange()
    reports = x.place(order(1, order_type=LMT, limit="101"))
    assert briefs(reports)[:3] == [
        st(1, "Submitted", 0, 100),
        ex(1, 100, 100),
        st(1, "Filled", 100, 0),
    ]


def test_sell_limit_above_market_rests_then_fills() -> None:
    x = exchange()
    assert briefs(x.place(order(1, SELL, order_type=LMT, limit="105"))) == [
        st(1, "Submitted", 0, 100)
    ]
    assert x.set_price(SYM, D("104.99")) == []
    assert x.set_price(SYM, D(90)) == []
    reports = x.set_price(SYM, D("105.5"))
    assert briefs(reports) == [ex(1, 100, "105.5"), st(1, "Filled", 100, 0), com("1.00")]


def test_prices_of_other_symbols_do_not_touch_an_order() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="95"))
    x.place(order(2, order_type=STP, stop="105"))
    assert x.set_price("MSFT", D(1)) == []
    assert x.set_price("MSFT", D(1000)) == []
    assert x.orders[1].status == "Submitted"
    assert x.orders[2].status == "PreSubmitted"


def test_set_price_matches_resting_orders_in_id_order() -> None:
    x = exchange()
    x.place(order(2, order_type=LMT, limit="95", quantity="5"))
    x.place(order(1, order_type=LMT, limit="96", quantity="5"))
    reports = x.set_price(SYM, D(90))
    assert [e.broker_order_id for e in executions(reports)] == [1, 2]


# -- stops -----------------------------------------------------------------------------


def test_buy_stop_is_presubmitted_until_the_price_reaches_it() -> None:
    x = exchange()
    assert briefs(x.place(order(1, order_type=STP, stop="105"))) == [st(1, "PreSubmitted", 0, 100)]
    assert x.set_price(SYM, D("104.99")) == []
    assert x.set_price(SYM, D(50)) == []
    assert x.orders[1].status == "PreSubmitted"
    reports = x.set_price(SYM, D(105))
    assert briefs(reports) == [
        st(1, "Submitted", 0, 100),
        ex(1, 100, 105),
        st(1, "Filled", 100, 0),
        com("1.00"),
    ]


def test_sell_stop_triggers_when_the_price_falls_to_it() -> None:
    x = exchange()
    assert briefs(x.place(order(1, SELL, order_type=STP, stop="95"))) == [
        st(1, "PreSubmitted", 0, 100)
    ]
    assert x.set_price(SYM, D("95.01")) == []
    assert x.set_price(SYM, D(200)) == []
    reports = x.set_price(SYM, D(94))
    assert briefs(reports)[:2] == [st(1, "Submitted", 0, 100), ex(1, 100, 94)]
    assert x.orders[1].status == "Filled"


def test_stop_already_through_the_market_triggers_on_placement() -> None:
    x = exchange()
    reports = x.place(order(1, order_type=STP, stop="99"))
    assert briefs(reports)[:3] == [
        st(1, "PreSubmitted", 0, 100),
        st(1, "Submitted", 0, 100),
        ex(1, 100, 100),
    ]


def test_buy_stop_limit_triggers_then_rests_as_a_limit() -> None:
    x = exchange()
    x.place(order(1, order_type=STP_LMT, stop="105", limit="106"))
    assert x.set_price(SYM, D(104)) == []
    # Triggered at 107 but not marketable against a 106 limit: it rests.
    assert briefs(x.set_price(SYM, D(107))) == [st(1, "Submitted", 0, 100)]
    assert x.orders[1].triggered
    assert x.set_price(SYM, D("106.01")) == []
    # Once triggered it stays triggered, even below the stop price.
    reports = x.set_price(SYM, D(104))
    assert briefs(reports) == [ex(1, 100, 104), st(1, "Filled", 100, 0), com("1.00")]


def test_sell_stop_limit_triggers_and_fills_when_marketable() -> None:
    x = exchange()
    x.place(order(1, SELL, order_type=STP_LMT, stop="95", limit="94"))
    reports = x.set_price(SYM, D("94.5"))
    assert briefs(reports)[:2] == [st(1, "Submitted", 0, 100), ex(1, 100, "94.5")]


# -- IOC / FOK and liquidity -----------------------------------------------------------


def test_ioc_fills_what_is_available_and_cancels_the_rest() -> None:
    x = exchange()
    x.set_price(SYM, D(100), available=D(30))
    reports = x.place(order(1, tif=IOC))
    assert briefs(reports) == [
        st(1, "Submitted", 0, 100),
        ex(1, 30, 100),
        st(1, "Submitted", 30, 70),
        com("1.00"),
        st(1, "Cancelled", 30, 0),
    ]
    assert x.available[SYM] == 0
    assert x.orders[1].filled == D(30)


def test_fok_without_enough_liquidity_cancels_with_no_fill() -> None:
    x = exchange()
    x.set_price(SYM, D(100), available=D(99))
    reports = x.place(order(1, tif=FOK))
    assert briefs(reports) == [st(1, "Submitted", 0, 100), st(1, "Cancelled", 0, 0)]
    assert executions(reports) == []
    assert x.available[SYM] == D(99)


def test_fok_with_enough_liquidity_fills_completely() -> None:
    x = exchange()
    x.set_price(SYM, D(100), available=D(150))
    reports = x.place(order(1, tif=FOK))
    assert [e.quantity for e in executions(reports)] == [D(100)]
    assert x.orders[1].status == "Filled"
    assert x.available[SYM] == D(50)


@pytest.mark.parametrize("tif", [IOC, FOK])
@pytest.mark.parametrize(("side", "limit"), [(BUY, "99"), (SELL, "101")])
def test_immediate_orders_that_are_not_marketable_are_cancelled(
    tif: TimeInForce, side: Side, limit: str
) -> None:
    x = exchange()
    reports = x.place(order(1, side, order_type=LMT, limit=limit, tif=tif))
    assert briefs(reports) == [st(1, "Submitted", 0, 100), st(1, "Cancelled", 0, 0)]


def test_limited_liquidity_leaves_a_day_order_resting() -> None:
    x = exchange()
    x.set_price(SYM, D(100), available=D(40))
    reports = x.place(order(1))
    assert briefs(reports)[-2:] == [st(1, "Submitted", 40, 60), com("1.00")]
    assert x.orders[1].working
    # Without a liquidity limit the next price fills the rest.
    reports = x.set_price(SYM, D(101))
    assert briefs(reports)[:2] == [ex(1, 60, 101), st(1, "Filled", 100, 0)]
    assert x.orders[1].average_price == (40 * D(100) + 60 * D(101)) / 100


def test_liquidity_is_shared_between_orders() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="95", quantity="50"))
    x.place(order(2, order_type=LMT, limit="95", quantity="50"))
    reports = x.set_price(SYM, D(95), available=D(70))
    assert [(e.broker_order_id, e.quantity) for e in executions(reports)] == [
        (1, D(50)),
        (2, D(20)),
    ]
    assert x.orders[2].remaining == D(30)


# -- time in force ---------------------------------------------------------------------


def test_day_orders_expire_at_end_of_day_and_gtc_orders_survive() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="90", tif=DAY))
    x.place(order(2, order_type=LMT, limit="90", tif=GTC))
    x.place(order(3, SELL, order_type=STP, stop="80", tif=DAY))
    x.place(order(4, SELL, order_type=STP, stop="80", tif=GTC))
    assert briefs(x.end_of_day()) == [st(1, "Cancelled"), st(3, "Cancelled")]
    assert x.orders[2].working
    assert x.orders[4].working
    assert x.end_of_day() == []
    reports = x.set_price(SYM, D(75))
    assert {e.broker_order_id for e in executions(reports)} == {2, 4}


def test_end_of_day_keeps_the_filled_part_of_a_day_order() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="90"))
    x.fill(1, D(25))
    assert briefs(x.end_of_day()) == [st(1, "Cancelled", 25, 0)]


# -- fill() test control ---------------------------------------------------------------


def test_fill_partly_then_the_order_rests() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="90"))
    reports = x.fill(1, D(40))
    assert briefs(reports) == [ex(1, 40, 90), st(1, "Submitted", 40, 60), com("1.00")]
    assert x.orders[1].working
    assert x.set_price(SYM, D("90.5")) == []
    reports = x.set_price(SYM, D(89))
    assert briefs(reports) == [ex(1, 60, 89), st(1, "Filled", 100, 0), com("1.00")]
    assert x.orders[1].average_price == D("89.4")


def test_fill_at_an_explicit_price_and_the_default_remaining_quantity() -> None:
    x = exchange()
    x.place(order(1, order_type=STP, stop="200"))
    reports = x.fill(1, price=D("123.45"))
    assert briefs(reports)[:2] == [ex(1, 100, "123.45"), st(1, "Filled", 100, 0)]


@pytest.mark.parametrize("quantity", ["0", "-1", "100.5"])
def test_fill_quantity_must_be_within_the_remainder(quantity: str) -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="90"))
    with pytest.raises(ExchangeError) as info:
        x.fill(1, D(quantity))
    assert info.value.code == ORDER_REJECTED
    assert x.orders[1].filled == 0


def test_fill_of_a_finished_or_unknown_order_raises() -> None:
    x = exchange()
    x.place(order(1))
    for oid in (1, 99):
        with pytest.raises(ExchangeError) as info:
            x.fill(oid)
        assert info.value.code == CANCEL_NOT_CANCELLABLE


# -- brackets and OCA ------------------------------------------------------------------


def place_buy_bracket(x: SimulatedExchange, entry_type: OrderType = LMT) -> list[BrokerReport]:
    parent = order(1, order_type=entry_type, limit="99" if entry_type is LMT else None)
    take_profit = order(2, SELL, order_type=LMT, limit="110", parent_id=1, oca="b1", tif=GTC)
    stop_loss = order(3, SELL, order_type=STP, stop="90", parent_id=1, oca="b1", tif=GTC)
    return x.place_bracket(parent, take_profit, stop_loss)


def test_bracket_children_wait_for_the_parent() -> None:
    x = exchange()
    assert briefs(place_buy_bracket(x)) == [
        st(1, "Submitted", 0, 100),
        st(2, "PreSubmitted", 0, 100),
        st(3, "PreSubmitted", 0, 100),
    ]
    assert x.orders[1].children == [2, 3]
    # Prices that would trigger either child do nothing while the parent works.
    assert x.set_price(SYM, D(110)) == []
    assert x.set_price(SYM, D(120)) == []
    assert x.orders[2].filled == x.orders[3].filled == 0


def test_bracket_parent_fill_activates_take_profit_and_stop_loss() -> None:
    x = exchange()
    place_buy_bracket(x)
    reports = x.set_price(SYM, D(99))
    assert briefs(reports) == [
        ex(1, 100, 99),
        st(1, "Filled", 100, 0),
        com("1.00"),
        st(2, "Submitted", 0, 100),
        st(3, "PreSubmitted", 0, 100),
    ]
    assert x.orders[2].working
    assert x.orders[3].working


def test_partial_take_profit_fill_reduces_the_stop_loss() -> None:
    x = exchange()
    place_buy_bracket(x)
    x.set_price(SYM, D(99))
    reports = x.fill(2, D(40))
    assert briefs(reports)[-1] == st(3, "PreSubmitted", 0, 60)
    assert x.orders[3].quantity == 60
    # The stop-loss then sells only what is left of the position.
    stop_reports = x.set_price(SYM, D(89))
    assert [(e.broker_order_id, e.quantity) for e in executions(stop_reports)] == [(3, D(60))]
    assert x.orders[2].status == "Cancelled"
    assert x.orders[2].filled + x.orders[3].filled == 100


def test_bracket_take_profit_fill_cancels_the_stop_loss() -> None:
    x = exchange()
    place_buy_bracket(x)
    x.set_price(SYM, D(99))
    assert x.set_price(SYM, D("109.99")) == []
    reports = x.set_price(SYM, D(110))
    assert briefs(reports) == [
        ex(2, 100, 110),
        st(2, "Filled", 100, 0),
        com("1.00"),
        st(3, "Cancelled", 0, 0),
    ]
    assert x.set_price(SYM, D(80)) == []
    assert x.orders[3].filled == 0


def test_bracket_stop_loss_fill_cancels_the_take_profit() -> None:
    x = exchange()
    place_buy_bracket(x)
    x.set_price(SYM, D(99))
    assert x.set_price(SYM, D("90.01")) == []
    reports = x.set_price(SYM, D(89))
    assert briefs(reports) == [
        st(3, "Submitted", 0, 100),
        ex(3, 100, 89),
        st(3, "Filled", 100, 0),
        com("1.00"),
        st(2, "Cancelled", 0, 0),
    ]
    assert x.set_price(SYM, D(200)) == []


def test_bracket_with_a_market_parent_activates_children_at_once() -> None:
    x = exchange()
    reports = place_buy_bracket(x, MKT)
    assert briefs(reports) == [
        st(1, "Submitted", 0, 100),
        ex(1, 100, 100),
        st(1, "Filled", 100, 0),
        com("1.00"),
        st(2, "Submitted", 0, 100),
        st(3, "PreSubmitted", 0, 100),
    ]


def test_take_profit_filled_on_placement_cancels_the_later_stop_loss() -> None:
    # A market parent fills at once; a take-profit below the market then fills as it
    # is placed, before the stop-loss arrives. The stop-loss joins an OCA group that
    # is already filled, so it must not become a live order of its own.
    x = exchange()
    parent = order(1)
    take_profit = order(2, SELL, order_type=LMT, limit="99", parent_id=1, oca="b1", tif=GTC)
    stop_loss = order(3, SELL, order_type=STP, stop="95", parent_id=1, oca="b1", tif=GTC)
    assert briefs(x.place_bracket(parent, take_profit, stop_loss)) == [
        st(1, "Submitted", 0, 100),
        ex(1, 100, 100),
        st(1, "Filled", 100, 0),
        com("1.00"),
        st(2, "Submitted", 0, 100),
        ex(2, 100, 100),
        st(2, "Filled", 100, 0),
        com("1.00"),
        st(3, "Cancelled", 0, 0),
    ]
    assert x.set_price(SYM, D(90)) == []
    assert x.orders[3].filled == 0


def test_an_order_joining_a_filled_oca_group_is_cancelled() -> None:
    x = exchange()
    x.place(order(1, oca="g"))
    assert briefs(x.place(order(2, order_type=LMT, limit="90", oca="g"))) == [st(2, "Cancelled")]
    assert briefs(x.place(order(3, order_type=LMT, limit="90", oca="other")))[0] == st(
        3, "Submitted", 0, 100
    )


def test_partial_fill_of_the_parent_keeps_children_waiting() -> None:
    x = exchange()
    place_buy_bracket(x)
    x.fill(1, D(50))
    assert x.set_price(SYM, D(120)) == []
    assert x.orders[2].status == x.orders[3].status == "PreSubmitted"
    # The rest fills at the parent's limit; the take-profit is marketable at 120.
    assert briefs(x.fill(1)) == [
        ex(1, 50, 99),
        st(1, "Filled", 100, 0),
        com("1.00"),
        st(2, "Submitted", 0, 100),
        ex(2, 100, 120),
        st(2, "Filled", 100, 0),
        com("1.00"),
        st(3, "Cancelled", 0, 0),
    ]


def test_cancelling_the_bracket_parent_cancels_the_children() -> None:
    x = exchange()
    place_buy_bracket(x)
    assert briefs(x.cancel(1)) == [st(1, "Cancelled"), st(2, "Cancelled"), st(3, "Cancelled")]
    assert x.set_price(SYM, D(50)) == []


def test_day_bracket_parent_expiry_cancels_the_children() -> None:
    x = exchange()
    place_buy_bracket(x)
    assert briefs(x.end_of_day()) == [st(1, "Cancelled"), st(2, "Cancelled"), st(3, "Cancelled")]


def test_rejected_bracket_parent_cancels_the_children() -> None:
    x = exchange()
    x.reject_next_order(201, "Order rejected - reason: no margin")
    assert briefs(place_buy_bracket(x)) == [
        ("error", 1, 201),
        st(1, "Cancelled"),
        st(2, "Cancelled"),
        st(3, "Cancelled"),
    ]


def test_child_of_an_unknown_or_finished_parent_is_rejected() -> None:
    x = exchange()
    reports = x.place(order(5, SELL, order_type=LMT, limit="110", parent_id=4))
    assert briefs(reports) == [("error", 5, ORDER_REJECTED), st(5, "Cancelled")]
    x.place(order(6, order_type=LMT, limit="90"))
    x.cancel(6)
    reports = x.place(order(7, SELL, order_type=LMT, limit="110", parent_id=6))
    assert briefs(reports) == [("error", 7, ORDER_REJECTED), st(7, "Cancelled")]


def test_oca_group_of_independent_orders() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="95", oca="g"))
    x.place(order(2, order_type=LMT, limit="94", oca="g"))
    x.place(order(3, order_type=LMT, limit="95", oca="other"))
    reports = x.set_price(SYM, D(95))
    assert briefs(reports) == [
        ex(1, 100, 95),
        st(1, "Filled", 100, 0),
        com("1.00"),
        st(2, "Cancelled"),
        ex(3, 100, 95),
        st(3, "Filled", 100, 0),
        com("1.00"),
    ]


# -- rejections, cancels, modifies -----------------------------------------------------


def test_reject_next_order_gives_the_error_then_cancelled() -> None:
    x = exchange()
    x.reject_next_order(201, "Order rejected - reason: insufficient margin")
    reports = x.place(order(1))
    assert len(reports) == 2
    error, status = reports
    assert error == BrokerOrderError(1, 201, "Order rejected - reason: insufficient margin")
    assert brief(status) == st(1, "Cancelled")
    assert x.orders[1].filled == 0
    assert x.orders[1].perm_id != 0
    # Only the next order is rejected.
    assert briefs(x.place(order(2)))[1] == ex(2, 100, 100)


def test_cancel_a_working_order() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="90"))
    assert briefs(x.cancel(1)) == [st(1, "Cancelled")]
    assert x.set_price(SYM, D(80)) == []


def test_cancel_of_a_finished_order_is_error_161() -> None:
    x = exchange()
    x.place(order(1))
    reports = x.cancel(1)
    assert briefs(reports) == [("error", 1, 161)]
    assert CANCEL_NOT_CANCELLABLE == 161
    x.place(order(2, order_type=LMT, limit="90"))
    x.cancel(2)
    assert briefs(x.cancel(2)) == [("error", 2, 161)]


def test_cancel_of_an_unknown_order_is_error_10147() -> None:
    x = exchange()
    reports = x.cancel(42)
    assert briefs(reports) == [("error", 42, 10147)]
    assert CANCEL_NOT_FOUND == 10147
    error = reports[0]
    assert isinstance(error, BrokerOrderError)
    assert "42" in error.message


def test_cancel_all_and_reset() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="90"))
    x.place(order(2))
    x.place(order(3, SELL, order_type=STP, stop="80", symbol="MSFT"))
    x.set_price(SYM, D(101), available=D(5))
    assert briefs(x.cancel_all()) == [st(1, "Cancelled"), st(3, "Cancelled")]
    assert x.reset() == []
    assert x.prices == {}
    assert x.available == {}
    assert x.price(SYM) == DEFAULT_PRICE


def test_modify_a_working_order_changes_its_price() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="90"))
    assert briefs(x.modify(1, D(100), D(95), None, GTC)) == [st(1, "Submitted", 0, 100)]
    assert x.orders[1].limit_price == D(95)
    assert x.orders[1].time_in_force is GTC
    assert x.set_price(SYM, D("95.5")) == []
    assert executions(x.set_price(SYM, D(95)))[0].price == D(95)


def test_modify_can_make_an_order_marketable() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="90"))
    reports = x.modify(1, D(100), D(100), None, DAY)
    assert briefs(reports) == [
        st(1, "Submitted", 0, 100),
        ex(1, 100, 100),
        st(1, "Filled", 100, 0),
        com("1.00"),
    ]


def test_modify_quantity_of_a_partly_filled_order() -> None:
    x = exchange()
    x.place(order(1, order_type=LMT, limit="90"))
    x.fill(1, D(40))
    assert briefs(x.modify(1, D(50), D(90), None, DAY)) == [st(1, "Submitted", 40, 10)]
    with pytest.raises(ExchangeError) as info:
        x.modify(1, D(40), D(90), None, DAY)
    assert info.value.code == ORDER_REJECTED
    assert x.orders[1].quantity == D(50)


def test_modify_a_stop_so_that_it_triggers() -> None:
    x = exchange()
    x.place(order(1, SELL, order_type=STP, stop="90"))
    reports = x.modify(1, D(100), None, D(101), DAY)
    assert briefs(reports)[:3] == [
        st(1, "PreSubmitted", 0, 100),
        st(1, "Submitted", 0, 100),
        ex(1, 100, 100),
    ]


def test_modify_an_inactive_bracket_child_does_not_trade() -> None:
    x = exchange()
    place_buy_bracket(x)
    assert briefs(x.modify(2, D(100), D(50), None, GTC)) == [st(2, "PreSubmitted", 0, 100)]
    assert x.orders[2].filled == 0


@pytest.mark.parametrize("oid", [1, 2, 99])
def test_modify_of_a_finished_or_unknown_order_raises(oid: int) -> None:
    x = exchange()
    x.place(order(1))
    x.place(order(2, order_type=LMT, limit="90"))
    x.cancel(2)
    with pytest.raises(ExchangeError) as info:
        x.modify(oid, D(100), D(100), None, DAY)
    assert info.value.code == CANNOT_MODIFY_FILLED
    assert str(info.value).startswith("IB error 104")


# -- commissions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "price", "expected"),
    [
        ("100", "100", "1.00"),  # $0.50 per share total: the $1.00 minimum applies
        ("1", "100", "1.00"),
        ("200", "25", "1.00"),
        ("1000", "100", "5.00"),  # $0.005 a share
        ("1000", "25", "5.00"),
        ("1000", "0.25", "2.50"),  # cheap shares: capped at 1% of $250
        ("10000", "0.2", "20.00"),  # 1% of $2000 is below $50 per share
        ("333", "100", "1.67"),  # rounded half up to the cent
        ("100", "0.25", "0.25"),  # the 1% cap wins over the $1.00 minimum
    ],
)
def test_default_commission(quantity: str, price: str, expected: str) -> None:
    commission = default_commission(D(quantity), D(price))
    assert commission == D(expected)
    assert commission.as_tuple().exponent == -2


def test_commission_is_per_execution() -> None:
    x = exchange()
    x.place(order(1, quantity="1000", order_type=LMT, limit="90"))
    commissions = [
        r.commission for r in x.fill(1, D(100)) + x.fill(1) if isinstance(r, BrokerCommission)
    ]
    assert commissions == [D("1.00"), D("4.50")]


# -- execution ids and determinism -----------------------------------------------------


def scenario(x: SimulatedExchange) -> list[BrokerReport]:
    out: list[BrokerReport] = []
    out += x.place(order(1))
    out += x.place(order(2, SELL, "50", LMT, limit="101"))
    out += x.set_price(SYM, D("100.5"), available=D(20))
    out += x.place(order(3, quantity="40", tif=IOC))
    out += x.set_price(SYM, D(102))
    parent = order(4, order_type=LMT, limit="100.5")
    tp = order(5, SELL, order_type=LMT, limit="105", parent_id=4, oca="b")
    sl = order(6, SELL, order_type=STP, stop="98", parent_id=4, oca="b")
    out += x.place_bracket(parent, tp, sl)
    out += x.set_price(SYM, D(101))
    out += x.fill(4, D(30))
    out += x.set_price(SYM, D(100))
    out += x.set_price(SYM, D(97))
    out += x.place(order(7, order_type=STP_LMT, stop="99", limit="99.5", tif=GTC))
    out += x.modify(7, D(100), D("99.5"), D("98"), GTC)
    x.reject_next_order(201, "rejected")
    out += x.place(order(8))
    out += x.cancel(8)
    out += x.end_of_day()
    out += x.set_price(SYM, D(99))
    return out


def test_execution_ids_are_unique_and_paired_with_commissions() -> None:
    reports = scenario(exchange())
    execs = executions(reports)
    ids = [e.execution_id for e in execs]
    assert len(ids) == 7
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("S1.") for i in ids)
    commission_ids = [r.execution_id for r in reports if isinstance(r, BrokerCommission)]
    assert commission_ids == ids


def test_execution_ids_differ_between_sessions() -> None:
    first = {e.execution_id for e in executions(scenario(exchange("A")))}
    second = {e.execution_id for e in executions(scenario(exchange("B")))}
    assert first.isdisjoint(second)


def test_the_same_scenario_gives_identical_reports() -> None:
    first = scenario(exchange())
    second = scenario(exchange())
    assert first == second
    assert len(first) > 30


def test_scenario_outcome() -> None:
    x = exchange()
    reports = scenario(x)
    filled = {oid: o.filled for oid, o in x.orders.items()}
    status = {oid: o.status for oid, o in x.orders.items()}
    assert filled == {
        1: D(100),
        2: D(50),
        3: D(20),
        4: D(100),
        5: D(0),
        6: D(100),
        7: D(100),
        8: D(0),
    }
    assert status == {
        1: "Filled",
        2: "Filled",
        3: "Cancelled",
        4: "Filled",
        5: "Cancelled",
        6: "Filled",
        7: "Filled",
        8: "Cancelled",
    }
    # Every execution's cumulative quantity matches the running total of its order.
    running: dict[int, Decimal] = {}
    for e in executions(reports):
        running[e.broker_order_id] = running.get(e.broker_order_id, D(0)) + e.quantity
        assert e.cumulative_quantity == running[e.broker_order_id]
    assert running == {oid: q for oid, q in filled.items() if q}


def test_clock_is_read_for_each_execution() -> None:
    times = iter([T0.replace(second=s) for s in range(10)])

    def clock() -> datetime:
        return next(times)

    x = SimulatedExchange(clock=clock)
    x.place(order(1, order_type=LMT, limit="90"))
    reports = x.place(order(2)) + x.fill(1, D(10)) + x.fill(1)
    assert [e.time.second for e in executions(reports)] == [0, 1, 2]


# -- random scenarios ------------------------------------------------------------------

Op = tuple[str, int, int, int]

ops = hs.lists(
    hs.tuples(
        hs.sampled_from(
            ["price", "price", "place", "place", "bracket", "cancel", "modify", "fill", "eod"]
        ),
        hs.integers(min_value=0, max_value=10_000),
        hs.integers(min_value=0, max_value=10_000),
        hs.integers(min_value=0, max_value=10_000),
    ),
    max_size=25,
)

ORDER_TYPES = [MKT, LMT, STP, STP_LMT]
TIFS = [DAY, GTC, IOC, FOK]


def random_order(oid: int, a: int, b: int) -> SimOrder:
    kind = ORDER_TYPES[a % 4]
    side = BUY if a // 4 % 2 else SELL
    level = D(95 + b % 11)
    return order(
        oid,
        side,
        str(1 + b % 7 * 10),
        kind,
        limit=str(level) if kind.needs_limit_price else None,
        stop=str(level + (1 if side is BUY else -1)) if kind.needs_stop_price else None,
        tif=TIFS[a // 8 % 4],
    )


def random_bracket(x: SimulatedExchange, pid: int, a: int, b: int, c: int) -> list[BrokerReport]:
    side = BUY if a % 2 else SELL
    sign = 1 if side is BUY else -1
    entry = D(95 + b % 11)
    parent = order(pid, side, "50", LMT, limit=str(entry))
    if c % 2:
        parent.order_type, parent.limit_price = MKT, None
    children = [
        order(pid + 1, side.opposite, "50", LMT, limit=str(entry + sign * 3)),
        order(pid + 2, side.opposite, "50", STP, stop=str(entry - sign * 3)),
    ]
    for child in children:
        child.parent_id, child.oca_group, child.time_in_force = pid, f"b{pid}", GTC
    return x.place_bracket(parent, *children)


def random_modify(x: SimulatedExchange, target: int, b: int, c: int) -> list[BrokerReport]:
    o = x.orders[target]
    try:
        return x.modify(
            target,
            o.quantity + b % 3,
            None if o.limit_price is None else D(95 + b % 11),
            None if o.stop_price is None else D(95 + c % 11),
            o.time_in_force,
        )
    except ExchangeError as exc:
        if exc.code not in (CANNOT_MODIFY_FILLED, ORDER_REJECTED):
            raise
        return []


def random_fill(x: SimulatedExchange, target: int, b: int) -> list[BrokerReport]:
    if x.orders[target].parent_id:
        return []  # test control may trade anything; keep brackets market-driven
    try:
        return x.fill(target, D(1 + b % 30))
    except ExchangeError as exc:
        if exc.code not in (CANCEL_NOT_CANCELLABLE, ORDER_REJECTED):
            raise
        return []


def run_ops(x: SimulatedExchange, script: list[Op]) -> list[BrokerReport]:
    out: list[BrokerReport] = []
    next_id = 1
    for name, a, b, c in script:
        if name == "price":
            out += x.set_price(SYM, D(93 + a % 15), None if b % 3 else D(c % 50))
        elif name == "place":
            out += x.place(random_order(next_id, a, b))
            next_id += 1
        elif name == "bracket":
            out += random_bracket(x, next_id, a, b, c)
            next_id += 3
        elif name == "eod":
            out += x.end_of_day()
        elif x.orders:
            ids = sorted(x.orders)
            target = ids[a % len(ids)]
            if name == "cancel":
                out += x.cancel(target)
            elif name == "modify":
                out += random_modify(x, target, b, c)
            else:
                out += random_fill(x, target, b)
    return out


@given(ops)
@example([("bracket", 0, 8, 1), ("price", 14, 1, 0)])  # take-profit fills on placement
def test_random_scenarios_keep_the_book_consistent(script: list[Op]) -> None:
    x = exchange()
    reports = run_ops(x, script)
    cumulative: dict[int, Decimal] = {}
    finished: set[int] = set()
    last_status: dict[int, str] = {}
    filled_oca_groups: set[str] = set()
    for r in reports:
        if isinstance(r, BrokerOrderStatus):
            assert r.status in ("PreSubmitted", "Submitted", "Filled", "Cancelled")
            assert r.broker_order_id not in finished, f"report after the end: {r}"
            assert r.filled == cumulative.get(r.broker_order_id, D(0))
            if r.status in ("Filled", "Cancelled"):
                finished.add(r.broker_order_id)
                assert r.remaining == 0
            else:
                assert r.remaining > 0
            if r.status == "Filled" and x.orders[r.broker_order_id].oca_group:
                filled_oca_groups.add(x.orders[r.broker_order_id].oca_group)
            last_status[r.broker_order_id] = r.status
        elif isinstance(r, BrokerExecution):
            assert r.broker_order_id not in finished
            assert r.quantity > 0
            cumulative[r.broker_order_id] = cumulative.get(r.broker_order_id, D(0)) + r.quantity
            assert r.cumulative_quantity == cumulative[r.broker_order_id]
            o = x.orders[r.broker_order_id]
            if o.parent_id:
                assert x.orders[o.parent_id].status == "Filled"
            # One filled member of an OCA group ends the others.
            assert o.oca_group not in filled_oca_groups, f"OCA sibling traded: {r}"
    for oid, o in x.orders.items():
        assert 0 <= o.filled <= o.quantity
        assert o.filled == cumulative.get(oid, D(0))
        assert last_status.get(oid, o.status) == o.status
        if o.status == "Filled":
            assert o.filled == o.quantity
        elif o.filled == o.quantity:
            # Only OCA reduction shrinks an order down to what it has filled.
            assert o.status == "Cancelled"
            assert o.oca_group
    ids = [e.execution_id for e in executions(reports)]
    assert len(set(ids)) == len(ids)
    # Determinism: the same script on a fresh exchange gives the same reports.
    assert run_ops(exchange(), script) == reports
