"""The simulated account: cash from the journal's trades, and a Reg-T margin model.

- Cash: the starting cash, plus the cash of every journaled trade (sales less purchases
  less commissions). Adjustments (SetPosition) move no cash: they model holdings paid
  for before the starting cash was counted. Every currency counts at par with the
  account's.
- Market value: quantity x price x multiplier at the simulated market's price (at the
  average cost where no price is known). Net liquidation = cash + market values.
- Margin (Reg-T): stocks need 50% of their absolute market value to open (initial) and
  25% to keep (maintenance), long or short alike; every other security type needs 100%.
  Available funds = net liquidation - initial margin; excess liquidity = net
  liquidation - maintenance margin; buying power = available funds / 50% (twice the
  available funds; 0 when they are negative).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from ibkr_gateway.order.models import Contract, SecurityType
from ibkr_gateway.position.models import Position

DEFAULT_STARTING_CASH = Decimal("1000000")
CURRENCY = "USD"
STOCK_INITIAL_MARGIN = Decimal("0.5")
STOCK_MAINTENANCE_MARGIN = Decimal("0.25")
FULL = Decimal(1)
ZERO = Decimal(0)

PriceOf = Callable[[Contract], Decimal | None]


def margin_rates(contract: Contract) -> tuple[Decimal, Decimal]:
    """(initial, maintenance) as fractions of the absolute market value."""
    if contract.sec_type is SecurityType.STOCK:
        return STOCK_INITIAL_MARGIN, STOCK_MAINTENANCE_MARGIN
    return FULL, FULL


@dataclass(frozen=True, slots=True)
class AccountSummary:
    account: str
    currency: str
    cash: Decimal
    net_liquidation: Decimal
    gross_position_value: Decimal
    initial_margin: Decimal
    maintenance_margin: Decimal
    available_funds: Decimal
    excess_liquidity: Decimal
    buying_power: Decimal
    realized_pnl: Decimal
    unrealized_pnl: Decimal


def market_value(position: Position, price: Decimal | None) -> Decimal:
    if price is None:
        return position.holding.cost_basis
    return position.quantity * price * position.multiplier


def summarize(
    account: str, positions: Iterable[Position], starting_cash: Decimal, price_of: PriceOf
) -> AccountSummary:
    """The figures of one account from its positions (closed ones included: their
    trades moved cash and realized P&L)."""
    cash, value, gross, initial, maintenance = starting_cash, ZERO, ZERO, ZERO, ZERO
    realized, unrealized = ZERO, ZERO
    for position in positions:
        cash += position.holding.cash_flow
        realized += position.holding.realized_pnl
        if not position.quantity:
            continue
        worth = market_value(position, price_of(position.contract))
        value += worth
        gross += abs(worth)
        unrealized += worth - position.holding.cost_basis
        initial_rate, maintenance_rate = margin_rates(position.contract)
        initial += abs(worth) * initial_rate
        maintenance += abs(worth) * maintenance_rate
    net = cash + value
    available = net - initial
    return AccountSummary(
        account=account,
        currency=CURRENCY,
        cash=cash,
        net_liquidation=net,
        gross_position_value=gross,
        initial_margin=initial,
        maintenance_margin=maintenance,
        available_funds=available,
        excess_liquidity=net - maintenance,
        buying_power=max(available, ZERO) / STOCK_INITIAL_MARGIN,
        realized_pnl=realized,
        unrealized_pnl=unrealized,
    )
