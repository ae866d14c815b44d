"""SimulatorControlService.SetPosition: holdings of a simulated account from before."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ibkr.gateway.v1 import account_pb2, simulator_pb2

from ibkr_gateway.errors import FieldViolation, InvalidArgument, StoreUnavailable
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.models import Contract
from ibkr_gateway.order.validation import (
    ACCOUNT_RE,
    MAX_PRICE,
    MAX_QUANTITY,
    check_amount,
    validate_contract,
)
from ibkr_gateway.position.book import PositionBook
from ibkr_gateway.rpc import convert
from ibkr_gateway.rpc.account_convert import position_to_proto
from ibkr_gateway.rpc.audit import acting_on
from ibkr_gateway.security.auth import principal

MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class _Adjustment:
    account: str
    contract: Contract
    quantity: Decimal
    average_cost: Decimal
    reason: str


def _amounts(
    request: simulator_pb2.SetPositionRequest, v: list[FieldViolation]
) -> tuple[Decimal, Decimal]:
    quantity = convert.parse_decimal("quantity", request.quantity, v)
    if request.quantity == "":
        v.append(FieldViolation("quantity", "is required"))
    if quantity:
        v += check_amount("quantity", abs(quantity), MAX_QUANTITY)
    average_cost = convert.parse_decimal("average_cost", request.average_cost, v)
    if quantity and request.average_cost == "":
        v.append(FieldViolation("average_cost", "is required unless the quantity is 0"))
    if quantity and average_cost is not None:
        v += check_amount("average_cost", average_cost, MAX_PRICE * MAX_QUANTITY)
    return quantity or Decimal(0), average_cost or Decimal(0)


def _parse(
    request: simulator_pb2.SetPositionRequest, default_account: str, managed: frozenset[str]
) -> _Adjustment:
    v: list[FieldViolation] = []
    account = request.account or default_account
    if not ACCOUNT_RE.fullmatch(account):
        v.append(FieldViolation("account", "1 to 32 letters, digits, _ or -"))
    elif account not in managed:
        v.append(FieldViolation("account", f"{account!r} is not an account this gateway manages"))
    contract = convert.contract_from_proto(request.contract, "contract", v)
    v += validate_contract(contract)
    quantity, average_cost = _amounts(request, v)
    reason = request.reason.strip()
    if not reason:
        v.append(FieldViolation("reason", "is required"))
    elif len(reason) > MAX_REASON:
        v.append(FieldViolation("reason", f"at most {MAX_REASON} characters"))
    if v:
        raise InvalidArgument(v)
    return _Adjustment(account, contract, quantity, average_cost, reason)


async def set_position(
    manager: OrderManager, book: PositionBook, request: simulator_pb2.SetPositionRequest
) -> account_pb2.Position:
    """Journals the adjustment and answers once it is durable."""
    managed = manager.broker.managed_accounts() if manager.broker else frozenset()
    change = _parse(request, manager.default_account, managed)
    principal().require_account(change.account)
    acting_on([change.account])
    store = manager.store
    if store.failure is not None:
        raise StoreUnavailable(
            f"the order store cannot write ({store.failure}); nothing was changed",
            metadata={"cause": store.failure},
        )
    position, durable = book.adjust(
        change.account, change.contract, change.quantity, change.average_cost, change.reason
    )
    if not await store.wait_durable(durable):
        cause = store.failure or "unknown"
        raise StoreUnavailable(
            f"the position is set, but the order store cannot write ({cause}): it is "
            "recorded as soon as it can be",
            metadata={"cause": cause},
        )
    return position_to_proto(position)
