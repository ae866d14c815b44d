"""The broker port: what the OrderManager needs from a broker, and what a broker reports.

Reports use IB's vocabulary (status strings, order ids, permIds, execution ids), so
that the simulated exchange and IB travel the same path through the status mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from ibkr_gateway.order.models import (
    Algo,
    Contract,
    Order,
    OrderSpec,
    OrderType,
    Side,
    TimeInForce,
)


@dataclass(frozen=True, slots=True)
class BrokerOrderStatus:
    broker_order_id: int
    status: str
    filled: Decimal
    remaining: Decimal
    average_fill_price: Decimal
    perm_id: int = 0
    why_held: str = ""
    # Set on reports recovered after a reconnect, where the order id may be unknown.
    order_ref: str = ""
    # A completed order as IB lists it (whole): what records an order first seen
    # completed, such as one placed in TWS that traded while the gateway was away.
    order: BrokerOpenOrder | None = None


@dataclass(frozen=True, slots=True)
class BrokerExecution:
    execution_id: str
    broker_order_id: int
    perm_id: int
    order_ref: str
    side: Side
    quantity: Decimal
    price: Decimal
    time: datetime
    exchange: str = ""
    cumulative_quantity: Decimal = Decimal(0)
    average_price: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class BrokerCommission:
    execution_id: str
    commission: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class BrokerOpenOrder:
    """An order as the broker describes it (IB openOrder), ours or not."""

    broker_order_id: int
    perm_id: int
    client_id: int
    order_ref: str
    account: str
    contract: Contract
    side: Side
    quantity: Decimal
    # OTHER when the broker's order type (or its algo) has no equivalent here.
    order_type: OrderType
    limit_price: Decimal | None
    stop_price: Decimal | None
    time_in_force: TimeInForce
    status: str
    trailing_amount: Decimal | None = None
    trailing_percent: Decimal | None = None
    good_till: datetime | None = None
    outside_rth: bool = False
    oca_group: str = ""
    # IB's name of the order type (and of an algo the contract cannot name).
    broker_order_type: str = ""
    algo: Algo | None = None
    display_size: Decimal | None = None
    hidden: bool = False
    limit_offset: Decimal | None = None
    peg_offset: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BrokerPosition:
    """What the broker holds in one contract for one account (IB reqPositions)."""

    account: str
    contract: Contract
    quantity: Decimal
    # Per unit, commissions included, times the multiplier (IB's avgCost).
    average_cost: Decimal


@dataclass(frozen=True, slots=True)
class BrokerAccountSummary:
    """An account's figures as the broker computes them (IB reqAccountSummary); None
    where it reports none."""

    account: str
    currency: str
    net_liquidation: Decimal | None
    cash: Decimal | None
    buying_power: Decimal | None
    initial_margin: Decimal | None
    maintenance_margin: Decimal | None
    excess_liquidity: Decimal | None
    available_funds: Decimal | None
    gross_position_value: Decimal | None
    realized_pnl: Decimal | None
    unrealized_pnl: Decimal | None


@dataclass(frozen=True, slots=True)
class WhatIfEstimate:
    """What the broker says an order would do, without placing it (IB what-if)."""

    currency: str
    commission: Decimal | None
    min_commission: Decimal | None
    max_commission: Decimal | None
    initial_margin_before: Decimal | None
    initial_margin_after: Decimal | None
    maintenance_margin_before: Decimal | None
    maintenance_margin_after: Decimal | None
    equity_with_loan_before: Decimal | None
    equity_with_loan_after: Decimal | None
    warning: str


@dataclass(frozen=True, slots=True)
class BrokerOrderError:
    broker_order_id: int
    code: int
    message: str


BrokerReport = (
    BrokerOrderStatus | BrokerExecution | BrokerCommission | BrokerOrderError | BrokerOpenOrder
)


class BrokerRejected(Exception):
    """The broker refused a request outright (e.g. modifying a finished order)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"IB error {code}: {message}")
        self.code = code
        self.message = message


class BrokerListener(Protocol):
    def on_broker_report(self, report: BrokerReport) -> None:
        """Called on the event loop, in the order the broker produced the reports."""
        ...

    def on_broker_resynced(self) -> None:
        """The connection came back and the broker's reconciliation reports (open and
        completed orders, executions) have all been delivered."""
        ...


class BrokerPort(Protocol):
    name: str

    def set_listener(self, listener: BrokerListener) -> None: ...

    def reserve_order_id(self) -> int:
        """The next broker order id, reserved before the order is journaled."""
        ...

    def managed_accounts(self) -> frozenset[str]:
        """The accounts orders may go to: those of the broker login (the last ones it
        reported while disconnected)."""
        ...

    async def start(self, working: Sequence[Order], max_order_id: int) -> None:
        """Connects and re-attaches to the orders the store says are still working."""
        ...

    async def stop(self) -> None: ...

    def unknown_to_broker(self, working: Sequence[Order]) -> list[Order]:
        """After start or a reconnect: working orders the broker has never seen and that
        are not waiting to be sent (to be sent now)."""
        ...

    def gone_from_broker(self, working: Sequence[Order]) -> list[Order]:
        """After start or a reconnect: working orders the broker had taken that it no
        longer knows (it lists them neither open nor completed). Empty unless the
        broker's listing was complete."""
        ...

    async def qualify(self, spec: OrderSpec) -> OrderSpec:
        """The spec naming the one contract the broker knows (its con_id filled in);
        InvalidArgument for an unknown or ambiguous contract or an off-tick price."""
        ...

    async def place_order(self, order: Order) -> None: ...

    async def place_bracket(self, parent: Order, take_profit: Order, stop_loss: Order) -> None: ...

    async def modify_order(self, order: Order, parent: Order | None = None) -> None:
        """Sends a changed spec; `parent` is a bracket child's parent order, which the
        modification must name again to keep the child in its bracket."""
        ...

    async def cancel_order(self, order: Order) -> None: ...

    async def cancel_all(self) -> None: ...
