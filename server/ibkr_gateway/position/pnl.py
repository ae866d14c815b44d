"""Average-cost position arithmetic, as IB reports positions.

A holding keeps signed totals, so that nothing is divided until a position is reduced:

- quantity: positive long, negative short.
- cost_basis: what the open quantity cost, opening commissions included, signed like the
  quantity: a buy of 100 at 100 with 1.00 commission costs 10001; a short sale of 100 at
  100 with 1.00 commission is a cost basis of -9999 (proceeds less commission).
  average_cost = cost_basis / quantity is IB's avgCost (times the multiplier).
- price_basis: the same without commissions; average_price = price_basis / quantity /
  multiplier is the average execution price of the open quantity.

A trade in the position's direction (or from flat) adds to both bases. A trade against
it closes min(|trade|, |position|) units: they take their share of the cost basis
(cost_basis x closed / |quantity|), and realize proceeds less that share less the
closing part's commission. What is left of a trade larger than the position opens a
position the other way, with the rest of the commission in its cost. Every trade moves
cash by -quantity x price x multiplier - commission.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from ibkr_gateway.copying import replace_fields

# Shares of a cost basis or of a commission are rounded to this, half to even; the
# rounded share is what both sides of the split see, so nothing is lost or made.
AMOUNT_QUANTUM = Decimal("1e-8")
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Holding:
    quantity: Decimal = ZERO
    cost_basis: Decimal = ZERO
    price_basis: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    commissions: Decimal = ZERO
    # Sales less purchases less commissions of every trade since the journal began.
    cash_flow: Decimal = ZERO

    def average_cost(self) -> Decimal | None:
        if not self.quantity:
            return None
        return (self.cost_basis / self.quantity).quantize(AMOUNT_QUANTUM, ROUND_HALF_EVEN)

    def average_price(self, multiplier: Decimal) -> Decimal | None:
        if not self.quantity:
            return None
        average = self.price_basis / (self.quantity * multiplier)
        return average.quantize(AMOUNT_QUANTUM, ROUND_HALF_EVEN)

    def unrealized_pnl(self, price: Decimal, multiplier: Decimal) -> Decimal:
        return self.quantity * price * multiplier - self.cost_basis

    def evolve(self, **changes: object) -> Holding:
        return replace_fields(self, changes)


def _share(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    return (amount * part / whole).quantize(AMOUNT_QUANTUM, ROUND_HALF_EVEN)


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


def trade(
    holding: Holding,
    quantity: Decimal,
    price: Decimal,
    commission: Decimal,
    multiplier: Decimal = Decimal(1),
) -> tuple[Holding, Decimal]:
    """The holding after a trade of signed `quantity` (buy > 0, sell < 0) at `price`,
    and the P&L the trade realized."""
    if not quantity:
        raise ValueError("a trade has a quantity")
    position = holding.quantity
    realized = ZERO
    cost_basis, price_basis = holding.cost_basis, holding.price_basis
    opening, opening_commission = quantity, commission
    if position and _sign(position) != _sign(quantity):
        closed = min(abs(quantity), abs(position))
        if closed == abs(position):
            cost_share, price_share = cost_basis, price_basis
        else:
            cost_share = _share(cost_basis, closed, abs(position))
            price_share = _share(price_basis, closed, abs(position))
        closing_commission = (
            commission if closed == abs(quantity) else _share(commission, closed, abs(quantity))
        )
        # Closing a long sells (proceeds in), closing a short buys (cost out).
        proceeds = closed * price * multiplier * _sign(position)
        realized = proceeds - cost_share - closing_commission
        cost_basis -= cost_share
        price_basis -= price_share
        opening = quantity + closed * _sign(position)
        opening_commission = commission - closing_commission
    if opening:
        cost_basis += opening * price * multiplier + opening_commission
        price_basis += opening * price * multiplier
    after = Holding(
        quantity=position + quantity,
        cost_basis=cost_basis,
        price_basis=price_basis,
        realized_pnl=holding.realized_pnl + realized,
        commissions=holding.commissions + commission,
        cash_flow=holding.cash_flow - quantity * price * multiplier - commission,
    )
    return after, realized
