"""Contract qualification: IB names the one contract an order is for before it is sent.

An order for a contract without a `con_id` is resolved with reqContractDetails once per
contract (cached for the life of the process: IB's contract ids do not change). No
match, or several, is the caller's mistake and is refused before anything is stored or
sent; the order then carries IB's `con_id`, and its prices are checked against the
contract's minimum tick.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

import ib_async

from ibkr_gateway.errors import FieldViolation, InvalidArgument, Unavailable
from ibkr_gateway.ib import translate
from ibkr_gateway.order.models import Contract, OrderSpec

log = logging.getLogger(__name__)

# Candidates named in the refusal of an ambiguous contract.
MAX_CANDIDATES = 10
# Below $1 IB's market rules allow finer increments than the contract's minimum tick
# (0.0001 for US stocks); those prices are left to IB to check.
TICK_CHECKED_FROM = Decimal(1)

Lookup = Callable[[ib_async.Contract], Awaitable[Sequence[ib_async.ContractDetails]]]


@dataclass(frozen=True, slots=True)
class Qualified:
    con_id: int
    min_tick: Decimal | None


def describe(details: ib_async.ContractDetails) -> str:
    c = details.contract
    assert c is not None
    parts = [f"conId {c.conId}", c.secType, c.symbol]
    if c.lastTradeDateOrContractMonth:
        parts.append(c.lastTradeDateOrContractMonth)
    if c.strike:
        parts.append(f"{c.strike:g}{c.right}")
    parts += [c.primaryExchange or c.exchange, c.currency]
    if c.localSymbol:
        parts.append(f"({c.localSymbol})")
    return " ".join(p for p in parts if p)


def _tick(details: ib_async.ContractDetails) -> Decimal | None:
    try:
        tick = Decimal(str(details.minTick))
    except (InvalidOperation, ValueError):
        return None
    return tick if tick > 0 else None


def off_tick(spec: OrderSpec, tick: Decimal | None) -> list[FieldViolation]:
    if tick is None:
        return []
    violations = []
    prices = {
        "limit_price": spec.limit_price,
        "stop_price": spec.stop_price,
        "trailing_amount": spec.trailing_amount,
    }
    # Offsets move a price by whole ticks, however small they are.
    offsets = {"limit_offset": spec.limit_offset, "peg_offset": spec.peg_offset}
    for name, price in prices.items() | offsets.items():
        small = name in prices and price is not None and abs(price) < TICK_CHECKED_FROM
        if price is not None and not small and price % tick:
            violations.append(
                FieldViolation(name, f"must be a multiple of the contract's minimum tick {tick}")
            )
    return violations


class ContractQualifier:
    def __init__(self, lookup: Lookup, timeout: float) -> None:
        self._lookup = lookup
        self._timeout = timeout
        self._known: dict[Contract, Qualified] = {}
        # One request per contract, shared by the orders that wait for it.
        self._pending: dict[Contract, asyncio.Future[Qualified]] = {}

    async def qualify(self, spec: OrderSpec, field: str = "contract") -> OrderSpec:
        qualified = await self._resolve(spec.contract, field)
        violations = off_tick(spec, qualified.min_tick)
        if violations:
            raise InvalidArgument(violations)
        if spec.contract.con_id == qualified.con_id:
            return spec
        return replace(spec, contract=replace(spec.contract, con_id=qualified.con_id))

    async def _resolve(self, contract: Contract, field: str) -> Qualified:
        known = self._known.get(contract)
        if known is not None:
            return known
        pending = self._pending.get(contract)
        if pending is None:
            pending = asyncio.ensure_future(self._ask(contract, field))
            self._pending[contract] = pending
            pending.add_done_callback(lambda _: self._pending.pop(contract, None))
        return await asyncio.shield(pending)

    async def _ask(self, contract: Contract, field: str) -> Qualified:
        try:
            found = await asyncio.wait_for(
                self._lookup(translate.ib_contract(contract)), self._timeout
            )
        except TimeoutError:
            raise Unavailable(
                f"IB did not describe contract {contract.symbol} within {self._timeout:g} s; "
                "nothing was submitted",
                reason="CONTRACT_LOOKUP_TIMEOUT",
            ) from None
        if not found:
            raise InvalidArgument(
                [FieldViolation(field, f"IB knows no contract like this ({contract.symbol})")],
                reason="UNKNOWN_CONTRACT",
            )
        if len(found) > 1:
            named = "; ".join(describe(d) for d in found[:MAX_CANDIDATES])
            more = f" and {len(found) - MAX_CANDIDATES} more" if len(found) > MAX_CANDIDATES else ""
            raise InvalidArgument(
                [
                    FieldViolation(
                        field,
                        f"{len(found)} IB contracts match; name one (con_id, or expiry, "
                        f"strike, right, exchange): {named}{more}",
                    )
                ],
                reason="AMBIGUOUS_CONTRACT",
            )
        details = found[0]
        assert details.contract is not None
        qualified = Qualified(details.contract.conId, _tick(details))
        self._known[contract] = qualified
        log.info("contract %s is IB %s", contract.symbol, describe(details))
        return qualified
