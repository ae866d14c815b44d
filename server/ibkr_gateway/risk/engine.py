"""Checks an order against its account's limits before it can reach the broker."""

from __future__ import annotations

import collections
import functools
import time
from collections.abc import Callable
from decimal import Decimal

from ibkr_gateway.errors import FailedPrecondition, ResourceExhausted
from ibkr_gateway.order.models import Contract, OrderSpec, Side
from ibkr_gateway.order.validation import MULTIPLIED_TYPES
from ibkr_gateway.risk.limits import AccountLimits, RiskConfig
from ibkr_gateway.risk.positions import Exposure, position_checks
from ibkr_gateway.risk.refusal import refuse as _refuse

ReferencePrice = Callable[[Contract], Decimal | None]


class RiskEngine:
    def __init__(
        self,
        config: RiskConfig,
        reference_price: ReferencePrice,
        clock: Callable[[], float] = time.monotonic,
        exposure: Exposure | None = None,
    ) -> None:
        """`exposure`: positions and working orders, for the position limits (which
        are not checked without it)."""
        self.config = config
        self.reference_price = reference_price
        self.exposure = exposure
        self._clock = clock
        self._recent: dict[str, collections.deque[float]] = {}

    def check_rate(self, caller: str) -> None:
        """At most orders_per_second submissions per caller in any one-second window."""
        limit = self.config.orders_per_second
        if limit is None:
            return
        now = self._clock()
        recent = self._recent.setdefault(caller, collections.deque())
        while recent and now - recent[0] >= 1.0:
            recent.popleft()
        if len(recent) >= limit:
            raise ResourceExhausted(
                f"{caller!r} may submit at most {limit} orders a second",
                reason="RISK_ORDER_RATE",
                metadata={"limit": str(limit)},
            )
        recent.append(now)

    def check_order(self, spec: OrderSpec, open_orders: int, *, contingent: bool = False) -> None:
        """Raises FailedPrecondition naming the first limit the order breaks. A
        `contingent` order (a bracket child) trades only against its parent's fill: the
        position limits are the parent's to meet."""
        for check in self._checks(spec, open_orders, contingent=contingent):
            check()

    def breaches(self, spec: OrderSpec, open_orders: int) -> list[FailedPrecondition]:
        """Every limit the order breaks (check_order raises the first)."""
        found: list[FailedPrecondition] = []
        for check in self._checks(spec, open_orders, contingent=False):
            try:
                check()
            except FailedPrecondition as exc:
                found.append(exc)
        return found

    def _checks(
        self, spec: OrderSpec, open_orders: int, *, contingent: bool
    ) -> list[Callable[[], None]]:
        limits = self.config.for_account(spec.account)
        reference = self.reference_price(spec.contract) or None
        prices = order_prices(spec, reference)
        checks: list[Callable[[], None]] = [
            functools.partial(_check_symbol, spec, limits),
            functools.partial(_check_sec_type, spec, limits),
            functools.partial(_check_quantity, spec, limits),
            functools.partial(_check_open_orders, spec, limits, open_orders),
        ]
        if limits.price_collar_percent is not None:
            checks.append(
                functools.partial(
                    _check_collar, spec, limits.price_collar_percent, reference, prices
                )
            )
        if limits.max_notional is not None:
            checks.append(
                functools.partial(_check_notional, spec, limits.max_notional, reference, prices)
            )
        if self.exposure is not None and not contingent and limits.limits_positions:
            checks += position_checks(spec, limits, self.exposure, self.reference_price, prices)
        return checks


def _check_symbol(spec: OrderSpec, limits: AccountLimits) -> None:
    symbol = spec.contract.symbol
    if limits.allowed_symbols is not None and symbol not in limits.allowed_symbols:
        raise _refuse(
            "RISK_SYMBOL_NOT_ALLOWED",
            f"{symbol} is not allowed for {spec.account}",
            client_order_id=spec.client_order_id,
            symbol=symbol,
        )


