"""The simulated exchange: brackets and OCA groups."""

from __future__ import annotations

from ibkr_gateway.sim.exchange import (
    ORDER_REJECTED,
)
from tests.unit.exchange_support import (
    GTC,
    LMT,
    MKT,
    SELL,
    STP,
    SYM,
    D,
    briefs,
    com,
    ex,
    exchange,
    executions,
    order,
    place_buy_bracket,
    st,
)

# -- brackets and OCA ------------------------------------------------------------------


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
