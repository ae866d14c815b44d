"""Business rules for order specs. Field names are relative to the spec message."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from ibkr_gateway.errors import FieldViolation
from ibkr_gateway.order.models import (
    Contract,
    OrderSpec,
    OrderType,
    SecurityType,
    Side,
    TimeInForce,
)
from ibkr_gateway.order.type_rules import validate_type_fields

# Re-exported: callers check amounts of their own with them.
from ibkr_gateway.order.validation_amounts import MAX_DECIMAL_PLACES as MAX_DECIMAL_PLACES
from ibkr_gateway.order.validation_amounts import MAX_PRICE as MAX_PRICE
from ibkr_gateway.order.validation_amounts import MAX_QUANTITY as MAX_QUANTITY
from ibkr_gateway.order.validation_amounts import check_amount as check_amount
from ibkr_gateway.order.validation_amounts import decimal_places as decimal_places

CLIENT_ORDER_ID_RE: Final = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")
ACCOUNT_RE: Final = re.compile(r"^[A-Za-z0-9_\-]{1,32}$")
SYMBOL_RE: Final = re.compile(r"^[A-Za-z0-9 ._/&\-]{1,32}$")
EXCHANGE_RE: Final = re.compile(r"^[A-Za-z0-9._\-]{1,32}$")
CURRENCY_RE: Final = re.compile(r"^[A-Z]{3}$")
SHORT_TEXT_MAX: Final = 64

# Security types whose contracts carry a multiplier (units of the underlying per
# contract). Every other type trades one unit per unit of quantity.
MULTIPLIED_TYPES: Final = frozenset(
    {SecurityType.OPTION, SecurityType.FUTURE, SecurityType.FUTURE_OPTION}
)


def validate_spec(spec: OrderSpec) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    if not CLIENT_ORDER_ID_RE.fullmatch(spec.client_order_id):
        out.append(
            FieldViolation("client_order_id", "1 to 64 characters of letters, digits and . _ : -")
        )
    if not ACCOUNT_RE.fullmatch(spec.account):
        out.append(FieldViolation("account", "1 to 32 letters, digits, _ or -"))
    out.extend(validate_contract(spec.contract))
    out.extend(check_amount("quantity", spec.quantity, MAX_QUANTITY))
    if spec.order_type is OrderType.OTHER:
        out.append(
            FieldViolation("order_type", "OTHER is only for orders placed outside the gateway")
        )
    out.extend(_validate_prices(spec))
    out.extend(validate_type_fields(spec))
    if (spec.time_in_force is TimeInForce.GTD) != (spec.good_till is not None):
        out.append(FieldViolation("good_till_time", "is required for GTD and only for GTD"))
    if spec.oca_group and not CLIENT_ORDER_ID_RE.fullmatch(spec.oca_group):
        out.append(FieldViolation("oca_group", "1 to 64 characters of letters, digits and . _ : -"))
    return out


def validate_contract(c: Contract) -> list[FieldViolation]:
    """Field names as inside a message holding it as `contract`."""
    out: list[FieldViolation] = []
    if not c.symbol:
        out.append(FieldViolation("contract.symbol", "is required"))
    elif not SYMBOL_RE.fullmatch(c.symbol):
        out.append(
            FieldViolation("contract.symbol", "1 to 32 letters, digits, spaces or . _ / & -")
        )
    if not EXCHANGE_RE.fullmatch(c.exchange):
        out.append(FieldViolation("contract.exchange", "1 to 32 letters, digits or . _ -"))
    if not CURRENCY_RE.fullmatch(c.currency):
        out.append(FieldViolation("contract.currency", "a 3-letter upper-case ISO 4217 code"))
    if c.con_id < 0:
        out.append(FieldViolation("contract.con_id", "must not be negative"))
    for name in (
        "primary_exchange",
        "last_trade_date_or_contract_month",
        "local_symbol",
        "trading_class",
    ):
        text: str = getattr(c, name)
        if len(text) > SHORT_TEXT_MAX or not text.isprintable():
            out.append(
                FieldViolation(f"contract.{name}", f"at most {SHORT_TEXT_MAX} printable characters")
            )
    if c.right not in ("", "C", "P"):
        out.append(FieldViolation("contract.right", 'must be "C", "P" or empty'))
    if c.strike is not None:
        out.extend(check_amount("contract.strike", c.strike, MAX_PRICE))
    if c.multiplier is not None:
        out.extend(_check_multiplier(c.sec_type, c.multiplier))
    return out


def _check_multiplier(sec_type: SecurityType, multiplier: Decimal) -> list[FieldViolation]:
    """The notional limit multiplies by it: a caller-chosen fraction would shrink it."""
    field = "contract.multiplier"
    if sec_type not in MULTIPLIED_TYPES:
        if multiplier != 1:
            return [FieldViolation(field, f"must be empty or 1 for {sec_type.value}")]
        return []
    out = check_amount(field, multiplier, MAX_QUANTITY)
    if not out and multiplier < 1:
        out.append(FieldViolation(field, f"must be at least 1 for {sec_type.value}"))
    return out


def _validate_prices(spec: OrderSpec) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    kind = spec.order_type
    for field, value, needed, optional in (
        ("limit_price", spec.limit_price, kind.needs_limit_price, kind.pegged),
        # The stop of a trailing type is its optional initial stop; the market moves it.
        ("stop_price", spec.stop_price, kind.needs_stop_price, kind.trails),
    ):
        if needed and value is None:
            out.append(FieldViolation(field, f"is required for {kind.name} orders"))
        elif not (needed or optional) and value is not None:
            out.append(FieldViolation(field, f"must be empty for {kind.name} orders"))
        elif value is not None:
            out.extend(check_amount(field, value, MAX_PRICE))
    return out


def validate_bracket(
    parent: OrderSpec, take_profit: Decimal, stop_loss: Decimal, stop_loss_limit: Decimal | None
) -> list[FieldViolation]:
    """Children prices must sit on the profitable / protective side of the entry."""
    out: list[FieldViolation] = []
    if parent.order_type not in (OrderType.MARKET, OrderType.LIMIT):
        out.append(FieldViolation("parent.order_type", "must be MARKET or LIMIT for a bracket"))
    out.extend(check_amount("take_profit_limit_price", take_profit, MAX_PRICE))
    out.extend(check_amount("stop_loss_stop_price", stop_loss, MAX_PRICE))
    if stop_loss_limit is not None:
        out.extend(check_amount("stop_loss_limit_price", stop_loss_limit, MAX_PRICE))
    if out:
        return out
    entry = parent.limit_price
    if parent.side is Side.BUY:
        if entry is not None and not take_profit > entry:
            out.append(
                FieldViolation(
                    "take_profit_limit_price", "must be above the entry limit price for a buy"
                )
            )
        if entry is not None and not stop_loss < entry:
            out.append(
                FieldViolation(
                    "stop_loss_stop_price", "must be below the entry limit price for a buy"
                )
            )
        if not stop_loss < take_profit:
            out.append(
                FieldViolation(
                    "stop_loss_stop_price", "must be below the take-profit price for a buy"
                )
            )
    else:
        if entry is not None and not take_profit < entry:
            out.append(
                FieldViolation(
                    "take_profit_limit_price", "must be below the entry limit price for a sell"
                )
            )
        if entry is not None and not stop_loss > entry:
            out.append(
                FieldViolation(
                    "stop_loss_stop_price", "must be above the entry limit price for a sell"
                )
            )
        if not stop_loss > take_profit:
            out.append(
                FieldViolation(
                    "stop_loss_stop_price", "must be above the take-profit price for a sell"
                )
            )
    return out
