"""What an order would do, without placing it: estimated price and commission, the
position it would leave, the simulated account before and after, the limits it breaks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ibkr_gateway.errors import FailedPrecondition
from ibkr_gateway.order.models import OrderSpec, OrderType, Side
from ibkr_gateway.position.account import AccountSummary, PriceOf, summarize
from ibkr_gateway.position.book import PositionBook
from ibkr_gateway.position.models import Position, contract_key
from ibkr_gateway.position.pnl import Holding, trade

Commission = Callable[[Decimal, Decimal], Decimal]


@dataclass(frozen=True, slots=True)
class Preview:
    spec: OrderSpec
    price: Decimal | None
    commission: Decimal | None
    position_before: Decimal
    position_after: Decimal
    account_before: AccountSummary | None
    account_after: AccountSummary | None
    breaches: list[FailedPrecondition]


# Trade at the market once they trade (a trailing stop-limit's limit follows the market).
_AT_MARKET = frozenset(
    {
        OrderType.MARKET,
        OrderType.TRAILING_STOP,
        OrderType.TRAILING_STOP_LIMIT,
        OrderType.MARKET_ON_CLOSE,
        OrderType.OTHER,
    }
)


def estimated_price(spec: OrderSpec, market: Decimal | None) -> Decimal | None:
    """Where the order would trade: at the market when it is marketable (or becomes a
    market order), else at its own limit; a stop at its stop price, an if-touched order
    at its trigger; a pegged order at the market within its cap."""
    kind = spec.order_type
    if kind in _AT_MARKET or (kind.pegged and spec.limit_price is None):
        return market
    if kind in (OrderType.STOP, OrderType.MARKET_IF_TOUCHED):
        return spec.stop_price
    limit = spec.limit_price
    if (
        kind in (OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED)
        or market is None
        or limit is None
    ):
        return limit
    marketable = market <= limit if spec.side is Side.BUY else market >= limit
    return market if marketable else limit


class OrderPreview:
    def __init__(
        self,
        checked_spec: Callable[[OrderSpec], OrderSpec],
        breaches: Callable[[OrderSpec], list[FailedPrecondition]],
        book: PositionBook,
        price_of: PriceOf,
        clock: Callable[[], datetime],
        *,
        starting_cash: Decimal | None,
        commission: Commission | None,
    ) -> None:
        """`starting_cash` and `commission`: the simulated account's and exchange's, None
        where there are none (backend ib)."""
        self._checked_spec = checked_spec
        self._breaches = breaches
        self._book = book
        self._price_of = price_of
        self._clock = clock
        self._starting_cash = starting_cash
        self._commission = commission

    def preview(self, spec: OrderSpec) -> Preview:
        """InvalidArgument for an order SubmitOrder would refuse as invalid."""
        spec = self._checked_spec(spec)
        price = estimated_price(spec, self._price_of(spec.contract))
        commission = None
        if self._commission is not None and price is not None:
            commission = self._commission(spec.quantity, price)
        positions = self._book.positions([spec.account])
        key = contract_key(spec.contract)
        current = next((p for p in positions if p.key[1] == key), None) or Position(
            spec.account, spec.contract, Holding(), self._clock()
        )
        signed = spec.quantity if spec.side is Side.BUY else -spec.quantity
        before, after = None, None
        cash = self._starting_cash
        if cash is not None:
            before = summarize(spec.account, positions, cash, self._price_of)
            if price is not None:
                holding, _ = trade(
                    current.holding, signed, price, commission or Decimal(0), current.multiplier
                )
                others = [p for p in positions if p.key[1] != key]
                moved = [*others, current.evolve(holding=holding)]
                after = summarize(spec.account, moved, cash, self._price_of)
        return Preview(
            spec=spec,
            price=price,
            commission=commission,
            position_before=current.quantity,
            position_after=current.quantity + signed,
            account_before=before,
            account_after=after,
            breaches=self._breaches(spec),
        )
