"""Bounds of the amounts an order names: quantities, prices, distances."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from ibkr_gateway.errors import FieldViolation

MAX_QUANTITY: Final = Decimal("100000000")
MAX_PRICE: Final = Decimal("100000000")
MAX_DECIMAL_PLACES: Final = 8


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def check_amount(field: str, value: Decimal, maximum: Decimal) -> list[FieldViolation]:
    """A strictly positive decimal within bounds and precision."""
    if value <= 0:
        return [FieldViolation(field, f"must be greater than 0, got {value}")]
    if value > maximum:
        return [FieldViolation(field, f"must not exceed {maximum}, got {value}")]
    if decimal_places(value.normalize()) > MAX_DECIMAL_PLACES:
        return [FieldViolation(field, f"at most {MAX_DECIMAL_PLACES} decimal places")]
    return []
