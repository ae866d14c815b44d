"""The real ib_async against the TWS simulator: connect, place, modify, cancel,
brackets, global cancel, rejections, and the client id already in use.

Fault injection and reconnects are in test_tws_faults.py.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from ib_async import IB, LimitOrder, MarketOrder, Order, Stock, Trade

from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.conftest import CONNECT_TIMEOUT, connect, qualify, until
from tests.ib.wire import FrameTap, decode

AAPL = Stock("AAPL", "SMART", "USD")


def errors_of(ib: IB) -> list[tuple[int, int, str]]:
    seen: list[tuple[int, int, str]] = []
    ib.errorEvent += lambda req_id, code, text, _contract: seen.append((req_id, code, text))
    return seen


async def test_connect_completes_without_waiting_for_timeouts(sim: TwsSimulator) -> None:
    started = time.monotonic()
    ib = await connect(sim, client_id=7)
    try:
        assert time.monotonic() - started < CONNECT_TIMEOUT / 4
        assert ib.client.serverVersion() == 178
        assert ib.managedAccounts() == ["DU123456"]
        assert sim.client_ids == [7]
        assert (await ib.reqCurrentTimeAsync()).tzinfo is not None
    finally:
        ib.disconnect()
    await until(lambda: sim.client_ids == [])


async def test_market_order_fills_with_a_commission_report(ib: IB) -> None:
    reports: list[Any] = []
    ib.commissionReportEvent += lambda trade, fill, report: reports.append(report)
    trade = ib.placeOrder(AAPL, MarketOrder("BUY", 100, orderRef="mkt-1"))
    await until(lambda: trade.orderStatus.status == "Filled" and reports)
    assert [(f.execution.shares, f.execution.price) for f in trade.fills] == [(100.0, 100.0)]
    assert trade.fills[0].execution.orderRef == "mkt-1"
    assert trade.fills[0].commissionReport.commission == 1.0
    assert [(r.execId, r.currency) for r in reports] == [(trade.fills[0].execution.execId, "USD")]
    assert trade.order.permId > 0
    assert [p.position for p in await ib.reqPositionsAsync()] == [100.0]


async def test_limit_order_rests_then_a_modify_makes_it_fill(ib: IB, sim: TwsSimulator) -> None:
    trade = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 90))
    await until(lambda: trade.orderStatus.status == "Submitted")
    trade.order.lmtPrice = 101
    ib.placeOrder(AAPL, trade.order)
    await until(lambda: trade.orderStatus.status == "Filled")
    assert "Modified" in [entry.message for entry in trade.log]
    assert sim.exchange_order(trade.order.orderId).limit_price == Decimal(101)
    assert trade.fills[0].execution.price == 100.0


async def test_cancel_ends_in_cancelled_with_error_202(ib: IB) -> None:
    errors = errors_of(ib)
    trade = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 90))
    await until(lambda: trade.orderStatus.status == "Submitted")
    ib.cancelOrder(trade.order)
    await until(lambda: trade.orderStatus.status == "Cancelled" and errors)
    assert errors == [(trade.order.orderId, 202, "Order Canceled - reason:")]


async def test_bracket_waits_for_transmit_then_children_work_after_the_parent_fills(
    ib: IB, sim: TwsSimulator
) -> None:
    sim.set_price("AAPL", "105")
    parent, take_profit, stop_loss = ib.bracketOrder("BUY", 10, 100, 110, 95)
    trades = [ib.placeOrder(AAPL, parent), ib.placeOrder(AAPL, take_profit)]
    await asyncio.sleep(0.05)
    assert sim.exchange.orders == {}
    assert [t.orderStatus.status for t in trades] == ["PendingSubmit"] * 2
    trades.append(ib.placeOrder(AAPL, stop_loss))
    await until(
        lambda: [t.orderStatus.status for t in trades] == ["Submitted", *["PreSubmitted"] * 2]
    )

    sim.set_price("AAPL", "100")
    await until(
        lambda: [t.orderStatus.status for t in trades] == ["Filled", "Submitted", "PreSubmitted"]
    )
    sim.set_price("AAPL", "110")
    await until(lambda: [t.orderStatus.status for t in trades] == ["Filled", "Filled", "Cancelled"])
    assert [t.orderStatus.parentId for t in trades] == [0, parent.orderId, parent.orderId]
    assert trades[1].fills[0].execution.price == 110.0


async def test_stop_loss_child_fills_and_take_profit_is_cancelled(
    ib: IB, sim: TwsSimulator
) -> None:
    trades = [ib.placeOrder(AAPL, o) for o in ib.bracketOrder("BUY", 10, 100, 110, 95)]
    await until(
        lambda: [t.orderStatus.status for t in trades] == ["Filled", "Submitted", "PreSubmitted"]
    )
    sim.set_price("AAPL", "94")
    await until(lambda: [t.orderStatus.status for t in trades] == ["Filled", "Cancelled", "Filled"])
    assert trades[2].fills[0].execution.price == 94.0


async def test_oca_fill_shrinks_the_other_leg_and_ib_async_sees_its_quantity(
    ib: IB, sim: TwsSimulator
) -> None:
    parent, take_profit, stop_loss = ib.bracketOrder("BUY", 10, 100, 110, 95)
    for child in (take_profit, stop_loss):
        # As the gateway sends brackets: a named OCA group, reduce without block.
        child.ocaGroup, child.ocaType = "oca-7", 3
    trades = [ib.placeOrder(AAPL, o) for o in (parent, take_profit, stop_loss)]
    await until(
        lambda: [t.orderStatus.status for t in trades] == ["Filled", "Submitted", "PreSubmitted"]
    )
    sim.fill(take_profit.orderId, "4", "110")
    await until(lambda: trades[2].order.totalQuantity == 6.0)
    assert (trades[1].orderStatus.filled, trades[1].orderStatus.remaining) == (4.0, 6.0)
    assert trades[2].order.ocaGroup == "oca-7"


async def test_global_cancel_cancels_every_working_order(ib: IB, sim: TwsSimulator) -> None:
    other = await connect(sim, client_id=2)
    try:
        mine = [ib.placeOrder(AAPL, LimitOrder("BUY", 1, p)) for p in (90, 91)]
        theirs = other.placeOrder(AAPL, LimitOrder("SELL", 1, 120))
        await until(lambda: theirs.orderStatus.status == "Submitted")
        await until(lambda: all(t.orderStatus.status == "Submitted" for t in mine))
        ib.reqGlobalCancel()  # type: ignore[no-untyped-call]
        await until(lambda: all(t.orderStatus.status == "Cancelled" for t in [*mine, theirs]))
    finally:
        other.disconnect()


async def test_reject_next_reports_the_code_and_cancels_the_trade(
    ib: IB, sim: TwsSimulator
) -> None:
    errors = errors_of(ib)
    sim.reject_next(201, "Order rejected - reason: margin")
    trade = ib.placeOrder(AAPL, MarketOrder("BUY", 10))
    await until(lambda: trade.orderStatus.status == "Cancelled" and errors)
    assert errors == [(trade.order.orderId, 201, "Order rejected - reason: margin")]
    follow_up = ib.placeOrder(AAPL, MarketOrder("BUY", 10))
    await until(lambda: follow_up.orderStatus.status == "Filled")


@pytest.mark.parametrize(
    ("order", "reason"),
    [
        (
            Order(action="BUY", totalQuantity=1, orderType="PEG BEST", competeAgainstBestOffset=1),
            "order type 'PEG BEST'",
        ),
        (MarketOrder("BUY", 1, algoStrategy="ArrivalPx"), "algo 'ArrivalPx'"),
        (MarketOrder("BUY", 1, tif="GTX"), "time in force 'GTX'"),
        (MarketOrder("BUY", 1, account="U999"), "account 'U999'"),
        (LimitOrder("BUY", 1, 0), "positive lmtPrice"),
        (
            Order(action="SELL", totalQuantity=1, orderType="TRAIL", auxPrice=1, trailingPercent=1),
            "exactly one of auxPrice and trailingPercent",
        ),
    ],
    ids=["PEG BEST", "algo", "tif", "account", "no price", "trail"],
)
async def test_orders_the_simulator_cannot_honour_are_rejected_with_201(
    ib: IB, order: Order, reason: str
) -> None:
    errors = errors_of(ib)
    trade = ib.placeOrder(AAPL, order)
    await until(lambda: trade.orderStatus.status == "Cancelled" and errors)
    ((order_id, code, text),) = errors
    assert (order_id, code) == (trade.order.orderId, 201)
    assert reason in text


async def test_modify_errors(ib: IB, sim: TwsSimulator) -> None:
    errors = errors_of(ib)
    done = ib.placeOrder(AAPL, MarketOrder("BUY", 1))
    working = ib.placeOrder(AAPL, LimitOrder("BUY", 1, 90))
    await until(lambda: working.orderStatus.status == "Submitted")
    await until(lambda: done.orderStatus.status == "Filled")
    # Straight to the socket: IB.placeOrder refuses to modify a finished trade itself.
    client: Any = ib.client
    client.placeOrder(done.order.orderId, AAPL, MarketOrder("BUY", 2))
    client.placeOrder(working.order.orderId, AAPL, LimitOrder("SELL", 1, 90))
    client.cancelOrder(999)
    await until(lambda: len(errors) == 3)
    assert [(e[0], e[1]) for e in errors] == [
        (done.order.orderId, 104),
        (working.order.orderId, 105),
        (999, 10147),
    ]
    assert sim.exchange_order(working.order.orderId).side.value == "BUY"


async def test_trailing_stop_follows_the_price_up_and_triggers_on_the_way_down(
    ib: IB, sim: TwsSimulator
) -> None:
    trail = Order(action="SELL", totalQuantity=10, orderType="TRAIL", auxPrice=2)
    trade = ib.placeOrder(AAPL, trail)
    await until(lambda: trade.orderStatus.status == "PreSubmitted")
    order_id = trade.order.orderId
    assert sim.exchange_order(order_id).stop_price == Decimal(98)
    for price in ("105", "104"):
        sim.set_price("AAPL", price)
    assert sim.exchange_order(order_id).stop_price == Decimal(103)
    assert trade.orderStatus.status == "PreSubmitted"
    sim.set_price("AAPL", "103")
    await until(lambda: trade.orderStatus.status == "Filled")
    assert trade.fills[0].execution.price == 103.0
    assert trade.order.orderType == "TRAIL"


async def test_end_of_day_expires_day_opg_and_due_gtd_orders(ib: IB, sim: TwsSimulator) -> None:
    today = datetime.now(UTC).strftime("%Y%m%d")
    orders = {
        "DAY": LimitOrder("BUY", 1, 90, tif="DAY"),
        "OPG": LimitOrder("BUY", 1, 90, tif="OPG"),
        "GTD today": LimitOrder("BUY", 1, 90, tif="GTD", goodTillDate=f"{today} 23:59:59 UTC"),
        "GTD later": LimitOrder("BUY", 1, 90, tif="GTD", goodTillDate="29991231 23:59:59 UTC"),
        "GTC": LimitOrder("BUY", 1, 90, tif="GTC"),
    }
    trades: dict[str, Trade] = {name: ib.placeOrder(AAPL, o) for name, o in orders.items()}
    await until(lambda: all(t.orderStatus.status == "Submitted" for t in trades.values()))
    sim.end_of_day()
    expected = ["Cancelled"] * 3 + ["Submitted"] * 2
    await until(lambda: [t.orderStatus.status for t in trades.values()] == expected)


async def test_second_connection_with_a_client_id_in_use_gets_326(sim: TwsSimulator) -> None:
    first = await connect(sim, client_id=5)
    second = IB()
    errors = errors_of(second)
    api_errors: list[str] = []
    second.client.apiError += api_errors.append
    # ib_async keeps waiting for its connect timeout after the peer closed; the test
    # watches for the close instead of waiting that long.
    attempt = asyncio.create_task(second.connectAsync("127.0.0.1", sim.port, clientId=5))
    try:
        await until(lambda: any("already in use" in e for e in api_errors))
        assert errors == [
            (
                -1,
                326,
                "Unable to connect as the client id is already in use. "
                "Retry with a unique client id.",
            )
        ]
        assert not second.isConnected()
        assert first.isConnected()
        assert sim.client_ids == [5]
    finally:
        attempt.cancel()
        with pytest.raises(asyncio.CancelledError):
            await attempt
        first.disconnect()


async def test_every_message_of_a_session_decodes_cleanly(sim: TwsSimulator) -> None:
    """The frames of a session that uses every kind of message, each decoded alone by
    ib_async's Decoder: none may fail (ib_async would drop it with a log line)."""
    ib = IB()
    tap = FrameTap()
    ib.client.conn.hasData += tap.feed
    await ib.connectAsync("127.0.0.1", sim.port, clientId=3, timeout=CONNECT_TIMEOUT)
    try:
        filled = ib.placeOrder(AAPL, MarketOrder("BUY", 10))
        resting = ib.placeOrder(AAPL, LimitOrder("BUY", 10, 90, tif="GTD", goodTillDate="29991231"))
        trail = ib.placeOrder(
            AAPL, Order(action="SELL", totalQuantity=1, orderType="TRAIL", trailingPercent=1)
        )
        await until(
            lambda: (
                filled.isDone()
                and resting.orderStatus.status == "Submitted"
                and trail.orderStatus.status == "PreSubmitted"
            )
        )
        ib.cancelOrder(resting.order)
        sim.reject_next(201, "Order rejected - reason: test")
        ib.placeOrder(AAPL, MarketOrder("SELL", 1))
        await ib.reqExecutionsAsync()
        await ib.reqCompletedOrdersAsync(False)
        await ib.reqAllOpenOrdersAsync()
        await ib.reqPositionsAsync()
        await ib.reqCurrentTimeAsync()
        ib.client.reqIds(1)  # type: ignore[no-untyped-call]
        await until(lambda: len(tap.messages(9)) >= 2)
        aapl = await qualify(ib, Stock("AAPL", "SMART", "USD"))
        await ib.reqTickersAsync(aapl)
        await ib.accountSummaryAsync()
        ticker = ib.reqMktData(aapl)
        await until(lambda: ticker.last == 100)
        sim.set_price("AAPL", "101")
        await until(lambda: ticker.last == 101)
    finally:
        ib.disconnect()
    messages = tap.messages()
    seen = {int(m[0]) for m in messages}
    orders = {3, 4, 5, 9, 11, 15, 49, 53, 54, 55, 59, 61, 62, 74, 101, 102}
    queries = {1, 2, 6, 7, 8, 10, 52, 57, 58, 63, 64, 81}
    assert seen == orders | queries
    for fields in messages:
        assert decode(fields, quiet=True)[1] == [], fields
