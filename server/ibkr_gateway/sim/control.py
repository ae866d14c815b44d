"""MarketControl: what SimulatorControlService needs from a simulated market.

Both front doors of the one matching engine implement it: the in-process SimBroker
and the TWS simulator (so that the gateway on --backend ib can be driven the same way).
Order ids here are the broker's order ids, as the gateway records them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Protocol

from ibkr_gateway.broker import BrokerExecution, BrokerOrderStatus, BrokerReport


class MarketControl(Protocol):
    def set_price(self, symbol: str, price: Decimal, available: Decimal | None) -> list[int]:
        """Sets the reference price; returns the ids of orders that traded."""
        ...

    def fill(self, broker_order_id: int, quantity: Decimal | None, price: Decimal | None) -> str:
        """Trades a working order; returns the execution id. ExchangeError if it is
        not working or the quantity is out of range."""
        ...

    def reject_next(self, code: int, message: str) -> None: ...

    def end_of_day(self) -> list[int]:
        """Expires DAY orders; returns their ids."""
        ...

    def reset(self) -> list[int]:
        """Cancels every working order and forgets prices; returns the cancelled ids."""
        ...

    def market(self, symbol: str) -> tuple[Decimal, Decimal | None]:
        """Reference price and available quantity (None: unlimited)."""
        ...


def traded_ids(reports: Iterable[BrokerReport], to_id: Callable[[int], int | None]) -> list[int]:
    return _unique(to_id(r.broker_order_id) for r in reports if isinstance(r, BrokerExecution))


def cancelled_ids(reports: Iterable[BrokerReport], to_id: Callable[[int], int | None]) -> list[int]:
    return _unique(
        to_id(r.broker_order_id)
        for r in reports
        if isinstance(r, BrokerOrderStatus) and r.status == "Cancelled"
    )


def execution_id(reports: Iterable[BrokerReport]) -> str:
    return next(r.execution_id for r in reports if isinstance(r, BrokerExecution))


def _unique(ids: Iterable[int | None]) -> list[int]:
    out: list[int] = []
    for i in ids:
        if i is not None and i not in out:
            out.append(i)
    return out
