"""What-if orders: what an order would do to the simulated account, answered as IB
answers one, with an openOrder whose order state carries the margins and the
commission. Nothing is placed.

The order trades at the market price (market and trailing orders) or at its own limit
or stop price; the margins follow the account's Reg T rates on the gross position value
at the market price, and equity with loan (net liquidation here) loses the commission
and what the trade price gives away against the market.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ibkr_gateway.sim.exchange import default_commission
from ibkr_gateway.sim.tws.account import (
    CURRENCY,
    INITIAL_MARGIN,
    MAINTENANCE_MARGIN,
    Snapshot,
    money,
    multiplier,
)
from ibkr_gateway.sim.tws.executions import Position
from ibkr_gateway.sim.tws.place_order import PlaceOrder

_AT_MARKET = ("MKT", "TRAIL")


@dataclass(frozen=True, slots=True)
class WhatIfState:
    """The order state fields of a what-if answer, as IB's text: before, change, after."""

    initial_margin: tuple[str, str, str]
    maintenance_margin: tuple[str, str, str]
    equity_with_loan: tuple[str, str, str]
    commission: Decimal
    currency: str = CURRENCY


def _triple(before: Decimal, after: Decimal) -> tuple[str, str, str]:
    return money(before), money(after - before), money(after)


def what_if_state(
    request: PlaceOrder,
    account: str,
    snapshot: Snapshot,
    positions: Iterable[Position],
    market: Decimal,
) -> WhatIfState:
    o, c = request.order, request.contract
    price = market
    if o.order_type not in _AT_MARKET:
        price = o.lmt_price or o.aux_price or market
    commission = default_commission(o.total_quantity, price)
    mult = multiplier(c)
    signed = o.total_quantity if o.action == "BUY" else -o.total_quantity
    held = sum(
        (
            p.quantity
            for p in positions
            if p.account == account
            and (p.contract.con_id == c.con_id if c.con_id else p.contract.symbol == c.symbol)
        ),
        Decimal(0),
    )
    gross = snapshot.gross_position_value
    gross_after = gross - abs(held * market * mult) + abs((held + signed) * market * mult)
    equity = snapshot.net_liquidation
    equity_after = equity - commission + signed * (market - price) * mult
    return WhatIfState(
        initial_margin=_triple(gross * INITIAL_MARGIN, gross_after * INITIAL_MARGIN),
        maintenance_margin=_triple(gross * MAINTENANCE_MARGIN, gross_after * MAINTENANCE_MARGIN),
        equity_with_loan=_triple(equity, equity_after),
        commission=commission,
    )
