"""The simulated account's figures: cash from trades, Reg-T margin, buying power."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ibkr_gateway.order.models import Contract, SecurityType
from ibkr_gateway.position.account import summarize
from ibkr_gateway.position.models import Position
from ibkr_gateway.position.pnl import Holding, trade

D = Decimal
T0 = datetime(2024, 5, 1, tzinfo=UTC)
CASH = D(1_000_000)


def position(
    symbol: str, *trades: tuple[str, str, str], contract: Contract | None = None
) -> Position:
    holding = Holding()
    c = contract or Contract(symbol)
    for quantity, price, commission in trades:
        holding, _ = trade(holding, D(quantity), D(price), D(commission), c.multiplier or D(1))
    return Position("DU1", c, holding, T0)


def test_a_fresh_account_has_its_starting_cash_and_twice_that_buying_power() -> None:
    s = summarize("DU1", [], CASH, lambda c: None)
    assert (s.cash, s.net_liquidation, s.buying_power) == (CASH, CASH, 2 * CASH)
    assert (s.initial_margin, s.maintenance_margin, s.excess_liquidity) == (D(0), D(0), CASH)
    assert s.currency == "USD"


def test_a_long_stock_needs_half_its_value_to_open_and_a_quarter_to_keep() -> None:
    aapl = position("AAPL", ("100", "100", "1"), ("-40", "110", "1"))
    s = summarize("DU1", [aapl], CASH, lambda c: D(120))
    assert s.cash == CASH - 10001 + 4400 - 1
    assert s.gross_position_value == 7200
    assert s.net_liquidation == s.cash + 7200
    assert s.initial_margin == 3600
    assert s.maintenance_margin == 1800
    assert s.available_funds == s.net_liquidation - 3600
    assert s.excess_liquidity == s.net_liquidation - 1800
    assert s.buying_power == 2 * s.available_funds
    assert s.realized_pnl == D("398.6")
    assert s.unrealized_pnl == 7200 - D("6000.6")


def test_a_short_stock_counts_its_absolute_value_for_margin() -> None:
    short = position("MSFT", ("-10", "300", "1"))
    s = summarize("DU1", [short], CASH, lambda c: D(310))
    assert s.cash == CASH + 3000 - 1
    assert s.gross_position_value == 3100
    assert s.net_liquidation == CASH + 3000 - 1 - 3100
    assert s.initial_margin == 1550
    assert s.unrealized_pnl == D(-101)


def test_other_security_types_need_their_whole_value() -> None:
    option = Contract(
        "SPY", sec_type=SecurityType.OPTION, strike=D(500), right="C", multiplier=D(100)
    )
    s = summarize(
        "DU1", [position("SPY", ("2", "3", "1.3"), contract=option)], CASH, lambda c: D(4)
    )
    assert s.gross_position_value == 800
    assert s.initial_margin == s.maintenance_margin == 800


def test_closed_positions_keep_their_cash_and_realized_pnl() -> None:
    closed = position("AAPL", ("10", "100", "1"), ("-10", "105", "1"))
    s = summarize("DU1", [closed], CASH, lambda c: D(200))
    assert s.cash == CASH + 48
    assert s.realized_pnl == 48
    assert s.gross_position_value == 0


def test_without_a_price_a_position_is_worth_its_cost() -> None:
    s = summarize("DU1", [position("AAPL", ("10", "100", "1"))], CASH, lambda c: None)
    assert s.gross_position_value == 1001
    assert s.unrealized_pnl == 0


def test_buying_power_is_never_negative() -> None:
    s = summarize("DU1", [position("AAPL", ("1000", "100", "1"))], D(10), lambda c: D(100))
    assert s.available_funds < 0
    assert s.buying_power == 0
