"""Positions per (account, contract), and the journal event that changes one."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ibkr_gateway.copying import replace_fields
from ibkr_gateway.event.events import JournalEvent
from ibkr_gateway.order.models import Contract
from ibkr_gateway.position.pnl import Holding


def contract_key(contract: Contract) -> str:
    """What tells two contracts apart for a position: not the routing exchange, and not
    the IB contract id, which an order may or may not give."""
    c = contract
    parts = [c.sec_type.value, c.symbol, c.currency]
    if c.last_trade_date_or_contract_month or c.strike is not None or c.right:
        strike = "" if c.strike is None else format(c.strike.normalize(), "f")
        parts += [c.last_trade_date_or_contract_month, strike, c.right]
    if c.multiplier is not None:
        parts.append(format(c.multiplier.normalize(), "f"))
    return ":".join(parts)


def multiplier_of(contract: Contract) -> Decimal:
    return contract.multiplier if contract.multiplier is not None else Decimal(1)


class PositionCause(enum.Enum):
    FILL = "FILL"
    CORRECTION = "CORRECTION"
    ADJUSTMENT = "ADJUSTMENT"
    # IB holds another quantity; the position is left as the fills made it.
    DISCREPANCY = "DISCREPANCY"


@dataclass(frozen=True, slots=True)
class Position:
    account: str
    contract: Contract
    holding: Holding
    update_time: datetime
    last_sequence: int = 0
    # Undo record for an execution correction: the last execution applied (its id up
    # to the revision) and the holding before it.
    last_execution: str = ""
    before_last_execution: Holding | None = None

    @property
    def key(self) -> tuple[str, str]:
        return self.account, contract_key(self.contract)

    @property
    def quantity(self) -> Decimal:
        return self.holding.quantity

    @property
    def multiplier(self) -> Decimal:
        return multiplier_of(self.contract)

    def evolve(self, **changes: object) -> Position:
        return replace_fields(self, changes)


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionEvent(JournalEvent):
    # The position right after the change.
    position: Position
    previous_quantity: Decimal
    cause: PositionCause
    # P&L realized by this change alone.
    realized_pnl: Decimal = Decimal(0)
    # The order and execution that caused a FILL or CORRECTION.
    cause_order_id: str = ""
    execution_id: str = ""
    # Why an ADJUSTMENT was made, or what a DISCREPANCY is.
    reason: str = ""
    # The quantity IB reported, for a DISCREPANCY and an ADJUSTMENT adopting IB's.
    broker_quantity: Decimal | None = None

    @property
    def account(self) -> str:
        return self.position.account

    @property
    def order_id(self) -> str:
        # A position change changes no order, whatever caused it.
        return ""

    @property
    def symbol(self) -> str:
        return self.position.contract.symbol

    @property
    def changes_position(self) -> bool:
        return self.cause is not PositionCause.DISCREPANCY

    def sequenced_snapshots(self) -> tuple[object, ...]:
        # A discrepancy reports the position; it is not a change of it.
        return (self.position,) if self.changes_position else ()
