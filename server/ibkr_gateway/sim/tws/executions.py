"""Every execution the simulator reported, for reqExecutions and reqPositions.

The exchange returns executions as reports and keeps none, so the simulator logs them
as they pass; that is also what makes fills made while no client was connected
recoverable after a reconnect.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from ibkr_gateway.broker import BrokerCommission
from ibkr_gateway.sim.tws.incoming import ExecutionFilter
from ibkr_gateway.sim.tws.outgoing import ExecutionView
from ibkr_gateway.sim.tws.place_order import WireContract

log = logging.getLogger(__name__)

_SIDES = {"BUY": "BOT", "SELL": "SLD", "BOT": "BOT", "SLD": "SLD"}


@dataclass
class LoggedExecution:
    view: ExecutionView
    commission: BrokerCommission | None = None
    # The correction that replaced this execution.
    corrected_by: str = ""


@dataclass(frozen=True, slots=True)
class Position:
    account: str
    contract: WireContract
    quantity: Decimal
    average_cost: Decimal


def _since(text: str) -> datetime | None:
    """ExecutionFilter.time, "yyyymmdd hh:mm:ss" (or with "-"), read as UTC."""
    if not text:
        return None
    try:
        moment = datetime.strptime(text.replace("-", " ")[:17], "%Y%m%d %H:%M:%S")
    except ValueError:
        log.warning("tws-sim: ignoring unreadable execution filter time %r", text)
        return None
    return moment.replace(tzinfo=UTC)


class ExecutionLog:
    def __init__(self) -> None:
        self._entries: dict[str, LoggedExecution] = {}
        # Positions held besides the executions (from before, or traded elsewhere),
        # by (account, conId): positions start from them.
        self.held: dict[tuple[str, int], Position] = {}
        # Counts changes, so that what is derived from the log (cash, positions, volume)
        # is recomputed only when there is something new.
        self.revision = 0

    def add(self, view: ExecutionView) -> None:
        self._entries[view.exec_id] = LoggedExecution(view)
        self.revision += 1

    def hold(self, position: Position) -> None:
        """Sets what is held in the contract besides the executions (0: nothing)."""
        key = (position.account, position.contract.con_id)
        if position.quantity:
            self.held[key] = position
        else:
            self.held.pop(key, None)
        self.revision += 1

    def get(self, exec_id: str) -> LoggedExecution:
        return self._entries[exec_id]

    def correct(self, exec_id: str, correction: ExecutionView) -> None:
        """Logs a correction beside the execution it replaces: reqExecutions returns
        both, as IB does; positions count only the correction."""
        self._entries[exec_id].corrected_by = correction.exec_id
        self.add(correction)

    def set_commission(self, commission: BrokerCommission) -> LoggedExecution | None:
        entry = self._entries.get(commission.execution_id)
        if entry is not None:
            entry.commission = commission
            self.revision += 1
        return entry

    def matching(self, client_id: int, f: ExecutionFilter) -> list[LoggedExecution]:
        """A client sees its own executions (IB's rule for a non-master client id),
        narrowed by the filter's fields that are set."""
        if f.client_id and f.client_id != client_id:
            return []
        since = _since(f.time)
        side = _SIDES.get(f.side.upper(), "") if f.side else ""
        return [
            e
            for e in self._entries.values()
            if e.view.client_id == client_id
            and (not f.account or e.view.account == f.account)
            and (not f.symbol or e.view.contract.symbol == f.symbol)
            and (not f.sec_type or e.view.contract.sec_type == f.sec_type)
            and (not f.exchange or f.exchange in (e.view.exchange, e.view.contract.exchange))
            and (not side or e.view.side == side)
            and (since is None or e.view.time >= since)
        ]

    def effective(self) -> list[LoggedExecution]:
        """Executions as reported, less those a correction replaced: what positions and
        cash are made of."""
        return [e for e in self._entries.values() if not e.corrected_by]

    def positions(self) -> list[Position]:
        held = dict(self.held)
        for entry in self.effective():
            v = entry.view
            key = (v.account, v.contract.con_id)
            prior = held.get(key) or Position(v.account, v.contract, Decimal(0), Decimal(0))
            signed = v.shares if v.side == "BOT" else -v.shares
            quantity = prior.quantity + signed
            if quantity == 0:
                cost = Decimal(0)
            elif prior.quantity == 0 or (prior.quantity > 0) != (quantity > 0):
                cost = v.price  # opened, or flipped through zero
            elif abs(quantity) > abs(prior.quantity):
                cost = (prior.average_cost * abs(prior.quantity) + v.price * v.shares) / abs(
                    quantity
                )
            else:
                cost = prior.average_cost  # reducing keeps the cost of what is left
            held[key] = Position(v.account, v.contract, quantity, cost)
        return list(held.values())
