"""Orders IB forgets: after a TWS / IB Gateway restart that dropped them, or when IB
answers a cancel with 10147, an order IB had taken ends with a reason saying so, once
its executions are recorded; never while IB's listing of its orders is incomplete."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from ibkr.gateway.v1 import events_pb2, gateway_pb2, orders_pb2

from ibkr_gateway.ib.gateway import ConnectionState
from ibkr_gateway.sim.tws import TwsSimulator
from ibkr_gateway.sim.tws.incoming import ReqOpenOrders, Request
from tests.ib.conftest import until
from tests.ib.test_gateway_ib import IbGateway, get, start_ib_gateway, stop_ib_gateway, submit
from tests.service.conftest import limit_spec, reaches, read_events, statuses_of

S = orders_pb2
CLIENT_ID = 7
AFTER_RECONNECT = "IB no longer knows this order (not open, not completed after reconnect)"


def all_reach(
    targets: dict[str, orders_pb2.OrderStatus.ValueType],
) -> Callable[[list[events_pb2.OrderEvent]], bool]:
    return lambda ev: all(reaches(oid, status)(ev) for oid, status in targets.items())


def fills_of(events: list[events_pb2.OrderEvent], order_id: str) -> list[tuple[str, str]]:
    return [
        (e.fill.quantity, e.fill.price)
        for e in events
        if e.order_id == order_id and e.HasField("fill")
    ]


async def working(gw: IbGateway, *specs: orders_pb2.OrderSpec) -> list[orders_pb2.Order]:
    orders = [await submit(gw, spec) for spec in specs]
    await read_events(
        gw, until=lambda ev: all(reaches(o.order_id, S.ORDER_STATUS_SUBMITTED)(ev) for o in orders)
    )
    return orders


async def test_orders_a_restart_forgot_end_after_their_fills_are_recovered(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "forgot.db", commission_timeout=0.3)
    try:
        resting, partly, filled, cancelling = await working(
            gw,
            limit_spec("gone-resting", "40", quantity="10"),
            limit_spec("gone-partly", "40", quantity="10"),
            limit_spec("gone-filled", "40", quantity="5"),
            limit_spec("gone-cancelling", "40", quantity="5"),
        )
        # The gateway stays away while IB trades and then restarts.
        sim.busy_client_ids.add(CLIENT_ID)
        sim.drop_connections()
        await until(lambda: gw.ib.state is not ConnectionState.CONNECTED)
        await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=cancelling.order_id))
        sim.fill(partly.broker_order_id, "3", "39", client_id=CLIENT_ID)
        sim.fill(filled.broker_order_id, "5", "38", client_id=CLIENT_ID)
        sim.restart(forget_orders=True)
        # The executions then wait for their commission reports until the timeout.
        sim.drop_commissions = True
        sim.busy_client_ids.clear()
        events = await read_events(
            gw,
            until=all_reach(
                {
                    resting.order_id: S.ORDER_STATUS_CANCELLED,
                    partly.order_id: S.ORDER_STATUS_CANCELLED,
                    filled.order_id: S.ORDER_STATUS_FILLED,
                    cancelling.order_id: S.ORDER_STATUS_CANCELLED,
                }
            ),
        )
        for order in (resting, partly, cancelling):
            assert (await get(gw, order.order_id)).status_reason == AFTER_RECONNECT
        # Fills first: the order ends with what it traded.
        assert fills_of(events, partly.order_id) == [("3", "39")]
        assert statuses_of(events, partly.order_id)[-3:] == [
            "fill:SUBMITTED",
            "status_change:PARTIALLY_FILLED",
            "cancel:CANCELLED",
        ]
        assert (await get(gw, partly.order_id)).filled_quantity == "3"
        assert fills_of(events, filled.order_id) == [("5", "38")]
        assert "status_change:CANCELLED" not in statuses_of(events, filled.order_id)
        # IB's id counter started again at 1: new orders still work.
        after = await submit(gw, limit_spec("after-restart", "40"))
        assert after.broker_order_id > cancelling.broker_order_id
        await read_events(gw, until=reaches(after.order_id, S.ORDER_STATUS_SUBMITTED))
    finally:
        await stop_ib_gateway(gw)


async def test_orders_a_restart_forgot_end_at_start_up(sim: TwsSimulator, tmp_path: Path) -> None:
    db = tmp_path / "startup.db"
    gw = await start_ib_gateway(sim, db)
    (order,) = await working(gw, limit_spec("gone-at-start", "40"))
    await stop_ib_gateway(gw)
    sim.restart(forget_orders=True)
    gw = await start_ib_gateway(sim, db)
    try:
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_CANCELLED))
        assert (await get(gw, order.order_id)).status_reason == (
            "IB no longer knows this order (not open, not completed at start-up)"
        )
    finally:
        await stop_ib_gateway(gw)


async def test_an_incomplete_listing_never_ends_an_order(sim: TwsSimulator, tmp_path: Path) -> None:
    """Open orders IB does not list (the request timed out) are not gone: the
    connection attempt fails and is tried again."""
    gw = await start_ib_gateway(sim, tmp_path / "partial.db", ib={"connect_timeout": 0.3})
    try:
        (order,) = await working(gw, limit_spec("listed-late", "40", quantity="4"))

        def open_orders(request: Request) -> bool:
            return isinstance(request, ReqOpenOrders)

        sim.ignore = open_orders
        sim.drop_connections()
        await asyncio.sleep(1.2)
        assert gw.ib.state is not ConnectionState.CONNECTED
        assert (await get(gw, order.order_id)).status == S.ORDER_STATUS_SUBMITTED
        sim.ignore = None
        await until(lambda: gw.ib.state is ConnectionState.CONNECTED, seconds=5)
        sim.fill(order.broker_order_id, client_id=CLIENT_ID)
        events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        assert "cancel:CANCELLED" not in statuses_of(events, order.order_id)
    finally:
        await stop_ib_gateway(gw)


async def test_a_cancel_answered_10147_ends_the_order_with_its_fills(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "10147.db")
    try:
        (order,) = await working(gw, limit_spec("not-found", "40", quantity="10"))
        sim.fill(order.broker_order_id, "4", "40", client_id=CLIENT_ID)
        await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_PARTIALLY_FILLED))
        sim.forget_order(order.broker_order_id, CLIENT_ID)
        await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=order.order_id))
        events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_CANCELLED))
        assert statuses_of(events, order.order_id)[-2:] == [
            "status_change:PENDING_CANCEL",
            "cancel:CANCELLED",
        ]
        final = await get(gw, order.order_id)
        assert final.status_reason.startswith("IB no longer knows this order (IB error 10147: ")
        assert final.filled_quantity == "4"
    finally:
        await stop_ib_gateway(gw)
