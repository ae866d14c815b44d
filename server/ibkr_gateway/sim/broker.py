"""The simulated exchange behind the BrokerPort: the default backend."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Collection, Sequence
from decimal import Decimal

from ibkr_gateway.broker import BrokerListener, BrokerRejected, BrokerReport
from ibkr_gateway.order.models import Order, OrderSpec, OrderStatus
from ibkr_gateway.sim.control import cancelled_ids, execution_id, traded_ids
from ibkr_gateway.sim.exchange import ExchangeError, SimOrder, SimulatedExchange


def sim_order_from(order: Order, parent_broker_id: int = 0) -> SimOrder:
    spec = order.spec
    return SimOrder(
        broker_order_id=order.broker_order_id,
        order_ref=spec.client_order_id,
        account=spec.account,
        symbol=spec.contract.symbol,
        currency=spec.contract.currency,
        side=spec.side,
        quantity=spec.quantity,
        order_type=spec.order_type,
        limit_price=spec.limit_price,
        stop_price=spec.stop_price,
        time_in_force=spec.time_in_force,
        parent_id=parent_broker_id,
        oca_group=order.oca_group,
        filled=order.filled_quantity,
        notional=(order.average_fill_price or Decimal(0)) * order.filled_quantity,
        perm_id=order.perm_id,
        trailing_amount=spec.trailing_amount,
        trailing_percent=spec.trailing_percent,
        good_till=spec.good_till,
        limit_offset=spec.limit_offset,
        display_size=spec.display_size,
    )


class SimBroker:
    """Runs the exchange in-process; reports reach the listener on the next loop turns,
    in the order the exchange produced them, as a socket-connected broker's would."""

    name = "sim"

    def __init__(
        self, exchange: SimulatedExchange | None = None, *, accounts: Collection[str]
    ) -> None:
        tag = f"{int(time.time() * 1000):012x}"
        self.exchange = exchange or SimulatedExchange(session_tag=tag)
        self.accounts = frozenset(accounts)
        self._listener: BrokerListener | None = None
        self._next_order_id = 1

    def set_listener(self, listener: BrokerListener) -> None:
        self._listener = listener

    def reserve_order_id(self) -> int:
        self._next_order_id += 1
        return self._next_order_id - 1

    def managed_accounts(self) -> frozenset[str]:
        return self.accounts

    async def start(self, working: Sequence[Order], max_order_id: int) -> None:
        """The exchange's book lives in memory: rebuild it from the orders the store
        says are working. Orders that never reached it are placed now."""
        self._next_order_id = max(self._next_order_id, max_order_id + 1)
        by_id = {o.order_id: o for o in working}
        for order in working:
            parent = by_id.get(order.parent_order_id)
            sim = sim_order_from(order, parent.broker_order_id if parent else 0)
            if parent is None and order.parent_order_id:
                # The parent is finished; the child stands alone (its parent filled).
                sim.parent_id = 0
            reports = self.exchange.place(sim)
            if order.status is OrderStatus.PENDING_CANCEL:
                reports += self.exchange.cancel(order.broker_order_id)
            self._deliver(reports)

    async def stop(self) -> None:
        return None

    def unknown_to_broker(self, working: Sequence[Order]) -> list[Order]:
        # start() rebuilt the book from every working order, sent or not.
        return []

    def gone_from_broker(self, working: Sequence[Order]) -> list[Order]:
        # The simulated exchange lives in this process: it never forgets an order.
        return []

    async def qualify(self, spec: OrderSpec) -> OrderSpec:
        # The simulated exchange trades any symbol it is given.
        return spec

    async def place_order(self, order: Order) -> None:
        self._deliver(self.exchange.place(sim_order_from(order)))

    async def place_bracket(self, parent: Order, take_profit: Order, stop_loss: Order) -> None:
        pid = parent.broker_order_id
        self._deliver(
            self.exchange.place_bracket(
                sim_order_from(parent),
                sim_order_from(take_profit, pid),
                sim_order_from(stop_loss, pid),
            )
        )

    async def modify_order(self, order: Order, parent: Order | None = None) -> None:
        spec = order.spec
        try:
            reports = self.exchange.modify(
                order.broker_order_id,
                spec.quantity,
                spec.limit_price,
                spec.stop_price,
                spec.time_in_force,
            )
        except ExchangeError as exc:
            raise BrokerRejected(exc.code, exc.message) from exc
        self._deliver(reports)

    async def cancel_order(self, order: Order) -> None:
        self._deliver(self.exchange.cancel(order.broker_order_id))

    async def cancel_all(self) -> None:
        self._deliver(self.exchange.cancel_all())

    def deliver(self, reports: list[BrokerReport]) -> None:
        """For simulator control: reports produced by direct exchange calls."""
        self._deliver(reports)

    def _deliver(self, reports: list[BrokerReport]) -> None:
        if not reports or self._listener is None:
            return
        listener = self._listener

        def run() -> None:
            for report in reports:
                listener.on_broker_report(report)

        asyncio.get_running_loop().call_soon(run)


class SimMarketControl:
    """MarketControl of the in-process exchange; reports go to the gateway as usual."""

    def __init__(self, broker: SimBroker) -> None:
        self.broker = broker
        self.exchange = broker.exchange

    @staticmethod
    def _same(broker_order_id: int) -> int:
        return broker_order_id

    def set_price(self, symbol: str, price: Decimal, available: Decimal | None) -> list[int]:
        reports = self.exchange.set_price(symbol, price, available)
        self.broker.deliver(reports)
        return traded_ids(reports, self._same)

    def fill(self, broker_order_id: int, quantity: Decimal | None, price: Decimal | None) -> str:
        reports = self.exchange.fill(broker_order_id, quantity, price)
        self.broker.deliver(reports)
        return execution_id(reports)

    def reject_next(self, code: int, message: str) -> None:
        self.exchange.reject_next_order(code, message)

    def end_of_day(self) -> list[int]:
        reports = self.exchange.end_of_day()
        self.broker.deliver(reports)
        return cancelled_ids(reports, self._same)

    def reset(self) -> list[int]:
        reports = self.exchange.reset()
        self.broker.deliver(reports)
        return cancelled_ids(reports, self._same)

    def market(self, symbol: str) -> tuple[Decimal, Decimal | None]:
        return self.exchange.price(symbol), self.exchange.available.get(symbol)
