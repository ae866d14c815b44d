"""Fills keep happening at IB while the gateway's connection to it drops and comes back:
afterwards every execution is recorded exactly once, with its quantity and price, and
each order's filled quantity, average price and status match the broker's."""

from __future__ import annotations

import asyncio
import collections
import logging
import random
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from ibkr.gateway.v1 import account_pb2, account_pb2_grpc, gateway_pb2, orders_pb2

from ibkr_gateway.broker import BrokerCommission, BrokerExecution, BrokerReport
from ibkr_gateway.ib.gateway import ConnectionState
from ibkr_gateway.position.models import PositionEvent
from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.conftest import ib_async_failures
from tests.ib.test_gateway_ib import IbGateway, start_ib_gateway, stop_ib_gateway
from tests.service.conftest import limit_spec, reaches, read_events

S = orders_pb2
CLIENT_ID = 7
SYMBOL = "AAPL"
BUYS = 5
SELLS = 2
STEPS = 120
DROP_EVERY = 10


@pytest.fixture(autouse=True)
def ib_async_decoded_everything(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """As in tests/ib: ib_async dropped nothing it could not decode."""
    caplog.set_level(logging.INFO, logger="ib_async")
    yield
    assert ib_async_failures(caplog.records, unknown_orders=False) == []


class Market:
    """Drives the simulator and keeps every execution it made."""

    def __init__(self, sim: TwsSimulator, gw: IbGateway, ids: dict[str, int]) -> None:
        self.sim = sim
        self.gw = gw
        self.ids = ids  # client_order_id -> IB order id
        self.executions: list[BrokerExecution] = []
        self.commissions: dict[str, Decimal] = {}
        self.during_outage = 0
        self.drops = 0
        self.outage = False
        self.reconnected = asyncio.Event()
        gw.ib.add_state_listener(self._on_state)

    def _on_state(self, state: ConnectionState) -> None:
        if state is ConnectionState.CONNECTED:
            self.outage = False
            self.reconnected.set()

    def _keep(self, reports: list[BrokerReport]) -> None:
        made = [r for r in reports if isinstance(r, BrokerExecution)]
        self.commissions.update(
            {r.execution_id: r.commission for r in reports if isinstance(r, BrokerCommission)}
        )
        self.executions += made
        if self.outage:
            self.during_outage += len(made)

    def remaining(self, coid: str) -> Decimal:
        return self.sim.exchange_order(self.ids[coid], CLIENT_ID).remaining

    def fill(self, coid: str, quantity: str, price: str) -> None:
        self._keep(self.sim.fill(self.ids[coid], quantity, price, client_id=CLIENT_ID))

    def move(self, price: str, available: str | None = None) -> None:
        self._keep(self.sim.set_price(SYMBOL, price, available))

    def drop(self) -> None:
        self.reconnected.clear()
        self.outage = True
        self.drops += 1
        self.sim.drop_connections()

    async def back(self) -> None:
        await asyncio.wait_for(self.reconnected.wait(), 10)


async def all_fills(gw: IbGateway) -> list[orders_pb2.Fill]:
    fills: list[orders_pb2.Fill] = []
    token = ""
    while True:
        page = await gw.stub.ListFills(gateway_pb2.ListFillsRequest(page_size=7, page_token=token))
        fills += page.fills
        token = page.next_page_token
        if not token:
            return fills


async def converged(gw: IbGateway, expected: int, within: float = 15.0) -> list[orders_pb2.Fill]:
    async with asyncio.timeout(within):
        while True:
            fills = await all_fills(gw)
            if len(fills) >= expected:
                await asyncio.sleep(0.5)  # anything more (a duplicate) would show now
                return await all_fills(gw)
            await asyncio.sleep(0.05)


async def submit_all(gw: IbGateway) -> dict[str, orders_pb2.Order]:
    specs = [limit_spec(f"dc-buy-{i}", "50", quantity="100") for i in range(BUYS)]
    specs += [
        limit_spec(f"dc-sell-{i}", "150", quantity="100", side=S.SIDE_SELL) for i in range(SELLS)
    ]
    orders = {}
    for spec in specs:
        order = (await gw.stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=spec))).order
        orders[spec.client_order_id] = order
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    return orders


