"""Orders that were on the wire when the link to IB broke: after the reconnect's
reconciliation, every journaled order IB does not know is sent again, exactly once,
under an id above every id already used; stale ones are cancelled instead."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from ibkr.gateway.v1 import events_pb2, gateway_pb2, orders_pb2
from prometheus_client import generate_latest

from ibkr_gateway.ib.gateway import ConnectionState
from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.conftest import until
from tests.ib.test_gateway_ib import start_ib_gateway, stop_ib_gateway, submit
from tests.service.conftest import limit_spec, order_spec, reaches, read_events

S = orders_pb2
CLIENT_ID = 7


def refs_at_ib(sim: TwsSimulator) -> Counter[str]:
    return Counter(r.order.order_ref for r in sim.desk.records.values() if r.client_id == CLIENT_ID)


def submitted(ids: set[str]) -> Callable[[list[events_pb2.OrderEvent]], bool]:
    return lambda ev: ids <= {e.order_id for e in ev if e.order.status == S.ORDER_STATUS_SUBMITTED}


async def test_an_order_lost_in_transit_is_sent_again_after_the_reconnect(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "transit.db")
    try:
        sim.drop_on_next_order = True
        order = await submit(gw, limit_spec("in-transit", "40"))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED), within=10)
        assert gw.ib.reconnects == 1
        assert refs_at_ib(sim) == Counter({"in-transit": 1})
        current = (
            await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=order.order_id))
        ).order
        # The lost id may have reached IB's id counter: the order goes out under a new one.
        assert current.broker_order_id > order.broker_order_id
    finally:
        await stop_ib_gateway(gw)


async def test_a_burst_cut_by_a_lost_order_reaches_ib_exactly_once_each(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "burst.db", ib={"max_messages_per_second": 50})
    try:
        first = await asyncio.gather(*(submit(gw, limit_spec(f"a-{i}", "40")) for i in range(20)))
        await read_events(gw, until=submitted({o.order_id for o in first}))
        # The link breaks under the next order; everything written after it is lost too.
        sim.drop_on_next_order = True
        rest = await asyncio.gather(
            *(submit(gw, limit_spec(f"b-{i}", "40")) for i in range(80)), return_exceptions=True
        )
        accepted = [o for o in rest if isinstance(o, orders_pb2.Order)]
        assert accepted, "the gateway refused every order of the burst"
        ids = {o.order_id for o in [*first, *accepted]}
        await read_events(gw, until=submitted(ids), within=20)
        expected = {f"a-{i}" for i in range(20)} | {o.spec.client_order_id for o in accepted}
        assert refs_at_ib(sim) == Counter(dict.fromkeys(expected, 1))
    finally:
        await stop_ib_gateway(gw)


async def test_order_ids_after_a_reconnect_are_above_every_id_used(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "ids.db")
    try:
        # Finished orders: IB lists them among completed orders, which carry no id floor.
        before = await asyncio.gather(
            *(submit(gw, order_spec(f"before-reset-{i}")) for i in range(12))
        )
        filled = {o.order_id for o in before}
        await read_events(
            gw,
            until=lambda ev: (
                filled <= {e.order_id for e in ev if e.order.status == S.ORDER_STATUS_FILLED}
            ),
        )
        reconnected = asyncio.Event()
        gw.ib.add_state_listener(
            lambda state: reconnected.set() if state is ConnectionState.CONNECTED else None
        )
        # A TWS restart can start the id counter low again.
        sim.desk.next_order_id = 1
        sim.drop_connections()
        await asyncio.wait_for(reconnected.wait(), 5)
        after = await submit(gw, limit_spec("after-reset", "40"))
        assert after.broker_order_id > max(o.broker_order_id for o in before)
        await read_events(gw, until=reaches(after.order_id, S.ORDER_STATUS_SUBMITTED))
    finally:
        await stop_ib_gateway(gw)


async def test_a_stale_day_order_is_cancelled_not_sent(sim: TwsSimulator, tmp_path: Path) -> None:
    """A DAY order journaled on an earlier trading day that never reached IB must not
    start working today."""
    yesterday = datetime.now(UTC) - timedelta(days=1, hours=1)
    gw = await start_ib_gateway(sim, tmp_path / "stale.db")
    try:
        manager = gw.server.manager
        manager._clock = lambda: yesterday
        sim.drop_on_next_order = True
        order = await submit(gw, limit_spec("stale-day", "40"))
        manager._clock = lambda: datetime.now(UTC)
        events = await read_events(
            gw, until=reaches(order.order_id, S.ORDER_STATUS_CANCELLED), within=10
        )
        cancel = [e for e in events if e.order_id == order.order_id][-1]
        assert "earlier trading day" in cancel.order.status_reason
        assert refs_at_ib(sim) == Counter()
    finally:
        await stop_ib_gateway(gw)


async def test_a_client_id_still_in_use_delays_the_reconnect_until_it_is_free(
    sim: TwsSimulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """During IB's nightly restart the old session can hold the client id for a
    while: each attempt meets 326 and the gateway tries again later."""
    gw = await start_ib_gateway(sim, tmp_path / "busy.db")
    try:
        order = await submit(gw, limit_spec("busy-id", "40"))
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
        sim.busy_client_ids.add(CLIENT_ID)
        sim.drop_connections()
        await until(lambda: gw.ib.client_id_in_use >= 3, seconds=5)
        assert gw.ib.state is not ConnectionState.CONNECTED
        assert "client id 7 is still in use" in caplog.text
        sim.busy_client_ids.clear()
        await until(lambda: gw.ib.state is ConnectionState.CONNECTED, seconds=5)
        sim.fill(order.broker_order_id, client_id=CLIENT_ID)
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        scraped = generate_latest(gw.server.metrics.registry).decode()
        assert re.search(
            r"^ibkr_gateway_broker_client_id_in_use_total ([3-9]|\d\d+)", scraped, re.M
        )
    finally:
        await stop_ib_gateway(gw)


async def test_a_stale_day_order_is_cancelled_not_sent_at_start_up(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    """The same at start-up: a DAY order journaled on an earlier trading day that never
    reached IB before the gateway stopped is not sent by the next gateway."""
    db = tmp_path / "stale-start.db"
    yesterday = datetime.now(UTC) - timedelta(days=1, hours=1)
    gw = await start_ib_gateway(sim, db)
    try:
        gw.server.manager._clock = lambda: yesterday
        # Lost on the wire, and the gateway stops before it can reconnect.
        sim.busy_client_ids.add(CLIENT_ID)
        sim.drop_on_next_order = True
        order = await submit(gw, limit_spec("stale-at-start", "40"))
        await until(lambda: gw.ib.state is not ConnectionState.CONNECTED)
    finally:
        await stop_ib_gateway(gw)
    sim.busy_client_ids.clear()
    gw = await start_ib_gateway(sim, db)
    try:
        events = await read_events(
            gw, until=reaches(order.order_id, S.ORDER_STATUS_CANCELLED), within=10
        )
        cancel = [e for e in events if e.order_id == order.order_id][-1]
        assert "earlier trading day" in cancel.order.status_reason
        assert refs_at_ib(sim) == Counter()
    finally:
        await stop_ib_gateway(gw)


async def test_orders_ib_no_longer_lists_are_forgotten_at_the_reconnect(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "forget.db")
    try:
        before = await asyncio.gather(*(submit(gw, order_spec(f"day-one-{i}")) for i in range(5)))
        filled = {o.order_id for o in before}
        await read_events(
            gw,
            until=lambda ev: (
                filled <= {e.order_id for e in ev if e.order.status == S.ORDER_STATUS_FILLED}
            ),
        )
        refs = {o.spec.client_order_id for o in before}
        assert refs <= gw.ib._known_refs
        reconnected = asyncio.Event()
        gw.ib.add_state_listener(
            lambda state: reconnected.set() if state is ConnectionState.CONNECTED else None
        )
        # IB's nightly restart: the day's orders are gone from its lists.
        sim.desk.records.clear()
        sim.drop_connections()
        await asyncio.wait_for(reconnected.wait(), 5)
        assert not refs & gw.ib._known_refs
        # The finished orders are still the store's to answer for.
        got = await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=before[0].order_id))
        assert got.order.status == S.ORDER_STATUS_FILLED
    finally:
        await stop_ib_gateway(gw)
