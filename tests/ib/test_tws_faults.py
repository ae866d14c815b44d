"""Fault injection in the TWS simulator, seen through the real ib_async: dropped
connections, fills while no client is connected, late, early or missing commission
reports, duplicated and reordered order statuses, orders answered by any error code,
execution corrections."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from ib_async import IB, LimitOrder, MarketOrder, Stock

from ibkr_gateway.broker import BrokerExecution
from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.conftest import CONNECT_TIMEOUT, connect, until
from tests.ib.wire import FrameTap

AAPL = Stock("AAPL", "SMART", "USD")
ORDER_STATUS, ERROR, OPEN_ORDER, EXEC_DETAILS = 3, 4, 5, 11


async def tapped(sim: TwsSimulator) -> tuple[IB, FrameTap]:
    ib = IB()
    tap = FrameTap()
    ib.client.conn.hasData += tap.feed
    await ib.connectAsync("127.0.0.1", sim.port, clientId=1, timeout=CONNECT_TIMEOUT)
    return ib, tap


def commission_times(ib: IB) -> list[float]:
    times: list[float] = []
    ib.commissionReportEvent += lambda *_: times.append(time.monotonic())
    return times


async def test_drop_connections_fires_disconnected_event(ib: IB, sim: TwsSimulator) -> None:
    gone = asyncio.Event()
    ib.disconnectedEvent += gone.set
    sim.drop_connections()
    await asyncio.wait_for(gone.wait(), 1)
    assert not ib.isConnected()
    assert sim.client_ids == []
    again = await connect(sim)
    assert sim.client_ids == [1]
    again.disconnect()


async def test_fills_while_disconnected_are_recovered_after_reconnect(
    ib: IB, sim: TwsSimulator
) -> None:
    fills_now = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 90, orderRef="will-fill"))
    stays_open = ib.placeOrder(AAPL, LimitOrder("BUY", 5, 80, orderRef="stays-open"))
    partly = ib.placeOrder(AAPL, LimitOrder("SELL", 8, 150, orderRef="partly"))
    await until(lambda: stays_open.orderStatus.status == "Submitted")
    await until(lambda: partly.orderStatus.status == "Submitted")
    sim.drop_connections()
    await until(lambda: not ib.isConnected())

    sim.set_price("AAPL", "89")
    sim.fill(partly.order.orderId, "3", "151")

    again = await connect(sim)
    try:
        executions = await again.reqExecutionsAsync()
        assert sorted((f.execution.orderRef, f.execution.shares) for f in executions) == [
            ("partly", 3.0),
            ("will-fill", 10.0),
        ]
        # A repeated reqExecutions returns new Fill objects; ib_async puts commission
        # reports on the ones it first saw (the connect's own reqExecutions).
        assert [f.commissionReport.commission for f in again.fills()] == [1.0, 1.0]
        assert {f.execution.orderId for f in executions} == {
            fills_now.order.orderId,
            partly.order.orderId,
        }
        open_trades = {t.order.orderRef: t for t in again.openTrades()}
        assert sorted(open_trades) == ["partly", "stays-open"]
        assert open_trades["partly"].orderStatus.filled == 3.0
        assert open_trades["partly"].orderStatus.remaining == 5.0
        completed = await again.reqCompletedOrdersAsync(False)
        assert [(t.order.orderRef, t.orderStatus.status) for t in completed] == [
            ("will-fill", "Filled")
        ]
        assert completed[0].order.permId == fills_now.order.permId
        assert {p.position for p in again.positions()} == {7.0}  # +10 -3
        # Reconnected, the session is live again for its old orders.
        again.cancelOrder(open_trades["stays-open"].order)
        await until(lambda: open_trades["stays-open"].orderStatus.status == "Cancelled")
    finally:
        again.disconnect()


async def test_commission_delay_sends_the_report_late(ib: IB, sim: TwsSimulator) -> None:
    sim.commission_delay = 0.2
    reports = commission_times(ib)
    trade = ib.placeOrder(AAPL, MarketOrder("BUY", 10))
    await until(lambda: trade.orderStatus.status == "Filled")
    filled_at = time.monotonic()
    assert reports == []
    await until(lambda: reports)
    assert reports[0] - filled_at > 0.1
    assert trade.fills[0].commissionReport.commission == 1.0


async def test_late_commission_of_a_dropped_session_is_not_sent_to_the_next(
    ib: IB, sim: TwsSimulator
) -> None:
    sim.commission_delay = 0.1
    trade = ib.placeOrder(AAPL, MarketOrder("BUY", 10))
    await until(lambda: trade.orderStatus.status == "Filled")
    sim.drop_connections()
    again = await connect(sim)
    try:
        reports = commission_times(again)
        await asyncio.sleep(0.2)
        assert reports == []
        (fill,) = again.fills()
        assert fill.commissionReport.commission == 1.0
    finally:
        again.disconnect()


async def test_drop_commissions_never_sends_them(ib: IB, sim: TwsSimulator) -> None:
    sim.drop_commissions = True
    reports = commission_times(ib)
    trade = ib.placeOrder(AAPL, MarketOrder("BUY", 10))
    await until(lambda: trade.orderStatus.status == "Filled")
    (fill,) = await ib.reqExecutionsAsync()
    await asyncio.sleep(0.05)
    assert reports == []
    assert fill.commissionReport.commission == 0.0


async def test_duplicate_status_sends_every_order_status_twice(sim: TwsSimulator) -> None:
    sim.duplicate_status = True
    ib, tap = await tapped(sim)
    try:
        changes: list[str] = []
        ib.orderStatusEvent += lambda t: changes.append(t.orderStatus.status)
        trade = ib.placeOrder(AAPL, MarketOrder("BUY", 10))
        await until(lambda: trade.orderStatus.status == "Filled")
        await asyncio.sleep(0.02)
    finally:
        ib.disconnect()
    statuses = [m[2] for m in tap.messages(ORDER_STATUS)]
    assert statuses == ["Submitted", "Submitted", "Filled", "Filled"]
    # ib_async swallows an orderStatus that changes nothing: one event per change.
    assert changes == ["Submitted", "Filled"]
    assert len(trade.fills) == 1


async def test_reorder_status_sends_status_before_open_order_and_execution(
    sim: TwsSimulator,
) -> None:
    sim.reorder_status = True
    ib, tap = await tapped(sim)
    reports: list[Any] = []
    ib.commissionReportEvent += lambda *args: reports.append(args)
    try:
        trade = ib.placeOrder(AAPL, MarketOrder("BUY", 10))
        await until(lambda: trade.orderStatus.status == "Filled" and reports)
    finally:
        ib.disconnect()
    sequence = [(int(m[0]), m[2] if m[0] == "3" else "") for m in tap.messages(3, 5, 11, 59)]
    assert sequence == [
        (ORDER_STATUS, "Submitted"),
        (OPEN_ORDER, ""),
        (ORDER_STATUS, "Filled"),
        (EXEC_DETAILS, ""),
        (OPEN_ORDER, ""),
        (59, ""),
    ]
    assert len(trade.fills) == 1


async def test_commission_first_sends_each_report_before_its_execution(sim: TwsSimulator) -> None:
    sim.commission_first = True
    ib, tap = await tapped(sim)
    try:
        trade = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 50))
        await until(lambda: trade.orderStatus.status == "Submitted")
        sim.fill(trade.order.orderId, "4", "50")
        sim.fill(trade.order.orderId, "6", "49")
        await until(lambda: trade.orderStatus.status == "Filled")
        await asyncio.sleep(0.02)
    finally:
        ib.disconnect()
    sequence = [(int(m[0]), m[14] if m[0] == "11" else m[2]) for m in tap.messages(11, 59)]
    first, second = (e for kind, e in sequence if kind == EXEC_DETAILS)
    assert sequence == [(59, first), (EXEC_DETAILS, first), (59, second), (EXEC_DETAILS, second)]
    # ib_async ignores a report for an execution it has not seen: the fills carry none.
    assert [f.commissionReport.commission for f in trade.fills] == [0.0, 0.0]


async def test_answer_next_order_sends_the_error_then_the_status_later(
    sim: TwsSimulator,
) -> None:
    sim.answer_next_order(10999, "Order held for an unusual reason", then="Inactive", after=0.1)
    ib, tap = await tapped(sim)
    try:
        trade = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 50))
        await until(lambda: tap.messages(ORDER_STATUS))
        follow_up = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 50))
        await until(lambda: follow_up.orderStatus.status == "Submitted")
    finally:
        ib.disconnect()
    first = str(trade.order.orderId)
    about_first = [m for m in tap.messages(ERROR, OPEN_ORDER, ORDER_STATUS) if first in m[1:3]]
    assert [(m[0], m[3] if m[0] == "4" else "") for m in about_first] == [
        ("4", "10999"),
        ("5", ""),
        ("3", ""),
    ]
    assert tap.messages(ORDER_STATUS)[0][2] == "Inactive"
    # The answer is used once: the next order is worked as usual.
    assert sim.exchange_order(follow_up.order.orderId).working


async def test_answer_next_order_without_a_status_leaves_the_order_unknown_to_the_exchange(
    ib: IB, sim: TwsSimulator
) -> None:
    errors: list[tuple[int, int]] = []
    ib.errorEvent += lambda req_id, code, *_: errors.append((req_id, code))
    sim.answer_next_order(10311, "This order will be directly routed to NYSE.")
    trade = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 50))
    await until(lambda: errors)
    assert errors == [(trade.order.orderId, 10311)]
    with pytest.raises(KeyError):
        sim.exchange_order(trade.order.orderId)


async def test_correct_execution_sends_a_revised_execution_and_its_commission(
    ib: IB, sim: TwsSimulator
) -> None:
    reports: list[Any] = []
    ib.commissionReportEvent += lambda _trade, fill, report: reports.append(
        (fill.execution.execId, report.commission)
    )
    trade = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 50))
    await until(lambda: trade.orderStatus.status == "Submitted")
    fill_reports = sim.fill(trade.order.orderId, "4", "50")
    (exec_id,) = [r.execution_id for r in fill_reports if isinstance(r, BrokerExecution)]
    corrected = sim.correct_execution(exec_id, quantity="5", price="49", commission="0.9")
    assert corrected == exec_id[:-2] + "02"
    await until(lambda: len(reports) == 2)
    assert reports == [(exec_id, 1.0), (corrected, 0.9)]
    (revised,) = [f for f in trade.fills if f.execution.execId == corrected]
    assert (revised.execution.shares, revised.execution.price, revised.execution.cumQty) == (
        5.0,
        49.0,
        5.0,
    )
    assert sim.exchange_order(trade.order.orderId).remaining == 5
    # reqExecutions lists both, as IB does; positions count the correction only.
    assert [f.execution.execId for f in await ib.reqExecutionsAsync()] == [exec_id, corrected]
    assert [p.quantity for p in sim.executions.positions()] == [5]


async def test_link_down_holds_reports_and_restore_link_sends_or_drops_them(
    ib: IB, sim: TwsSimulator
) -> None:
    codes: list[int] = []
    ib.errorEvent += lambda _req_id, code, *_: codes.append(code)
    kept = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 50))
    lost = ib.placeOrder(AAPL, LimitOrder("BUY", 5, 50))
    await until(lambda: lost.orderStatus.status == "Submitted")
    sim.link_down()
    sim.fill(kept.order.orderId, "10", "50")
    sim.restore_link(data_lost=False)
    await until(lambda: kept.orderStatus.status == "Filled")
    sim.link_down()
    sim.fill(lost.order.orderId, "5", "50")
    sim.restore_link(data_lost=True)
    await until(lambda: codes == [1100, 1102, 1100, 1101])
    await asyncio.sleep(0.05)
    assert lost.orderStatus.status == "Submitted"
    # Asked again, IB reports what was lost.
    assert {f.execution.orderId for f in await ib.reqExecutionsAsync()} == {
        kept.order.orderId,
        lost.order.orderId,
    }
