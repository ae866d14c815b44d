"""Positions reconciled with IB's (reqPositions) on --backend ib, through the TWS
simulator: adopted at connect, discrepancies while connected, fills in flight neither."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from ib_async import MarketOrder, Stock
from ibkr.gateway.v1 import account_pb2, account_pb2_grpc, orders_pb2

from ibkr_gateway.position.reconciler import PositionReconciler
from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.conftest import connect, qualify, until
from tests.ib.test_gateway_ib import IbGateway, start_ib_gateway, stop_ib_gateway, submit
from tests.service.conftest import limit_spec, order_spec, reaches, read_events

ADJUSTMENT = account_pb2.POSITION_CHANGE_CAUSE_ADJUSTMENT
DISCREPANCY = account_pb2.POSITION_CHANGE_CAUSE_DISCREPANCY
INTERVAL = 0.1


def reconciler(gw: IbGateway) -> PositionReconciler:
    assert gw.server.reconciler is not None
    return gw.server.reconciler


async def position_events(gw: IbGateway) -> list[account_pb2.PositionEvent]:
    """Every position change published so far."""
    stub = account_pb2_grpc.AccountServiceStub(gw.channel)
    upto = gw.server.bus.last_sequence
    found: list[account_pb2.PositionEvent] = []
    async with asyncio.timeout(10):
        async for message in stub.StreamPositions(account_pb2.StreamPositionsRequest()):
            if message.HasField("heartbeat"):
                return found
            found.append(message.event)
            if message.event.sequence >= upto:
                return found
    return found


async def events_where(
    gw: IbGateway, condition: Callable[[list[account_pb2.PositionEvent]], bool]
) -> list[account_pb2.PositionEvent]:
    """The position changes from the start of the journal, once they meet the condition
    (followed live)."""
    stub = account_pb2_grpc.AccountServiceStub(gw.channel)
    found: list[account_pb2.PositionEvent] = []
    async with asyncio.timeout(10):
        async for message in stub.StreamPositions(account_pb2.StreamPositionsRequest()):
            if message.HasField("event"):
                found.append(message.event)
                if condition(found):
                    return found
    raise AssertionError(f"the position stream ended at {found}")


async def positions(gw: IbGateway) -> dict[str, account_pb2.Position]:
    stub = account_pb2_grpc.AccountServiceStub(gw.channel)
    listed = await stub.ListPositions(account_pb2.ListPositionsRequest())
    return {p.contract.symbol: p for p in listed.positions}


async def passes(gw: IbGateway, more: int) -> None:
    """Waits until the reconciler has finished `more` passes from now."""
    target = reconciler(gw).passes + more
    await until(lambda: reconciler(gw).passes >= target, 10)


@pytest.fixture
async def gw(sim: TwsSimulator, tmp_path: Path) -> AsyncIterator[IbGateway]:
    gateway = await start_ib_gateway(sim, tmp_path / "ib.db", reconcile_interval=INTERVAL)
    try:
        yield gateway
    finally:
        await stop_ib_gateway(gateway)


async def test_positions_held_before_the_gateway_are_adopted_once(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    sim.hold("AAPL", "50", "95.5")
    sim.hold("MSFT", "-20", "300")
    db = tmp_path / "adopt.db"
    gw = await start_ib_gateway(sim, db, reconcile_interval=INTERVAL)
    try:
        events = await events_where(gw, lambda found: len(found) == 2)
        assert [(e.position.contract.symbol, e.cause) for e in events] == [
            ("AAPL", ADJUSTMENT),
            ("MSFT", ADJUSTMENT),
        ]
        aapl = events[0]
        assert (aapl.previous_quantity, aapl.position.quantity, aapl.broker_quantity) == (
            "0",
            "50",
            "50",
        )
        assert "adopted from IB at connect" in aapl.reason
        assert "held before the gateway" in aapl.reason
        held = await positions(gw)
        assert (held["AAPL"].quantity, held["AAPL"].average_cost) == ("50", "95.5")
        assert (held["MSFT"].quantity, held["MSFT"].average_cost) == ("-20", "300")
        # Trades build on what was adopted.
        order = await submit(gw, order_spec("after-adopt", quantity="10"))
        await read_events(gw, until=reaches(order.order_id, orders_pb2.ORDER_STATUS_FILLED))
        await passes(gw, 2)
        assert (await positions(gw))["AAPL"].quantity == "60"
        journal_end = gw.server.store.last_sequence
    finally:
        await stop_ib_gateway(gw)
    gw = await start_ib_gateway(sim, db, reconcile_interval=INTERVAL)
    try:
        await passes(gw, 3)
        # Nothing adopted again, nothing doubled: the restart journals nothing.
        assert reconciler(gw).adoptions == 0
        assert gw.server.store.last_sequence == journal_end
        assert (await positions(gw))["AAPL"].quantity == "60"
    finally:
        await stop_ib_gateway(gw)


async def test_a_position_changed_behind_the_gateway_is_a_discrepancy(
    gw: IbGateway, sim: TwsSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="ibkr_gateway.position.reconciler")
    order = await submit(gw, order_spec("mine", quantity="100"))
    await read_events(gw, until=reaches(order.order_id, orders_pb2.ORDER_STATUS_FILLED))
    await passes(gw, 2)
    assert reconciler(gw).discrepancies == 0
    # Another API client buys 30 in the same account; this gateway is told nothing.
    other = await connect(sim, client_id=9)
    try:
        trade = other.placeOrder(
            await qualify(other, Stock("AAPL", "SMART", "USD")), MarketOrder("BUY", 30)
        )
        await until(lambda: trade.orderStatus.status == "Filled")
    finally:
        other.disconnect()
    found = await events_where(gw, lambda found: any(e.cause == DISCREPANCY for e in found))
    (event,) = [e for e in found if e.cause == DISCREPANCY]
    assert (event.position.quantity, event.previous_quantity, event.broker_quantity) == (
        "100",
        "100",
        "130",
    )
    assert event.reason == "IB holds 130, the gateway's fills make 100"
    # The position stays what the fills make.
    assert (await positions(gw))["AAPL"].quantity == "100"
    (line,) = [r.getMessage() for r in caplog.records if "discrepancy" in r.getMessage()]
    con_id = event.position.contract.con_id
    assert line == (
        f"position discrepancy: account DU123456, contract STK:AAPL:USD (conId {con_id}), "
        "IB 130, gateway 100"
    )
    samples = gw.server.metrics.registry
    assert samples.get_sample_value("ibkr_gateway_position_discrepancies_total") == 1
    assert samples.get_sample_value("ibkr_gateway_position_discrepancies_open") == 1
    # Reported once for this pair of quantities, not on every pass.
    await passes(gw, 3)
    assert reconciler(gw).discrepancies == 1
    # Sold back elsewhere: the positions agree again.
    sim.hold("AAPL", "-30", "100")
    await until(lambda: reconciler(gw).open_discrepancies == 0, 5 * INTERVAL + 5)
    assert samples.get_sample_value("ibkr_gateway_position_discrepancies_open") == 0
    assert samples.get_sample_value("ibkr_gateway_position_discrepancies_total") == 1


async def test_a_fill_in_flight_is_neither_a_discrepancy_nor_counted_twice(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    # IB counts the execution in its positions at once; its execDetails comes late.
    sim.report_delay = 3.0
    order = await submit(gw, order_spec("late", quantity="100"))
    await until(lambda: sim.executions.positions() != [])
    await passes(gw, 3)
    # The passes ran while the execution was still on its way.
    assert (await positions(gw)) == {}
    await read_events(gw, until=reaches(order.order_id, orders_pb2.ORDER_STATUS_FILLED))
    await passes(gw, 3)
    assert (await positions(gw))["AAPL"].quantity == "100"
    assert [e.cause for e in await position_events(gw)] == [account_pb2.POSITION_CHANGE_CAUSE_FILL]
    assert (reconciler(gw).discrepancies, reconciler(gw).adoptions) == (0, 0)


async def test_a_fill_made_while_the_gateway_was_away_is_recorded_not_adopted(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    db = tmp_path / "away.db"
    gw = await start_ib_gateway(sim, db, reconcile_interval=INTERVAL)
    try:
        order = await submit(gw, limit_spec("resting", "90", quantity="100"))
        await read_events(gw, until=reaches(order.order_id, orders_pb2.ORDER_STATUS_SUBMITTED))
    finally:
        await stop_ib_gateway(gw)
    # IB fills it while the gateway is stopped: IB's position counts it at once. Its
    # commission report is lost, so the execution stays in flight a while after the
    # connect (until --commission-timeout), while IB already counts it.
    sim.fill(order.broker_order_id, client_id=7)
    sim.drop_commissions = True
    gw = await start_ib_gateway(sim, db, reconcile_interval=INTERVAL, commission_timeout=1.0)
    try:
        await read_events(gw, until=reaches(order.order_id, orders_pb2.ORDER_STATUS_FILLED))
        await passes(gw, 3)
        assert (await positions(gw))["AAPL"].quantity == "100"
        causes = [e.cause for e in await position_events(gw)]
        assert causes == [account_pb2.POSITION_CHANGE_CAUSE_FILL]
        assert (reconciler(gw).adoptions, reconciler(gw).discrepancies) == (0, 0)
    finally:
        await stop_ib_gateway(gw)


async def test_a_resting_order_delays_a_discrepancy_by_its_grace_only(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(
        sim, tmp_path / "resting.db", reconcile_interval=INTERVAL, commission_timeout=0.5
    )
    try:
        resting = await submit(gw, limit_spec("resting", "50", quantity="10"))
        await read_events(gw, until=reaches(resting.order_id, orders_pb2.ORDER_STATUS_SUBMITTED))
        sim.hold("AAPL", "25", "100")
        found = await events_where(gw, lambda found: any(e.cause == DISCREPANCY for e in found))
        (event,) = [e for e in found if e.cause == DISCREPANCY]
        assert (event.position.quantity, event.broker_quantity) == ("0", "25")
        # The order still rests: the position is left alone, not adopted.
        assert reconciler(gw).adoptions == 0
        assert (await positions(gw)) == {}
    finally:
        await stop_ib_gateway(gw)
