"""Rules of the fields that belong to some order types only: trailing distances,
offsets, closing-auction orders, iceberg and hidden orders, IB algos."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from ibkr_gateway.errors import FieldViolation
from ibkr_gateway.order.models import (
    AdaptiveAlgo,
    OrderSpec,
    OrderType,
    TimeInForce,
    TwapAlgo,
    VwapAlgo,
)
from ibkr_gateway.order.validation_amounts import MAX_PRICE, MAX_QUANTITY, check_amount

# IB takes maxPctVol between 1% and 50% of the volume.
MAX_PCT_VOL: Final = Decimal("0.5")
ICEBERG_TYPES: Final = frozenset(
    {OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED, OrderType.RELATIVE}
)
HIDDEN_TYPES: Final = frozenset({OrderType.LIMIT, OrderType.RELATIVE})
ALGO_TYPES: Final = frozenset({OrderType.MARKET, OrderType.LIMIT})


def check_offset(field: str, value: Decimal) -> list[FieldViolation]:
    """Zero or a positive amount: an offset of 0 pegs to the price itself."""
    if value == 0:
        return []
    if value < 0:
        return [FieldViolation(field, f"must not be negative, got {value}")]
    return check_amount(field, value, MAX_PRICE)


def validate_type_fields(spec: OrderSpec) -> list[FieldViolation]:
    return [
        *_trailing(spec),
        *_offsets(spec),
        *_at_close(spec),
        *_display(spec),
        *_algo(spec),
    ]


def _trailing(spec: OrderSpec) -> list[FieldViolation]:
    amount, percent = spec.trailing_amount, spec.trailing_percent
    kind = spec.order_type
    if not kind.trails:
        return [
            FieldViolation(field, "is only for TRAILING_STOP and TRAILING_STOP_LIMIT orders")
            for field, value in (("trailing_amount", amount), ("trailing_percent", percent))
            if value is not None
        ]
    if (amount is None) == (percent is None):
        return [
            FieldViolation(
                "trailing_amount", "give exactly one of trailing_amount and trailing_percent"
            )
        ]
    if amount is not None:
        return check_amount("trailing_amount", amount, MAX_PRICE)
    assert percent is not None
    return check_amount("trailing_percent", percent, Decimal(100))


def _offsets(spec: OrderSpec) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    kind = spec.order_type
    if kind is OrderType.TRAILING_STOP_LIMIT:
        if spec.limit_offset is None:
            out.append(FieldViolation("limit_offset", "is required for TRAILING_STOP_LIMIT orders"))
        else:
            out.extend(check_offset("limit_offset", spec.limit_offset))
    elif spec.limit_offset is not None:
        out.append(FieldViolation("limit_offset", "is only for TRAILING_STOP_LIMIT orders"))
    if spec.peg_offset is not None:
        if kind.pegged:
            out.extend(check_offset("peg_offset", spec.peg_offset))
        else:
            out.append(
                FieldViolation("peg_offset", "is only for RELATIVE and PEGGED_TO_MIDPOINT orders")
            )
    return out


def _at_close(spec: OrderSpec) -> list[FieldViolation]:
    """The closing auction is one moment of one day, inside regular trading hours."""
    if not spec.order_type.at_close:
        return []
    out: list[FieldViolation] = []
    if spec.time_in_force is not TimeInForce.DAY:
        out.append(
            FieldViolation("time_in_force", f"must be DAY for {spec.order_type.name} orders")
        )
    if spec.outside_rth:
        out.append(
            FieldViolation("outside_rth", f"must be false for {spec.order_type.name} orders")
        )
    return out


def _display(spec: OrderSpec) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    kind = spec.order_type
    size = spec.display_size
    if size is not None:
        if kind not in ICEBERG_TYPES:
            out.append(
                FieldViolation(
                    "display_size",
                    "is only for LIMIT, STOP_LIMIT, LIMIT_IF_TOUCHED and RELATIVE orders",
                )
            )
        elif size != size.to_integral_value():
            out.append(FieldViolation("display_size", f"must be a whole number, got {size}"))
        else:
            out.extend(check_amount("display_size", size, MAX_QUANTITY))
            if not out and size > spec.quantity:
                out.append(
                    FieldViolation("display_size", f"must not exceed the quantity {spec.quantity}")
                )
        if spec.hidden:
            out.append(FieldViolation("hidden", "a hidden order shows nothing: no display_size"))
    if spec.hidden and kind not in HIDDEN_TYPES:
        out.append(FieldViolation("hidden", "is only for LIMIT and RELATIVE orders"))
    return out


def _algo(spec: OrderSpec) -> list[FieldViolation]:
    algo = spec.algo
    if algo is None:
        return []
    out: list[FieldViolation] = []
    if spec.order_type not in ALGO_TYPES:
        out.append(FieldViolation("algo", "is only for MARKET and LIMIT orders"))
    if spec.time_in_force is not TimeInForce.DAY:
        out.append(FieldViolation("time_in_force", "must be DAY for an algo order"))
    for field, value in (("display_size", spec.display_size is not None), ("hidden", spec.hidden)):
        if value:
            out.append(FieldViolation(field, "cannot be combined with an algo"))
    if isinstance(algo, AdaptiveAlgo):
        return out
    name = "twap" if isinstance(algo, TwapAlgo) else "vwap"
    if algo.start_time and algo.end_time and not algo.start_time < algo.end_time:
        out.append(FieldViolation(f"algo.{name}.end_time", "must be after start_time"))
    if isinstance(algo, VwapAlgo):
        field = "algo.vwap.max_pct_vol"
        out.extend(check_amount(field, algo.max_pct_vol, MAX_PCT_VOL))
    return out
