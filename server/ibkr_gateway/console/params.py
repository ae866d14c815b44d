"""Parameter types of the client commands: exact amounts and the contract's enum names."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import click
from ibkr.gateway.v1 import orders_pb2

if TYPE_CHECKING:
    _AmountBase = click.ParamType[Decimal]
else:
    # Older click releases cannot subscript ParamType at run time.
    _AmountBase = click.ParamType


class Amount(_AmountBase):
    """A price or quantity, kept exact: "187.25" stays 187.25, never a float."""

    name = "decimal"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Decimal:
        if isinstance(value, Decimal):
            return value
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"{value!r} is not a decimal number", param, ctx)
        if not amount.is_finite():
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return amount


AMOUNT = Amount()


def enum_choice(
    enum: Any, prefix: str, *, skip: tuple[str, ...] = ("UNSPECIFIED",)
) -> click.Choice[str]:
    """The names of a contract enum without its prefix, e.g. LIMIT for ORDER_TYPE_LIMIT,
    in any case; what the client takes."""
    names = [n.removeprefix(prefix) for n in enum.keys() if n.removeprefix(prefix) not in skip]
    return click.Choice(names, case_sensitive=False)


SIDE = enum_choice(orders_pb2.Side, "SIDE_")
# OTHER names orders placed outside the gateway; no request may use it.
ORDER_TYPE = enum_choice(orders_pb2.OrderType, "ORDER_TYPE_", skip=("UNSPECIFIED", "OTHER"))
ADAPTIVE_PRIORITY = enum_choice(orders_pb2.AdaptivePriority, "ADAPTIVE_PRIORITY_")
TWAP_STRATEGY_TYPE = enum_choice(orders_pb2.TwapStrategyType, "TWAP_STRATEGY_TYPE_")
TIME_IN_FORCE = enum_choice(orders_pb2.TimeInForce, "TIME_IN_FORCE_")
ORDER_STATUS = enum_choice(orders_pb2.OrderStatus, "ORDER_STATUS_")
SECURITY_TYPE = enum_choice(orders_pb2.SecurityType, "SECURITY_TYPE_")

# Statuses after which nothing more happens to an order.
FINAL_STATUSES = frozenset({"FILLED", "CANCELLED", "REJECTED"})
WORKING_STATUSES = tuple(s for s in ORDER_STATUS.choices if s not in FINAL_STATUSES)
