"""IB's positions, account summary and what-if answers in the broker port's terms."""

from __future__ import annotations

from decimal import Decimal

from ib_async import AccountValue, Option, OrderState, Position, Stock

from ibkr_gateway.ib.account import account_summary, broker_position, what_if_estimate
from ibkr_gateway.ib.translate import UNSET_DOUBLE
from ibkr_gateway.order.models import SecurityType

D = Decimal


def test_a_stock_position_leaves_out_a_multiplier_of_one() -> None:
    stock = Stock("AAPL", "", "USD")
    stock.conId, stock.multiplier = 265598, "1"
    held = broker_position(Position("DU1", stock, 100.0, 100.01))
    assert (held.account, held.quantity, held.average_cost) == ("DU1", D(100), D("100.01"))
    assert (held.contract.con_id, held.contract.multiplier) == (265598, None)
    option = Option("AAPL", "20250117", 150.0, "C", "", multiplier="100", currency="USD")
    short = broker_position(Position("DU1", option, -2.0, 250.5))
    assert (short.contract.sec_type, short.contract.multiplier) == (SecurityType.OPTION, D(100))
    assert (short.quantity, short.contract.strike) == (D(-2), D(150))


def test_the_summary_is_the_accounts_in_its_currency() -> None:
    rows = [
        AccountValue("DU1", "NetLiquidation", "1000999.00", "USD", ""),
        AccountValue("DU1", "TotalCashValue", "989999.00", "USD", ""),
        AccountValue("DU1", "BuyingPower", "3981996.00", "USD", ""),
        AccountValue("DU1", "RealizedPnL", "12.50", "USD", ""),
        AccountValue("DU1", "RealizedPnL", "11.00", "EUR", ""),  # another currency's ledger
        AccountValue("DU1", "UnrealizedPnL", "", "USD", ""),
        AccountValue("DU2", "NetLiquidation", "5.00", "USD", ""),
    ]
    summary = account_summary("DU1", rows)
    assert (summary.account, summary.currency) == ("DU1", "USD")
    assert (summary.net_liquidation, summary.cash, summary.buying_power) == (
        D("1000999.00"),
        D("989999.00"),
        D("3981996.00"),
    )
    assert (summary.realized_pnl, summary.unrealized_pnl, summary.initial_margin) == (
        D("12.50"),
        None,
        None,
    )
    assert account_summary("DU9", rows).net_liquidation is None


def test_a_what_if_answer_keeps_what_ib_set() -> None:
    state = OrderState(
        status="PreSubmitted",
        initMarginBefore="500.00",
        initMarginAfter="5500.00",
        maintMarginBefore="250.00",
        maintMarginAfter="2750.00",
        equityWithLoanBefore="999999.00",
        equityWithLoanAfter="1.7976931348623157E308",  # IB's unset double
        commission=1.0,
        minCommission=UNSET_DOUBLE,
        maxCommission=UNSET_DOUBLE,
        commissionCurrency="USD",
        warningText="",
    )
    estimate = what_if_estimate(state)
    assert (estimate.commission, estimate.min_commission, estimate.currency) == (D(1), None, "USD")
    assert (estimate.initial_margin_before, estimate.initial_margin_after) == (
        D("500.00"),
        D("5500.00"),
    )
    assert (estimate.equity_with_loan_before, estimate.equity_with_loan_after) == (
        D("999999.00"),
        None,
    )
