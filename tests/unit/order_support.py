"""An in-process OrderManager on the simulated exchange, with a journal in memory:
cheap enough to run a race a thousand times."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from decimal import Decimal

from ibkr_gateway.event.bus import EventBus
from ibkr_gateway.event.events import FillEvent, OrderEvent, stamp_sequence
from ibkr_gateway.ib.integration import OrderGatewayIntegration
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.models import Contract, Fill, Order, OrderSpec, OrderType, Side
from ibkr_gateway.sim.broker import SimBroker
from ibkr_gateway.sim.exchange import SimulatedExchange
from ibkr_gateway.store.base import FillQuery
from tests.unit.exchange_support import T0

ACCOUNT = "DU1"


class MemoryStore:
    """The journal part of OrderStore; a batch becomes durable one loop turn later,
    so other work interleaves with every commit as it does with SQLite."""

    def __init__(self) -> None:
        self.events: list[OrderEvent] = []
        self.last_sequence = 0
        self._listener: object = None
        self._settings: dict[str, str] = {}
        self.failure: str | None = None

    def set_commit_listener(self, listener: object) -> None:
        self._listener = listener

    def append(
        self, events: Sequence[OrderEvent], *, abandon_on_failure: bool = False
    ) -> tuple[list[OrderEvent], asyncio.Future[None]]:
        stamped = list(events)
        for event in stamped:
            self.last_sequence += 1
            stamp_sequence(event, self.last_sequence)
        loop = asyncio.get_running_loop()
        durable: asyncio.Future[None] = loop.create_future()

        def commit() -> None:
            self.events += stamped
            assert callable(self._listener)
            self._listener(stamped)
            durable.set_result(None)

        loop.call_soon(commit)
        return stamped, durable

    async def wait_durable(self, future: asyncio.Future[None]) -> bool:
        await future
        return True

    def latest(self, order_id: str) -> Order | None:
        for event in reversed(self.events):
            if event.order_id == order_id:
                return event.order
        return None

    def get_order(self, order_id: str) -> Order | None:
        return self.latest(order_id)

    def find_order(self, account: str, client_order_id: str) -> Order | None:
        for event in reversed(self.events):
            spec = event.order.spec
            if (spec.account, spec.client_order_id) == (account, client_order_id):
                return event.order
        return None

    def client_order_keys(self) -> Iterator[tuple[str, str]]:
        for event in self.events:
            yield event.order.spec.account, event.order.spec.client_order_id

    def find_order_by_broker_id(self, broker_order_id: int) -> Order | None:
        for event in reversed(self.events):
            if event.order.broker_order_id == broker_order_id:
                return self.latest(event.order_id)
        return None

    def find_order_by_perm_id(self, perm_id: int) -> Order | None:
        for event in reversed(self.events):
            if event.order.perm_id == perm_id:
                return self.latest(event.order_id)
        return None

    def list_fills(self, query: FillQuery, after_sequence: int, limit: int) -> list[Fill]:
        fills = [
            e.fill
            for e in self.events
            if isinstance(e, FillEvent)
            and e.sequence > after_sequence
            and (not query.order_id or e.order_id == query.order_id)
        ]
        return fills[:limit]

    def has_fill(self, execution_id: str) -> bool:
        return any(
            isinstance(e, FillEvent) and e.fill.execution_id == execution_id for e in self.events
        )

    def working_orders(self) -> list[Order]:
        return []

    def max_broker_order_id(self) -> int:
        return 0

    def get_setting(self, key: str) -> str | None:
        return self._settings.get(key)

    def save_setting(self, key: str, value: str) -> asyncio.Future[None]:
        self._settings[key] = value
        return self.append([])[1]


class Desk:
    """OrderManager, integration and simulated exchange, wired as the server does."""

    def __init__(self) -> None:
        self.store = MemoryStore()
        self.manager = OrderManager(
            EventBus(),
            self.store,  # type: ignore[arg-type]
            default_account=ACCOUNT,
            clock=lambda: T0,
        )
        self.exchange = SimulatedExchange(clock=lambda: T0, session_tag="R")
        self.broker = SimBroker(self.exchange, accounts=[ACCOUNT])
        self.integration = OrderGatewayIntegration(self.broker, self.manager)
        self.integration.initialize()

    def fill(self, order: Order, quantity: Decimal) -> None:
        """Trades at the exchange now; the reports reach the gateway on later turns."""
        self.broker.deliver(self.exchange.fill(order.broker_order_id, quantity))

    async def settle(self) -> None:
        """Lets every report and commit in flight land."""
        for _ in range(20):
            await asyncio.sleep(0)


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
