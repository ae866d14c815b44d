"""PositionBook: positions kept from fills, journaled beside the fills that move them.

Each change is a PositionEvent appended in the same turn of the event loop as the fill
events that cause it, so the store's group commit makes both durable together: after a
crash the journal has both or neither. Readers see positions as of the last published
sequence; the risk checks see them as recorded, durable or not yet.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from ibkr_gateway.event.events import JournalEvent
from ibkr_gateway.order.models import Contract, Fill, Order, Side, execution_revision
from ibkr_gateway.position.models import (
    Position,
    PositionCause,
    PositionEvent,
    contract_key,
    multiplier_of,
)
from ibkr_gateway.position.pnl import Holding, trade

log = logging.getLogger(__name__)

Key = tuple[str, str]


class PositionJournal(Protocol):
    def append(
        self, events: Sequence[JournalEvent], *, abandon_on_failure: bool = False
    ) -> tuple[list[JournalEvent], asyncio.Future[None]]: ...

    def load_positions(self) -> list[Position]: ...


def _signed(fill: Fill) -> Decimal:
    return fill.quantity if fill.side is Side.BUY else -fill.quantity


class PositionBook:
    def __init__(self, journal: PositionJournal, clock: Callable[[], datetime]) -> None:
        self._journal = journal
        self._clock = clock
        loaded = {p.key: p for p in journal.load_positions()}
        # As recorded (what the next change builds on), and as published.
        self._recorded: dict[Key, Position] = dict(loaded)
        self._published: dict[Key, Position] = dict(loaded)

    # -- queries ----------------------------------------------------------------------

    def positions(self, accounts: Iterable[str] | None = None) -> list[Position]:
        """Published positions (closed ones too), by account and symbol."""
        wanted = None if accounts is None else frozenset(accounts)
        found = [p for p in self._published.values() if wanted is None or p.account in wanted]
        return sorted(found, key=lambda p: (p.account, p.contract.symbol, p.key[1]))

    def recorded(self, account: str, contract: Contract) -> Position | None:
        """The position in the contract; one with the same IB contract id also counts,
        as one adopted from IB under IB's terms (an expiry of 20250117 where an order
        names 202501)."""
        found = self._recorded.get((account, contract_key(contract)))
        if found is None and contract.con_id:
            found = next(
                (
                    p
                    for p in self._recorded.values()
                    if p.account == account and p.contract.con_id == contract.con_id
                ),
                None,
            )
        return found

    def recorded_snapshot(self) -> dict[Key, Position]:
        """Every recorded position, by key: each change replaces the Position object,
        so an identical object means an unchanged position."""
        return dict(self._recorded)

    def recorded_positions(self, account: str) -> list[Position]:
        return [p for p in self._recorded.values() if p.account == account]

    # -- changes ----------------------------------------------------------------------

    def on_published(self, event: JournalEvent) -> None:
        """A bus listener: published position changes become visible to readers."""
        if isinstance(event, PositionEvent) and event.changes_position:
            self._published[event.position.key] = event.position

    def on_fill(self, order: Order, fill: Fill, replaced: Fill | None) -> asyncio.Future[None]:
        """Journals the position change of a recorded execution; `replaced` is the
        execution it corrects, if any."""
        contract = order.spec.contract
        now = self._clock()
        current = self.recorded(fill.account, contract) or Position(
            account=fill.account, contract=contract, holding=Holding(), update_time=now
        )
        multiplier = multiplier_of(current.contract)
        execution, _ = execution_revision(fill.execution_id)
        base = current.holding
        cause = PositionCause.FILL
        if replaced is not None:
            cause = PositionCause.CORRECTION
            base = self._without(current, replaced, multiplier)
        holding, _ = trade(
            base, _signed(fill), fill.price, fill.commission or Decimal(0), multiplier
        )
        if current.contract.con_id == 0 and contract.con_id:
            current = current.evolve(contract=contract)
        position = current.evolve(
            holding=holding,
            update_time=now,
            last_execution=execution,
            before_last_execution=base,
        )
        return self._record(
            PositionEvent(
                sequence=0,
                time=now,
                position=position,
                previous_quantity=current.quantity,
                cause=cause,
                realized_pnl=holding.realized_pnl - current.holding.realized_pnl,
                cause_order_id=order.order_id,
                execution_id=fill.execution_id,
            )
        )

    def adjust(
        self,
        account: str,
        contract: Contract,
        quantity: Decimal,
        average_cost: Decimal,
        reason: str,
        *,
        broker_quantity: Decimal | None = None,
    ) -> tuple[Position, asyncio.Future[None]]:
        """Sets a position outright (holdings from before the journal, or IB's position
        adopted: `broker_quantity`): its cost basis becomes quantity x average_cost;
        realized P&L, commissions and cash stay."""
        now = self._clock()
        current = self.recorded(account, contract) or Position(
            account=account, contract=contract, holding=Holding(), update_time=now
        )
        cost = quantity * average_cost
        holding = current.holding.evolve(quantity=quantity, cost_basis=cost, price_basis=cost)
        position = current.evolve(
            holding=holding, update_time=now, last_execution="", before_last_execution=None
        )
        durable = self._record(
            PositionEvent(
                sequence=0,
                time=now,
                position=position,
                previous_quantity=current.quantity,
                cause=PositionCause.ADJUSTMENT,
                reason=reason,
                broker_quantity=broker_quantity,
            )
        )
        return position, durable

    def report_discrepancy(
        self, account: str, contract: Contract, broker_quantity: Decimal, reason: str
    ) -> asyncio.Future[None]:
        """Journals that the broker holds another quantity, leaving the position as the
        fills made it."""
        now = self._clock()
        current = self.recorded(account, contract) or Position(
            account=account, contract=contract, holding=Holding(), update_time=now
        )
        _, durable = self._journal.append(
            [
                PositionEvent(
                    sequence=0,
                    time=now,
                    position=current,
                    previous_quantity=current.quantity,
                    cause=PositionCause.DISCREPANCY,
                    reason=reason,
                    broker_quantity=broker_quantity,
                )
            ]
        )
        return durable

    def _without(self, current: Position, replaced: Fill, multiplier: Decimal) -> Holding:
        """The holding as if `replaced` had never been applied: exact when it was the
        last execution applied, else approximated by trading it back."""
        execution, _ = execution_revision(replaced.execution_id)
        if current.last_execution == execution and current.before_last_execution is not None:
            return current.before_last_execution
        log.warning(
            "execution %s is corrected after later trades in %s %s: traded back at its "
            "price, so realized and unrealized P&L may split differently than IB's",
            replaced.execution_id,
            current.account,
            current.contract.symbol,
        )
        undone, _ = trade(
            current.holding,
            -_signed(replaced),
            replaced.price,
            -(replaced.commission or Decimal(0)),
            multiplier,
        )
        return undone

    def _record(self, event: PositionEvent) -> asyncio.Future[None]:
        self._recorded[event.position.key] = event.position
        _, durable = self._journal.append([event])
        return durable