def _check_sec_type(spec: OrderSpec, limits: AccountLimits) -> None:
    sec_type = spec.contract.sec_type
    if limits.allowed_sec_types is not None and sec_type not in limits.allowed_sec_types:
        raise _refuse(
            "RISK_SEC_TYPE_NOT_ALLOWED",
            f"security type {sec_type.value} is not allowed for {spec.account}",
            client_order_id=spec.client_order_id,
            sec_type=sec_type.value,
        )


def _check_quantity(spec: OrderSpec, limits: AccountLimits) -> None:
    if limits.max_quantity is not None and spec.quantity > limits.max_quantity:
        raise _refuse(
            "RISK_MAX_QUANTITY",
            f"quantity {spec.quantity} exceeds the limit {limits.max_quantity}",
            client_order_id=spec.client_order_id,
            limit=limits.max_quantity,
            quantity=spec.quantity,
        )


def _check_open_orders(spec: OrderSpec, limits: AccountLimits, open_orders: int) -> None:
    if limits.max_open_orders is not None and open_orders >= limits.max_open_orders:
        raise _refuse(
            "RISK_MAX_OPEN_ORDERS",
            f"{spec.account} already has {open_orders} open orders",
            client_order_id=spec.client_order_id,
            limit=limits.max_open_orders,
        )


def _check_collar(
    spec: OrderSpec, collar: Decimal, reference: Decimal | None, prices: list[Decimal]
) -> None:
    if not prices and not spec.order_type.trails:
        return
    refuse = functools.partial(_refuse, client_order_id=spec.client_order_id)
    if reference is None:
        # A collar that cannot be checked must not let the order through.
        raise refuse(
            "RISK_NO_REFERENCE_PRICE",
            "no reference price to check the price collar against",
            symbol=spec.contract.symbol,
        )
    for price in prices:
        distance = abs(price - reference) / reference * 100
        if distance > collar:
            raise refuse(
                "RISK_PRICE_COLLAR",
                f"price {price} is {distance:.2f}% from the reference {reference}; "
                f"the collar is {collar}%",
                limit=collar,
                reference=reference,
                price=price,
            )


def _check_notional(
    spec: OrderSpec, limit: Decimal, reference: Decimal | None, prices: list[Decimal]
) -> None:
    refuse = functools.partial(_refuse, client_order_id=spec.client_order_id)
    candidates = [p for p in (reference, *prices) if p is not None]
    if not candidates:
        raise refuse(
            "RISK_NO_REFERENCE_PRICE",
            "no reference price to check the notional limit against",
            symbol=spec.contract.symbol,
        )
    sec_type = spec.contract.sec_type
    multiplier = spec.contract.multiplier
    if multiplier is None:
        if sec_type in MULTIPLIED_TYPES:
            # A guessed multiplier could be far below the contract's own.
            raise refuse(
                "RISK_NO_MULTIPLIER",
                f"a {sec_type.value} order needs contract.multiplier to be checked "
                "against the notional limit",
                sec_type=sec_type.value,
            )
        multiplier = Decimal(1)
    # The highest price the order may trade at: a buy limit above the market still
    # commits its limit, a buy stop its stop.
    notional = spec.quantity * max(candidates) * multiplier
    if notional > limit:
        raise refuse(
            "RISK_MAX_NOTIONAL",
            f"notional {notional} exceeds the limit {limit}",
            limit=limit,
            notional=notional,
        )


def order_prices(spec: OrderSpec, reference: Decimal | None) -> list[Decimal]:
    """Every price the order names or implies: its limit and stop (or trigger) prices,
    and for a trailing type the stop its trailing distance sets off the reference price
    (and the limit its limit offset sets off that stop)."""
    prices = [p for p in (spec.limit_price, spec.stop_price) if p is not None]
    if spec.order_type.trails and reference is not None:
        if spec.trailing_amount is not None:
            distance = spec.trailing_amount
        elif spec.trailing_percent is not None:
            distance = reference * spec.trailing_percent / 100
        else:
            distance = Decimal(0)
        # A sell stop trails below the market, a buy stop above it; a limit sits beyond.
        sign = -1 if spec.side is Side.SELL else 1
        stop = reference + sign * distance
        prices.append(stop)
        if spec.limit_offset is not None:
            prices.append(stop + sign * spec.limit_offset)
    return prices
