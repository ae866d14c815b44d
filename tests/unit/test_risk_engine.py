"""RiskEngine.check_order: every price an order names or implies is held to the collar, and
the notional is counted at the highest of them, times a multiplier the caller cannot shrink."""

from __future__ import annotations

import tomllib
from decimal import Decimal

import pytest

from ibkr_gateway.errors import FailedPrecondition
from ibkr_gateway.order.models import Contract, OrderSpec, OrderType, SecurityType, Side
from ibkr_gateway.risk.engine import RiskEngine
from ibkr_gateway.risk.limits import RiskConfig

D = Decimal


def engine(limits: str, reference: str | None = "100") -> RiskEngine:
    config = RiskConfig.parse(tomllib.loads(f"[defaults]\n{limits}"))
    return RiskEngine(config, lambda contract: None if reference is None else D(reference))


def spec(
    order_type: OrderType = OrderType.LIMIT,
    *,
    side: Side = Side.BUY,
    quantity: str = "1",
    contract: Contract | None = None,
    **prices: str,
) -> OrderSpec:
    return OrderSpec(
        client_order_id="r-1",
        account="DU1",
        contract=contract or Contract("AAPL"),
        side=side,
        quantity=D(quantity),
        order_type=order_type,
        **{name: D(value) for name, value in prices.items()},  # type: ignore[arg-type]
    )


def refusal(risk: RiskEngine, order: OrderSpec) -> str:
    with pytest.raises(FailedPrecondition) as caught:
        risk.check_order(order, open_orders=0)
    assert caught.value.metadata["client_order_id"] == order.client_order_id
    return caught.value.reason


COLLAR = 'price_collar_percent = "10"'


@pytest.mark.parametrize(
    ("order", "allowed"),
    [
        (spec(OrderType.TRAILING_STOP, side=Side.SELL, trailing_amount="10"), True),
        (spec(OrderType.TRAILING_STOP, side=Side.SELL, trailing_amount="10.01"), False),
        (spec(OrderType.TRAILING_STOP, side=Side.BUY, trailing_amount="10.01"), False),
        (spec(OrderType.TRAILING_STOP, side=Side.SELL, trailing_percent="10"), True),
        (spec(OrderType.TRAILING_STOP, side=Side.BUY, trailing_percent="10.5"), False),
        # The optional initial stop of a trailing stop is a price like any other.
        (
            spec(OrderType.TRAILING_STOP, side=Side.SELL, trailing_amount="5", stop_price="85"),
            False,
        ),
        (spec(OrderType.STOP, side=Side.SELL, stop_price="90"), True),
        (spec(OrderType.STOP, side=Side.SELL, stop_price="89.99"), False),
        (spec(OrderType.STOP_LIMIT, stop_price="105", limit_price="111"), False),
        (spec(OrderType.LIMIT, limit_price="110"), True),
    ],
)
def test_every_price_an_order_names_or_implies_is_collared(order: OrderSpec, allowed: bool) -> None:
    risk = engine(COLLAR)
    if allowed:
        risk.check_order(order, open_orders=0)
    else:
        assert refusal(risk, order) == "RISK_PRICE_COLLAR"


@pytest.mark.parametrize(
    "order",
    [
        spec(OrderType.LIMIT, limit_price="100"),
        spec(OrderType.STOP, stop_price="100"),
        spec(OrderType.TRAILING_STOP, side=Side.SELL, trailing_percent="1"),
    ],
)
def test_a_collar_without_a_reference_price_refuses_priced_orders(order: OrderSpec) -> None:
    assert refusal(engine(COLLAR, reference=None), order) == "RISK_NO_REFERENCE_PRICE"


def test_a_collar_without_a_reference_price_lets_market_orders_pass() -> None:
    engine(COLLAR, reference=None).check_order(spec(OrderType.MARKET), open_orders=0)


NOTIONAL = 'max_notional = "10000"'


def test_notional_counts_the_highest_price_the_order_may_trade_at() -> None:
    risk = engine(NOTIONAL)
    risk.check_order(spec(quantity="100", limit_price="100"), open_orders=0)
    # A buy limit above the market commits its limit, a buy stop its stop.
    assert refusal(risk, spec(quantity="100", limit_price="100.01")) == "RISK_MAX_NOTIONAL"
    assert (
        refusal(risk, spec(OrderType.STOP, quantity="100", stop_price="101")) == "RISK_MAX_NOTIONAL"
    )
    # Below the market, the market price counts.
    assert refusal(risk, spec(quantity="100.01", limit_price="50")) == "RISK_MAX_NOTIONAL"
    # Without a reference price, the order's own price.
    engine(NOTIONAL, reference=None).check_order(
        spec(quantity="200", limit_price="50"), open_orders=0
    )


@pytest.mark.parametrize(
    "sec_type", [SecurityType.OPTION, SecurityType.FUTURE, SecurityType.FUTURE_OPTION]
)
def test_derivatives_are_counted_with_their_own_multiplier(sec_type: SecurityType) -> None:
    risk = engine(NOTIONAL)
    without = Contract("SPY", sec_type=sec_type)
    assert refusal(risk, spec(contract=without, limit_price="100")) == "RISK_NO_MULTIPLIER"
    hundred = Contract("SPY", sec_type=sec_type, multiplier=D(100))
    risk.check_order(spec(contract=hundred, limit_price="100"), open_orders=0)
    assert (
        refusal(risk, spec(contract=hundred, quantity="1.01", limit_price="100"))
        == "RISK_MAX_NOTIONAL"
    )


def test_without_a_notional_limit_a_derivative_needs_no_multiplier() -> None:
    engine(COLLAR).check_order(
        spec(contract=Contract("SPY", sec_type=SecurityType.OPTION), limit_price="100"),
        open_orders=0,
    )
