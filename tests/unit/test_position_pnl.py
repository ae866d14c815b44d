"""Average-cost arithmetic of positions: buys, partial sells, flips, commissions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ibkr_gateway.position.pnl import Holding, trade

D = Decimal


def run(*trades: tuple[str, str, str] | tuple[str, str, str, str]) -> tuple[Holding, list[D]]:
    """Trades as (signed quantity, price, commission[, multiplier]) from flat."""
    holding, realized = Holding(), []
    for t in trades:
        multiplier = D(t[3]) if len(t) == 4 else D(1)
        holding, r = trade(holding, D(t[0]), D(t[1]), D(t[2]), multiplier)
        realized.append(r)
    return holding, realized


def test_a_buy_puts_its_commission_into_the_cost() -> None:
    holding, realized = run(("100", "100", "1"))
    assert realized == [0]
    assert holding.quantity == 100
    assert holding.average_cost() == D("100.01")
    assert holding.average_price(D(1)) == 100
    assert holding.cash_flow == D(-10001)
    assert holding.commissions == 1


def test_a_partial_sell_realizes_against_the_average_cost() -> None:
    holding, realized = run(("100", "100", "1"), ("-40", "110", "1"))
    # 40 x (110 - 100.01) - 1.00
    assert realized[-1] == D("398.6")
    assert holding.quantity == 60
    assert holding.average_cost() == D("100.01")
    assert holding.cost_basis == D("6000.6")
    assert holding.realized_pnl == D("398.6")
    assert holding.cash_flow == D(-10001 + 4400 - 1)
    assert holding.unrealized_pnl(D(110), D(1)) == D("599.4")


def test_a_sell_without_commission_realizes_the_price_difference() -> None:
    _, realized = run(("100", "100", "0"), ("-40", "110", "0"))
    assert realized[-1] == 400


def test_buying_more_averages_the_cost() -> None:
    holding, _ = run(("10", "100", "1"), ("10", "101", "1"))
    assert holding.average_cost() == D("100.6")
    assert holding.average_price(D(1)) == D("100.5")


def test_closing_completely_leaves_no_cost() -> None:
    holding, realized = run(("10", "100", "1"), ("-10", "105", "1"))
    assert realized[-1] == D(50 - 1 - 1)
    assert holding == Holding(
        quantity=D(0),
        cost_basis=D(0),
        price_basis=D(0),
        realized_pnl=D(48),
        commissions=D(2),
        cash_flow=D(48),
    )
    assert holding.average_cost() is None


def test_a_flip_closes_the_long_and_opens_a_short_with_the_rest_of_the_commission() -> None:
    holding, realized = run(("100", "100", "1"), ("-150", "110", "1.5"))
    # Closing 100: 11000 - 10001 - 1.00 (two thirds of 1.50).
    assert realized[-1] == D(998)
    assert holding.quantity == -50
    # Short 50 at 110 less the last 0.50: proceeds of 109.99 a share.
    assert holding.average_cost() == D("109.99")
    assert holding.average_price(D(1)) == D(110)
    assert holding.unrealized_pnl(D(100), D(1)) == D("499.5")


def test_a_short_covered_at_a_lower_price_gains() -> None:
    holding, realized = run(("-100", "100", "1"), ("40", "90", "1"))
    assert realized[-1] == D("398.6")  # 40 x (99.99 - 90) - 1.00
    assert holding.quantity == -60
    assert holding.average_cost() == D("99.99")


def test_the_multiplier_scales_cost_and_pnl() -> None:
    holding, realized = run(("2", "3.5", "1.3", "100"), ("-1", "4", "0.65", "100"))
    assert holding.average_cost() == D("350.65")  # IB's avgCost of an option
    assert holding.average_price(D(100)) == D("3.5")
    assert realized[-1] == D(400) - D("350.65") - D("0.65")


def test_a_trade_needs_a_quantity() -> None:
    with pytest.raises(ValueError, match="quantity"):
        trade(Holding(), D(0), D(1), D(0))


amounts = st.decimals(min_value=D("0.01"), max_value=D(1000), places=2)
quantities = st.integers(min_value=-500, max_value=500).filter(bool).map(D)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(quantities, amounts, amounts), min_size=1, max_size=12))
def test_money_is_neither_lost_nor_made(trades: list[tuple[D, D, D]]) -> None:
    """Cash paid equals P&L realized less the cost still held; the quantity is the sum."""
    holding = Holding()
    for quantity, price, commission in trades:
        holding, _ = trade(holding, quantity, price, commission)
    assert holding.cash_flow == holding.realized_pnl - holding.cost_basis
    assert holding.quantity == sum(q for q, _, _ in trades)
    assert holding.commissions == sum(c for _, _, c in trades)
    if not holding.quantity:
        assert holding.cost_basis == holding.price_basis == 0