async def trade(market: Market, rng: random.Random) -> None:
    """A seeded sequence of partial fills and price moves; the connection drops every few
    steps, and the steps go on at once, a little later, or during the reconnection."""
    for step in range(STEPS):
        if step % DROP_EVERY == DROP_EVERY // 2:
            market.drop()
        working = [c for c in market.ids if market.remaining(c) > 0]
        if not working:
            break
        if rng.random() < 0.2:
            buys = [c for c in working if c.startswith("dc-buy")]
            if buys and rng.random() < 0.6:
                market.move(rng.choice(("49", "49.5", "50")), available=str(rng.randint(5, 40)))
            else:
                market.move(rng.choice(("150", "150.5", "151")), available=str(rng.randint(5, 40)))
            market.move("100")
        else:
            coid = rng.choice(working)
            quantity = min(market.remaining(coid), Decimal(rng.randint(1, 30)))
            base = Decimal(50) if coid.startswith("dc-buy") else Decimal(150)
            tick = Decimal(rng.randint(-20, 20)) / 100
            price = base - abs(tick) if coid.startswith("dc-buy") else base + abs(tick)
            market.fill(coid, str(quantity), str(price))
        await asyncio.sleep(rng.choice((0, 0, 0.01, 0.03, 0.08)))
    if market.outage:
        await market.back()


@pytest.mark.parametrize(("seed", "commission_delay"), [(1, 0.0), (2, 0.02), (3, 0.1)])
async def test_every_execution_is_recorded_once_across_disconnects(
    sim: TwsSimulator, tmp_path: Path, seed: int, commission_delay: float
) -> None:
    """With commission reports late (`commission_delay`), a drop also falls between an
    execution and its commission."""
    started = time.monotonic()
    sim.commission_delay = commission_delay
    gw = await start_ib_gateway(
        sim,
        tmp_path / "fills.db",
        client_id=CLIENT_ID,
        ib={"reconnect_initial_delay": 0.05, "reconnect_max_delay": 0.2},
    )
    try:
        orders = await submit_all(gw)
        ids = {coid: o.broker_order_id for coid, o in orders.items()}
        market = Market(sim, gw, ids)
        await trade(market, random.Random(seed))
        fills = await converged(gw, len(market.executions))
        journal = gw.server.store.read_events(0, 1_000_000)
        # The order stream's last event: position changes after it are not order events.
        head = max(e.sequence for e in journal if not isinstance(e, PositionEvent))
        stream = await read_events(
            gw, until=lambda ev: bool(ev) and ev[-1].sequence >= head, within=15
        )
        listed = await account_pb2_grpc.AccountServiceStub(gw.channel).ListPositions(
            account_pb2.ListPositionsRequest(include_closed=True)
        )
        listed_orders = {
            coid: (await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=o.order_id))).order
            for coid, o in orders.items()
        }
        reconnects = gw.ib.reconnects
    finally:
        await stop_ib_gateway(gw)

    print(
        f"\n[disconnect-during-fills] seed {seed}, commission delay {commission_delay}s: "
        f"orders {len(orders)}, "
        f"executions at the broker {len(market.executions)}, "
        f"fills recorded {len(fills)}, fills during the outages {market.during_outage}, "
        f"drops {market.drops}, reconnects {reconnects}, fill events on the stream "
        f"{sum(1 for e in stream if e.HasField('fill'))}, run {time.monotonic() - started:.1f}s"
    )
    assert market.during_outage >= 5
    assert 2 <= reconnects <= market.drops

    # Every execution exactly once, with its quantity, price and order.
    ids_seen = collections.Counter(f.execution_id for f in fills)
    assert [e for e, n in ids_seen.items() if n > 1] == []
    expected = {e.execution_id: (e.order_ref, e.quantity, e.price) for e in market.executions}
    recorded = {
        f.execution_id: (f.client_order_id, Decimal(f.quantity), Decimal(f.price)) for f in fills
    }
    assert recorded == expected
    streamed = [e.fill.execution_id for e in stream if e.HasField("fill")]
    assert sorted(streamed) == sorted(expected)

    # The positions count every execution once too.
    held: dict[str, Decimal] = collections.defaultdict(Decimal)
    for f in fills:
        held[f.symbol] += Decimal(f.quantity) * (1 if f.side == S.SIDE_BUY else -1)
    assert {p.contract.symbol: Decimal(p.quantity) for p in listed.positions} == held

    # Each order as the broker has it.
    for coid, order in listed_orders.items():
        at_ib = sim.exchange_order(ids[coid], CLIENT_ID)
        assert Decimal(order.filled_quantity) == at_ib.filled, coid
        assert Decimal(order.average_fill_price) == at_ib.average_price.quantize(Decimal("1e-8")), (
            coid
        )
        status = (
            S.ORDER_STATUS_FILLED if at_ib.status == "Filled" else S.ORDER_STATUS_PARTIALLY_FILLED
        )
        assert order.status == status, (coid, S.OrderStatus.Name(order.status), at_ib.status)
