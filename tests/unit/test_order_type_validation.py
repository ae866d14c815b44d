"""Required and forbidden fields of each order type, iceberg, hidden and algo orders."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from ibkr_gateway.errors import FieldViolation
from ibkr_gateway.order.models import (
    AdaptiveAlgo,
    Contract,
    OrderSpec,
    OrderType,
    Side,
    TimeInForce,
    TwapAlgo,
    VwapAlgo,
)
from ibkr_gateway.order.validation import validate_spec

T = OrderType
NINE = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
TEN = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)


def spec(order_type: OrderType, **fields: object) -> OrderSpec:
    base = OrderSpec(
        client_order_id="c-1",
        account="DU123456",
        contract=Contract(symbol="AAPL"),
        side=Side.BUY,
        quantity=D("100"),
        order_type=order_type,
    )
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


def violations(s: OrderSpec) -> dict[str, str]:
    found: list[FieldViolation] = validate_spec(s)
    return {v.field: v.description for v in found}


VALID = [
    spec(T.TRAILING_STOP_LIMIT, trailing_amount=D("1"), limit_offset=D("0.1")),
    spec(T.TRAILING_STOP_LIMIT, trailing_percent=D("2"), limit_offset=D("0"), stop_price=D("99")),
    spec(T.MARKET_ON_CLOSE),
    spec(T.LIMIT_ON_CLOSE, limit_price=D("101")),
    spec(T.MARKET_IF_TOUCHED, stop_price=D("95")),
    spec(T.LIMIT_IF_TOUCHED, stop_price=D("95"), limit_price=D("94.5")),
    spec(T.RELATIVE),
    spec(T.RELATIVE, peg_offset=D("0.02"), limit_price=D("101")),
    spec(T.PEGGED_TO_MIDPOINT, peg_offset=D("0")),
    spec(T.LIMIT, limit_price=D("100"), display_size=D("10")),
    spec(T.LIMIT, limit_price=D("100"), display_size=D("100")),
    spec(T.LIMIT, limit_price=D("100"), hidden=True),
    spec(T.MARKET, algo=AdaptiveAlgo()),
    spec(T.LIMIT, limit_price=D("100"), algo=TwapAlgo(start_time=NINE, end_time=TEN)),
    spec(T.MARKET, algo=VwapAlgo(max_pct_vol=D("0.5"), no_take_liq=True)),
]


@pytest.mark.parametrize("s", VALID, ids=lambda s: s.order_type.name)
def test_valid_specs_of_the_new_types_pass(s: OrderSpec) -> None:
    assert violations(s) == {}


INVALID: list[tuple[OrderSpec, str, str]] = [
    # Prices each type needs.
    (spec(T.LIMIT_IF_TOUCHED, stop_price=D("95")), "limit_price", "is required"),
    (spec(T.LIMIT_IF_TOUCHED, limit_price=D("95")), "stop_price", "is required"),
    (spec(T.MARKET_IF_TOUCHED), "stop_price", "is required for MARKET_IF_TOUCHED"),
    (spec(T.LIMIT_ON_CLOSE), "limit_price", "is required for LIMIT_ON_CLOSE"),
    # Prices each type forbids.
    (spec(T.MARKET_ON_CLOSE, limit_price=D("1")), "limit_price", "must be empty for MARKET_ON"),
    (spec(T.MARKET_ON_CLOSE, stop_price=D("1")), "stop_price", "must be empty"),
    (spec(T.MARKET_IF_TOUCHED, stop_price=D("9"), limit_price=D("9")), "limit_price", "empty"),
    (spec(T.RELATIVE, stop_price=D("1")), "stop_price", "must be empty for RELATIVE"),
    (
        spec(T.TRAILING_STOP_LIMIT, trailing_amount=D("1"), limit_offset=D("0"), limit_price=D(1)),
        "limit_price",
        "must be empty",
    ),
    # Trailing stop-limit.
    (spec(T.TRAILING_STOP_LIMIT, trailing_amount=D("1")), "limit_offset", "is required"),
    (spec(T.TRAILING_STOP_LIMIT, limit_offset=D("1")), "trailing_amount", "exactly one"),
    (
        spec(T.TRAILING_STOP_LIMIT, trailing_amount=D("1"), limit_offset=D("-1")),
        "limit_offset",
        "must not be negative",
    ),
    (spec(T.LIMIT, limit_price=D(1), limit_offset=D("1")), "limit_offset", "only for TRAILING"),
    (spec(T.MARKET_IF_TOUCHED, stop_price=D(9), trailing_amount=D(1)), "trailing_amount", "only"),
    # Offsets of pegged orders.
    (spec(T.RELATIVE, peg_offset=D("-0.01")), "peg_offset", "must not be negative"),
    (spec(T.LIMIT, limit_price=D(1), peg_offset=D("0.01")), "peg_offset", "only for RELATIVE"),
    # On close: DAY in regular hours.
    (spec(T.MARKET_ON_CLOSE, time_in_force=TimeInForce.GTC), "time_in_force", "must be DAY"),
    (spec(T.LIMIT_ON_CLOSE, limit_price=D(1), outside_rth=True), "outside_rth", "must be false"),
    # Iceberg.
    (spec(T.LIMIT, limit_price=D(1), display_size=D("0")), "display_size", "greater than 0"),
    (spec(T.LIMIT, limit_price=D(1), display_size=D("101")), "display_size", "not exceed"),
    (spec(T.LIMIT, limit_price=D(1), display_size=D("1.5")), "display_size", "whole number"),
    (spec(T.MARKET, display_size=D("10")), "display_size", "only for LIMIT"),
    (
        spec(T.LIMIT, limit_price=D(1), display_size=D("10"), hidden=True),
        "hidden",
        "no display_size",
    ),
    # Hidden.
    (spec(T.STOP, stop_price=D(1), hidden=True), "hidden", "only for LIMIT and RELATIVE"),
    # Algos.
    (spec(T.STOP, stop_price=D(1), algo=AdaptiveAlgo()), "algo", "only for MARKET and LIMIT"),
    (
        spec(T.MARKET, algo=AdaptiveAlgo(), time_in_force=TimeInForce.GTC),
        "time_in_force",
        "DAY for an algo",
    ),
    (
        spec(T.LIMIT, limit_price=D(1), algo=AdaptiveAlgo(), hidden=True),
        "hidden",
        "cannot be combined with an algo",
    ),
    (
        spec(T.MARKET, algo=TwapAlgo(start_time=TEN, end_time=NINE)),
        "algo.twap.end_time",
        "after start_time",
    ),
    (
        spec(T.MARKET, algo=VwapAlgo(max_pct_vol=D("0.6"))),
        "algo.vwap.max_pct_vol",
        "must not exceed 0.5",
    ),
    (
        spec(T.MARKET, algo=VwapAlgo(max_pct_vol=D("0"))),
        "algo.vwap.max_pct_vol",
        "greater than 0",
    ),
    (spec(T.OTHER), "order_type", "only for orders placed outside"),
]


@pytest.mark.parametrize(
    ("s", "field", "text"), INVALID, ids=[f"{s.order_type.name}-{f}" for s, f, _ in INVALID]
)
def test_each_rule_names_its_field(s: OrderSpec, field: str, text: str) -> None:
    found = violations(s)
    assert field in found, found
    assert text in found[field]
