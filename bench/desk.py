"""An OrderManager on a real SQLite store behind a broker that only listens: the caller
(a benchmark, a test) plays the broker's part by handing reports to the integration, as
IB would send them. No gRPC in the way: fast enough to drive 100k orders."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from bench.journal import T0
from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerListener,
    BrokerOrderStatus,
    BrokerReport,
)
from ibkr_gateway.event.bus import EventBus
from ibkr_gateway.ib.integration import OrderGatewayIntegration
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.models import Contract, Order, OrderSpec, OrderType, Side
from ibkr_gateway.store.sqlite import SqliteOrderStore

ACCOUNT = "DU1"


class ListeningBroker:
    """Takes every request and answers none: reports come from the test."""

    name = "listening"

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        # Counts, not orders: holding them would be the very leak tests look for.
        self.placed = 0
        self.cancelled = 0

    def set_listener(self, listener: BrokerListener) -> None:
        pass

    def reserve_order_id(self) -> int:
        return next(self._ids)

    def managed_accounts(self) -> frozenset[str]:
        return frozenset({ACCOUNT})

    async def start(self, working: Sequence[Order], max_order_id: int) -> None:
        self._ids = itertools.count(max_order_id + 1)

    async def stop(self) -> None:
        pass

    def unknown_to_broker(self, working: Sequence[Order]) -> list[Order]:
        return []

    async def qualify(self, spec: OrderSpec) -> OrderSpec:
        # The simulated exchange trades any symbol it is given.
        return spec

    async def place_order(self, order: Order) -> None:
        self.placed += 1

    def gone_from_broker(self, working: Sequence[Order]) -> list[Order]:
        return []

    async def place_bracket(self, parent: Order, take_profit: Order, stop_loss: Order) -> None:
        self.placed += 3

    async def modify_order(self, order: Order, parent: Order | None = None) -> None:
        pass

    async def cancel_order(self, order: Order) -> None:
        self.cancelled += 1

    async def cancel_all(self) -> None:
        pass


def limit_buy(client_order_id: str, quantity: str = "100", price: str = "90") -> OrderSpec:
    return OrderSpec(
        client_order_id=client_order_id,
        account=ACCOUNT,
        contract=Contract("AAPL"),
        side=Side.BUY,
        quantity=Decimal(quantity),
        order_type=OrderType.LIMIT,
        limit_price=Decimal(price),
    )


class SqliteDesk:
    def __init__(self, path: Path) -> None:
        self.store = SqliteOrderStore(path)
        self.bus = EventBus()
        self.manager = OrderManager(self.bus, self.store, default_account=ACCOUNT, clock=lambda: T0)
        self.broker = ListeningBroker()
        self.integration = OrderGatewayIntegration(self.broker, self.manager)

    async def start(self) -> None:
        await self.integration.start()

    async def close(self) -> None:
        await self.integration.shutdown()
        await self.store.close()

    def report(self, *reports: BrokerReport) -> None:
        for report in reports:
            self.integration.on_broker_report(report)

    def working(self, order: Order, perm_id: int) -> None:
        """IB took the order and works it."""
        self.report(
            BrokerOrderStatus(
                order.broker_order_id,
                "Submitted",
                Decimal(0),
                order.spec.quantity,
                Decimal(0),
                perm_id,
            )
        )

    def execution(
        self,
        order: Order,
        execution_id: str,
        quantity: Decimal,
        price: str = "90",
        perm_id: int = 0,
    ) -> None:
        """An execution with its commission report."""
        self.report(
            BrokerExecution(
                execution_id,
                order.broker_order_id,
                perm_id or order.perm_id,
                order.spec.client_order_id,
                order.spec.side,
                quantity,
                Decimal(price),
                T0,
            ),
            BrokerCommission(execution_id, Decimal("1.0"), "USD"),
        )

    def status(self, order: Order, status: str, filled: Decimal, perm_id: int = 0) -> None:
        self.report(
            BrokerOrderStatus(
                order.broker_order_id,
                status,
                filled,
                order.spec.quantity - filled,
                Decimal("90") if filled else Decimal(0),
                perm_id or order.perm_id,
            )
        )

    async def durable(self) -> None:
        """Everything recorded so far is durable (and its commit listener has run)."""
        assert await self.store.wait_durable(self.store.append([])[1])
