"""The simulated exchange: matching, time in force, test control, errors, commissions."""

from __future__ import annotations

import pytest

from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerOrderError,
    BrokerOrderStatus,
)
from ibkr_gateway.order.models import Side, TimeInForce
from ibkr_gateway.sim.exchange import (
    CANCEL_NOT_CANCELLABLE,
    CANCEL_NOT_FOUND,
    CANNOT_MODIFY_FILLED,
    DEFAULT_PRICE,
    ORDER_REJECTED,
    ExchangeError,
    SimulatedExchange,
    default_commission,
)
from tests.unit.exchange_support import (
    BUY,
    DAY,
    FOK,
    GTC,
    IOC,
    LMT,
    SELL,
    STP,
    STP_LMT,
    SYM,
    T0,
    D,
    brief,
    briefs,
    com,
    ex,
    exchange,
    executions,
    order,
    place_buy_bracket,
    st,
)

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
