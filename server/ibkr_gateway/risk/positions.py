"""Limits on the position an order would leave: max_position, max_gross_exposure,
no_short_sales.

The position an order would leave is the worst case once it has filled: the recorded
position in its contract, plus the unfilled quantity of every working order of the
account in that contract on the same side (an OCA group counts once, for its largest
order; bracket children not at all, since they only trade against their parent's fill),
plus the order's own unfilled quantity. max_position and max_gross_exposure refuse only
orders that take the account further from flat: an order that reduces a position over
a limit is let through.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ibkr_gateway.errors import FailedPrecondition
from ibkr_gateway.order.models import Contract, Order, OrderSpec, Side
from ibkr_gateway.order.validation import MULTIPLIED_TYPES
from ibkr_gateway.position.models import Position, contract_key, multiplier_of
from ibkr_gateway.risk.limits import AccountLimits
from ibkr_gateway.risk.refusal import refuse as _refuse

ReferencePrice = Callable[[Contract], Decimal | None]
Refuse = Callable[..., FailedPrecondition]
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Exposure:
    """Where the position limits read from: the recorded positions of an account, and
    the orders still working."""

    positions: Callable[[str], Sequence[Position]]
    working_orders: Callable[[], Sequence[Order]]


def _signed(side: Side, quantity: Decimal) -> Decimal:
    return quantity if side is Side.BUY else -quantity


def _pending(spec: OrderSpec, key: str, working: Sequence[Order]) -> tuple[Decimal, Decimal]:
    """(unfilled quantity of the other working orders on the order's side, what of the
    order itself is already filled)."""
    loose, groups, filled = ZERO, dict[str, Decimal](), ZERO
    for order in working:
        other = order.spec
        if other.account != spec.account or contract_key(other.contract) != key:
            continue
        if other.client_order_id == spec.client_order_id:
            filled = order.filled_quantity
            continue
        if other.side is not spec.side or order.parent_order_id or order.is_final:
            continue
        if order.oca_group:
            groups[order.oca_group] = max(
                groups.get(order.oca_group, ZERO), order.remaining_quantity
            )
        else:
            loose += order.remaining_quantity
    return loose + sum(groups.values(), ZERO), filled


def position_checks(
    spec: OrderSpec,
    limits: AccountLimits,
    exposure: Exposure,
    reference_price: ReferencePrice,
    prices: Sequence[Decimal],
) -> list[Callable[[], None]]:
    """The position limits of the account, each a check that raises FailedPrecondition
    when the order breaks it. `prices`: the prices the order names or implies."""
    key = contract_key(spec.contract)
    held = exposure.positions(spec.account)
    current = next((p for p in held if p.key[1] == key), None)
    before = current.quantity if current is not None else ZERO
    pending, filled = _pending(spec, key, exposure.working_orders())
    unfilled = max(spec.quantity - filled, ZERO)
    without = before + _signed(spec.side, pending)
    after = without + _signed(spec.side, unfilled)
    refuse = functools.partial(_refuse, client_order_id=spec.client_order_id)
    checks: list[Callable[[], None]] = []
    if limits.no_short_sales:
        checks.append(functools.partial(_check_short, spec, before, after, refuse))
    if limits.max_position is not None:
        checks.append(
            functools.partial(
                _check_position, spec, limits.max_position, (before, without, after), refuse
            )
        )
    if limits.max_gross_exposure is not None:
        checks.append(
            functools.partial(
                _check_gross,
                spec,
                limits.max_gross_exposure,
                held,
                key,
                (without, after),
                reference_price,
                prices,
                refuse,
            )
        )
    return checks


def _check_short(spec: OrderSpec, before: Decimal, after: Decimal, refuse: Refuse) -> None:
    if spec.side is Side.SELL and after < 0:
        raise refuse(
            "RISK_NO_SHORT_SALES",
            f"the sale would leave {spec.contract.symbol} at {after}: short sales are not "
            f"allowed for {spec.account}",
            position=before,
            position_after=after,
        )


def _check_position(
    spec: OrderSpec,
    limit: Decimal,
    quantities: tuple[Decimal, Decimal, Decimal],
    refuse: Refuse,
) -> None:
    before, without, after = quantities
    if abs(after) > limit and abs(after) > abs(without):
        raise refuse(
            "RISK_MAX_POSITION",
            f"the order would leave {spec.contract.symbol} at {after}; the limit is {limit}",
            limit=limit,
            position=before,
            position_after=after,
        )


def _unit_value(position: Position, reference_price: ReferencePrice) -> Decimal:
    """|market value| of a held position: at the reference price, else at its cost."""
    price = reference_price(position.contract)
    if price is None:
        return abs(position.holding.cost_basis)
    return abs(position.quantity * price * position.multiplier)


def _check_gross(
    spec: OrderSpec,
    limit: Decimal,
    held: Sequence[Position],
    key: str,
    quantities: tuple[Decimal, Decimal],
    reference_price: ReferencePrice,
    prices: Sequence[Decimal],
    refuse: Refuse,
) -> None:
    contract = spec.contract
    if contract.multiplier is None and contract.sec_type in MULTIPLIED_TYPES:
        raise refuse(
            "RISK_NO_MULTIPLIER",
            f"a {contract.sec_type.value} order needs contract.multiplier to be checked "
            "against the gross exposure limit",
            sec_type=contract.sec_type.value,
        )
    candidates = [p for p in (reference_price(contract), *prices) if p is not None]
    if not candidates:
        raise refuse(
            "RISK_NO_REFERENCE_PRICE",
            "no reference price to check the gross exposure limit against",
            symbol=contract.symbol,
        )
    # The highest price the order may trade at, as for the notional limit.
    price = max(candidates) * multiplier_of(contract)
    others = sum((_unit_value(p, reference_price) for p in held if p.key[1] != key), ZERO)
    without, after = (others + abs(q) * price for q in quantities)
    if after > limit and after > without:
        raise refuse(
            "RISK_MAX_GROSS_EXPOSURE",
            f"gross exposure would be {after}; the limit is {limit}",
            limit=limit,
            gross_exposure=after,
        )
