"""Several gateways share one database, each with its own gateway id: each sees only its
own journal, orders and fills, with sequences of its own, and one gateway writes per id."""

from __future__ import annotations

import asyncio
import threading

import psycopg
import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from bench.journal import order_events
from ibkr_gateway.store.base import FillQuery, OrderQuery
from ibkr_gateway.store.lock import DatabaseLocked
from ibkr_gateway.store.pg_connect import lock_key
from ibkr_gateway.store.postgres import PostgresOrderStore
from tests.pg import PostgresServer
from tests.service.conftest import (
    limit_spec,
    order_spec,
    reaches,
    read_events,
    start_gateway,
    stop_gateway,
    submit,
)


async def test_stores_of_two_gateway_ids_see_only_their_own(postgres: PostgresServer) -> None:
    db = postgres.new_database()
    a = PostgresOrderStore(db, "desk-a")
    b = PostgresOrderStore(db, "desk-b")
    try:
        # The same order ids and execution ids in both: keyed by gateway id, no clash.
        await a.append(order_events(0) + order_events(1))[1]
        await b.append(order_events(0))[1]
        assert [e.sequence for e in a.read_events(0, 100)] == list(range(1, 9))
        assert [e.sequence for e in b.read_events(0, 100)] == [1, 2, 3, 4]
        assert [r.sequence for r in await b.read_journal(0, 100)] == [1, 2, 3, 4]
        assert len(a.list_orders(OrderQuery(), 0, 100)) == 2
        assert len(b.list_orders(OrderQuery(), 0, 100)) == 1
        assert len(a.list_fills(FillQuery(), 0, 100)) == 2
        assert len(b.list_fills(FillQuery(), 0, 100)) == 1
        assert b.get_order("journal-00000001") is None
        assert a.get_order("journal-00000001") is not None
        assert b.find_order_by_broker_id(2) is None
        assert b.max_broker_order_id() == 1
        assert a.count_orders_by_status() == {"FILLED": 2}
    finally:
        await a.close()
        await b.close()
    # Each carries on where it stopped.
    again = PostgresOrderStore(db, "desk-b")
    try:
        assert again.last_sequence == 4
        await again.append(order_events(5))[1]
        assert [e.sequence for e in again.read_events(4, 100)] == [5, 6, 7, 8]
    finally:
        await again.close()


async def test_one_writer_per_gateway_id(postgres: PostgresServer) -> None:
    db = postgres.new_database()
    first = PostgresOrderStore(db, "desk")
    try:
        with pytest.raises(DatabaseLocked, match=r"gateway id 'desk' .* in use by another"):
            PostgresOrderStore(db, "desk")
    finally:
        await first.close()
    # Closing lets the next one in at once (a restart): the lock is gone when close
    # returns, not only once the server has seen the session end.
    with postgres.admin() as admin:
        for _ in range(30):
            await PostgresOrderStore(db, "desk").close()
            held = admin.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND ((classid::bigint << 32) | objid::bigint) = %s",
                (lock_key("desk"),),
            ).fetchone()
            assert held == (0,)


async def test_list_orders_and_fills_of_one_gateway_never_show_anothers(
    postgres: PostgresServer,
) -> None:
    db = postgres.new_database()
    one = await start_gateway(db, gateway_id="one")
    two = await start_gateway(db, gateway_id="two")
    try:
        mine = await submit(one, order_spec("mine"))
        theirs = await submit(two, order_spec("theirs"))
        resting = await submit(two, limit_spec("resting"))
        for gw, order in ((one, mine), (two, theirs)):
            await read_events(gw, until=reaches(order.order_id, orders_pb2.ORDER_STATUS_FILLED))
        listed = await one.stub.ListOrders(gateway_pb2.ListOrdersRequest())
        assert [o.order_id for o in listed.orders] == [mine.order_id]
        listed = await two.stub.ListOrders(gateway_pb2.ListOrdersRequest())
        assert [o.order_id for o in listed.orders] == [theirs.order_id, resting.order_id]
        fills = await one.stub.ListFills(gateway_pb2.ListFillsRequest())
        assert [f.order_id for f in fills.fills] == [mine.order_id]
        fills = await two.stub.ListFills(gateway_pb2.ListFillsRequest())
        assert [f.order_id for f in fills.fills] == [theirs.order_id]
        # The same client order id on the other gateway is a new order, not a retry.
        again = await submit(one, limit_spec("resting"))
        assert again.order_id != resting.order_id
        # Each journal starts at 1 and holds only its own gateway's events.
        events = await read_events(
            one, until=reaches(again.order_id, orders_pb2.ORDER_STATUS_SUBMITTED)
        )
        assert {e.order_id for e in events} == {mine.order_id, again.order_id}
        assert events[0].sequence == 1
    finally:
        await stop_gateway(one)
        await stop_gateway(two)


async def test_a_gateway_restarted_at_once_waits_for_the_dead_ones_lock(
    postgres: PostgresServer,
) -> None:
    """A session whose process just died holds the lock until the server has seen it end:
    the next gateway waits for that (briefly) instead of refusing to start."""
    db = postgres.new_database()
    dying = psycopg.connect(db, autocommit=True)
    dying.execute("SELECT pg_advisory_lock(%s)", (lock_key("desk"),))
    released = threading.Timer(0.5, dying.close)
    released.start()
    try:
        store = await asyncio.to_thread(PostgresOrderStore, db, "desk")
        await store.close()
    finally:
        released.join()
