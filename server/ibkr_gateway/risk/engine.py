"""Checks an order against its account's limits before it can reach the broker."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from decimal import Decimal

from ibkr_gateway.errors import FailedPrecondition, ResourceExhausted
from ibkr_gateway.order.models import Contract, OrderSpec
from ibkr_gateway.risk.limits import RiskConfig

ReferencePrice = Callable[[Contract], Decimal | None]


def _refuse(reason: str, message: str, **metadata: object) -> FailedPrecondition:
    return FailedPrecondition(
        message, reason=reason, metadata={k: str(v) for k, v in metadata.items()}
    )


class RiskEngine:
    def __init__(
        self,
        config: RiskConfig,
        reference_price: ReferencePrice,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.reference_price = reference_price
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

    def check_order(self, spec: OrderSpec, open_orders: int) -> None:
        """Raises FailedPrecondition naming the first limit the order breaks."""
        limits = self.config.for_account(spec.account)
        symbol, sec_type = spec.contract.symbol, spec.contract.sec_type
        if limits.allowed_symbols is not None and symbol not in limits.allowed_symbols:
            raise _refuse(
                "RISK_SYMBOL_NOT_ALLOWED",
                f"{symbol} is not allowed for {spec.account}",
                symbol=symbol,
            )
        if limits.allowed_sec_types is not None and sec_type not in limits.allowed_sec_types:
            raise _refuse(
                "RISK_SEC_TYPE_NOT_ALLOWED",
                f"security type {sec_type.value} is not allowed for {spec.account}",
                sec_type=sec_type.value,
            )
        if limits.max_quantity is not None and spec.quantity > limits.max_quantity:
            raise _refuse(
                "RISK_MAX_QUANTITY",
                f"quantity {spec.quantity} exceeds the limit {limits.max_quantity}",
                limit=limits.max_quantity,
                quantity=spec.quantity,
            )
        if limits.max_open_orders is not None and open_orders >= limits.max_open_orders:
            raise _refuse(
                "RISK_MAX_OPEN_ORDERS",
                f"{spec.account} already has {open_orders} open orders",
                limit=limits.max_open_orders,
            )
        reference = self.reference_price(spec.contract)
        order_price = spec.limit_price or spec.stop_price
        if limits.price_collar_percent is not None and reference and order_price is not None:
            for price in (p for p in (spec.limit_price, spec.stop_price) if p is not None):
                distance = abs(price - reference) / reference * 100
                if distance > limits.price_collar_percent:
                    raise _refuse(
                        "RISK_PRICE_COLLAR",
                        f"price {price} is {distance:.2f}% from the reference {reference}; "
                        f"the collar is {limits.price_collar_percent}%",
                        limit=limits.price_collar_percent,
                        reference=reference,
                        price=price,
                    )
        if limits.max_notional is not None:
            basis = reference or order_price
            if basis is None:
                raise _refuse(
                    "RISK_NO_REFERENCE_PRICE",
                    "no reference price to check the notional limit against",
                    symbol=symbol,
                )
            multiplier = spec.contract.multiplier or Decimal(1)
            notional = spec.quantity * basis * multiplier
            if notional > limits.max_notional:
                raise _refuse(
                    "RISK_MAX_NOTIONAL",
                    f"notional {notional} exceeds the limit {limits.max_notional}",
                    limit=limits.max_notional,
                    notional=notional,
                )
