"""Two real clients drive the TWS simulator through a whole session: connect, qualify
a contract, place, modify (into a fill), cancel, then executions, positions and the
account summary. ib_async and IB's own client (`ibapi`, the 10.x TWS API) decode
every message differently; both must get through with no decode failure, no wait
left unanswered, and no error callback but the cancel's 202."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from ib_async import LimitOrder, Stock
from ibapi.client import EClient
from ibapi.contract import Contract as IbapiContract
from ibapi.execution import ExecutionFilter as IbapiExecutionFilter
from ibapi.order import Order as IbapiOrder
from ibapi.order_cancel import OrderCancel
from ibapi.tag_value import TagValue as IbapiTagValue
from ibapi.wrapper import EWrapper

from ibkr_gateway.sim.tws import TwsSimulator
from ibkr_gateway.sim.tws.contracts import con_id_for
from ibkr_gateway.sim.tws.reports import CANCELLED_TEXT
from tests.ib.conftest import connect, qualify, until
from tests.ib.wire import ListHandler

SUMMARY_TAGS = "NetLiquidation,TotalCashValue,BuyingPower,AvailableFunds,GrossPositionValue"
# Cash after buying 10 at 100 with a commission of 1.00, from 1,000,000.
EXPECTED_SUMMARY = {
    "NetLiquidation": "999999.00",
    "TotalCashValue": "998999.00",
    "GrossPositionValue": "1000.00",
    "AvailableFunds": "999499.00",
    "BuyingPower": "3997996.00",
}
STEP = 5.0  # seconds any one answer may take


async def test_ib_async_drives_a_whole_session(sim: TwsSimulator) -> None:
    ib = await connect(sim)
    errors: list[tuple[int, int, str]] = []
    ib.errorEvent += lambda req_id, code, text, _contract: errors.append((req_id, code, text))
    try:
        aapl = await asyncio.wait_for(qualify(ib, Stock("AAPL", "SMART", "USD")), STEP)
        assert aapl.conId == con_id_for("AAPL")
        trade = ib.placeOrder(aapl, LimitOrder("BUY", 10, 99))
        await until(lambda: trade.orderStatus.status == "Submitted", STEP)
        trade.order.lmtPrice = 100.5
        ib.placeOrder(aapl, trade.order)
        await until(lambda: trade.orderStatus.status == "Filled", STEP)
        resting = ib.placeOrder(aapl, LimitOrder("SELL", 5, 120))
        await until(lambda: resting.orderStatus.status == "Submitted", STEP)
        ib.cancelOrder(resting.order)
        await until(lambda: resting.orderStatus.status == "Cancelled", STEP)

        fills = await asyncio.wait_for(ib.reqExecutionsAsync(), STEP)
        assert [(f.execution.shares, f.execution.price) for f in fills] == [(10.0, 100.0)]
        positions = await asyncio.wait_for(ib.reqPositionsAsync(), STEP)
        assert [(p.contract.conId, p.position) for p in positions] == [(aapl.conId, 10.0)]
        summary = await asyncio.wait_for(ib.accountSummaryAsync(), STEP)
        values = {v.tag: v.value for v in summary if v.tag in EXPECTED_SUMMARY}
        assert values == EXPECTED_SUMMARY
    finally:
        ib.disconnect()
    assert errors == [(resting.order.orderId, 202, CANCELLED_TEXT)]


class IbapiApp(EWrapper, EClient):  # type: ignore[misc]  # ibapi is untyped
    """Records what IB's client hands to its wrapper; the callbacks run on the
    client's reader thread, the test reads from the event loop."""

    def __init__(self) -> None:
        EWrapper.__init__(self)
        EClient.__init__(self, self)
        self.next_id = 0
        self.accounts = ""
        self.errors: list[tuple[int, int, str]] = []
        self.ended: set[tuple[str, int]] = set()
        self.details: list[Any] = []
        self.statuses: dict[int, str] = {}
        self.open_orders: dict[int, Any] = {}
        self.executions: list[Any] = []
        self.commissions: list[Any] = []
        self.positions: list[tuple[str, int, Decimal]] = []
        self.summary: dict[str, str] = {}
        self.failure: BaseException | None = None

    def run_recording(self) -> None:
        try:
            self.run()
        except BaseException as exc:  # a decode failure ends ibapi's loop this way
            self.failure = exc

    def error(
        self,
        reqId: int,
        errorTime: int,
        errorCode: int,
        errorString: str,
        advancedOrderRejectJson: str = "",
    ) -> None:
        self.errors.append((reqId, errorCode, errorString))

    def nextValidId(self, orderId: int) -> None:
        self.next_id = orderId

    def managedAccounts(self, accountsList: str) -> None:
        self.accounts = accountsList

    def contractDetails(self, reqId: int, contractDetails: Any) -> None:
        self.details.append(contractDetails)

    def contractDetailsEnd(self, reqId: int) -> None:
        self.ended.add(("contractDetails", reqId))

    def openOrder(self, orderId: int, contract: Any, order: Any, orderState: Any) -> None:
        self.open_orders[orderId] = order

    def orderStatus(self, orderId: int, status: str, *rest: Any) -> None:
        self.statuses[orderId] = status

    def execDetails(self, reqId: int, contract: Any, execution: Any) -> None:
        self.executions.append((reqId, execution))

    def execDetailsEnd(self, reqId: int) -> None:
        self.ended.add(("execDetails", reqId))

    def commissionAndFeesReport(self, commissionAndFeesReport: Any) -> None:
        self.commissions.append(commissionAndFeesReport)

    def position(self, account: str, contract: Any, position: Decimal, avgCost: float) -> None:
        self.positions.append((account, contract.conId, position))

    def positionEnd(self) -> None:
        self.ended.add(("position", 0))

    def accountSummary(self, reqId: int, account: str, tag: str, value: str, currency: str) -> None:
        self.summary[tag] = value

    def accountSummaryEnd(self, reqId: int) -> None:
        self.ended.add(("accountSummary", reqId))


@pytest.fixture
def ibapi_logs() -> Iterator[list[logging.LogRecord]]:
    """ibapi's own log records at WARNING and above (its decoder logs what it cannot
    read); the test fails on any."""
    handler = ListHandler()
    handler.setLevel(logging.WARNING)
    logger = logging.getLogger("ibapi")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)
    assert [r.getMessage() for r in handler.records] == []


async def test_ibapi_drives_a_whole_session(
    sim: TwsSimulator, ibapi_logs: list[logging.LogRecord]
) -> None:
    app = IbapiApp()
    # ibapi's connect blocks on the socket; the simulator answers from this loop.
    await asyncio.wait_for(asyncio.to_thread(app.connect, "127.0.0.1", sim.port, 9), STEP)
    assert app.serverVersion() == 178
    reader = threading.Thread(target=app.run_recording, name="ibapi-run", daemon=True)
    reader.start()

    async def answered(condition: Any) -> None:
        await until(lambda: app.failure is not None or condition(), STEP)
        assert app.failure is None, app.failure

    try:
        await answered(lambda: app.next_id and app.accounts)
        assert app.accounts == "DU123456"
        assert sim.client_ids == [9]

        query = IbapiContract()
        query.symbol, query.secType, query.exchange, query.currency = "AAPL", "STK", "SMART", "USD"
        app.reqContractDetails(1, query)
        await answered(lambda: ("contractDetails", 1) in app.ended)
        (details,) = app.details
        aapl = details.contract
        assert (aapl.conId, details.minTick, details.longName) == (
            con_id_for("AAPL"),
            0.01,
            "APPLE INC",
        )

        buy_id = app.next_id
        buy = IbapiOrder()
        buy.action, buy.totalQuantity, buy.orderType, buy.lmtPrice = "BUY", Decimal(10), "LMT", 99
        app.placeOrder(buy_id, aapl, buy)
        await answered(lambda: app.statuses.get(buy_id) == "Submitted")
        buy.lmtPrice = 100.5
        app.placeOrder(buy_id, aapl, buy)  # the modify makes it marketable
        await answered(lambda: app.statuses.get(buy_id) == "Filled" and app.commissions)
        assert app.open_orders[buy_id].lmtPrice == 100.5

        sell_id = buy_id + 1
        sell = IbapiOrder()
        sell.action, sell.totalQuantity, sell.orderType, sell.lmtPrice = (
            "SELL",
            Decimal(5),
            "LMT",
            120,
        )
        app.placeOrder(sell_id, aapl, sell)
        await answered(lambda: app.statuses.get(sell_id) == "Submitted")
        app.cancelOrder(sell_id, OrderCancel())
        await answered(lambda: app.statuses.get(sell_id) == "Cancelled")

        app.executions.clear()
        app.reqExecutions(2, IbapiExecutionFilter())
        await answered(lambda: ("execDetails", 2) in app.ended)
        assert [(r, e.orderId, e.shares, e.price) for r, e in app.executions] == [
            (2, buy_id, Decimal(10), 100.0)
        ]
        app.reqPositions()
        await answered(lambda: ("position", 0) in app.ended)
        assert app.positions == [("DU123456", aapl.conId, Decimal(10))]
        app.reqAccountSummary(3, "All", SUMMARY_TAGS)
        await answered(lambda: ("accountSummary", 3) in app.ended)
        app.cancelAccountSummary(3)
        assert app.summary == EXPECTED_SUMMARY
        await asyncio.sleep(0.05)  # anything the last requests caused has arrived
        assert app.errors == [(sell_id, 202, CANCELLED_TEXT)]
        assert app.failure is None, app.failure
    finally:
        app.disconnect()
        await asyncio.to_thread(reader.join, STEP)
    assert not reader.is_alive()
    await until(lambda: sim.client_ids == [], STEP)


def _ibapi_order(order_type: str, **fields: Any) -> Any:
    order = IbapiOrder()
    order.action, order.totalQuantity, order.orderType = "SELL", Decimal(300), order_type
    for name, value in fields.items():
        setattr(order, name, value)
    return order


async def test_ibapi_decodes_the_simulators_open_orders_of_every_order_type(
    sim: TwsSimulator, ibapi_logs: list[logging.LogRecord]
) -> None:
    """Algo parameters, the limit offset, the display size and the hidden flag come
    back in openOrder where IB's own client reads them."""
    app = IbapiApp()
    await asyncio.wait_for(asyncio.to_thread(app.connect, "127.0.0.1", sim.port, 9), STEP)
    reader = threading.Thread(target=app.run_recording, name="ibapi-run", daemon=True)
    reader.start()

    async def answered(condition: Any) -> None:
        await until(lambda: app.failure is not None or condition(), STEP)
        assert app.failure is None, app.failure

    vwap = [IbapiTagValue("maxPctVol", "0.1"), IbapiTagValue("noTakeLiq", "1")]
    orders = {
        "vwap": _ibapi_order("LMT", lmtPrice=120, algoStrategy="Vwap", algoParams=vwap),
        "trail limit": _ibapi_order("TRAIL LIMIT", auxPrice=2, lmtPriceOffset=0.5),
        "iceberg": _ibapi_order("LMT", lmtPrice=120, displaySize=100),
        "hidden rel": _ibapi_order("REL", lmtPrice=120, auxPrice=0.01, hidden=True),
        "lit": _ibapi_order("LIT", lmtPrice=120, auxPrice=119),
        "moc": _ibapi_order("MOC"),
    }
    try:
        await answered(lambda: app.next_id)
        aapl = IbapiContract()
        aapl.symbol, aapl.secType, aapl.exchange, aapl.currency = "AAPL", "STK", "SMART", "USD"
        ids = {name: app.next_id + i for i, name in enumerate(orders)}
        for name, order in orders.items():
            app.placeOrder(ids[name], aapl, order)
        await answered(lambda: all(i in app.open_orders for i in ids.values()))
        got = {name: app.open_orders[i] for name, i in ids.items()}
        assert got["vwap"].algoStrategy == "Vwap"
        assert [(t.tag, t.value) for t in got["vwap"].algoParams] == [
            ("maxPctVol", "0.1"),
            ("noTakeLiq", "1"),
        ]
        trail = got["trail limit"]
        assert (trail.orderType, trail.auxPrice, trail.lmtPriceOffset) == ("TRAIL LIMIT", 2, 0.5)
        assert trail.trailStopPrice == 98  # where the simulator started the stop
        assert got["iceberg"].displaySize == 100
        assert (got["hidden rel"].orderType, got["hidden rel"].hidden) == ("REL", True)
        assert (got["lit"].lmtPrice, got["lit"].auxPrice) == (120, 119)
        assert got["moc"].orderType == "MOC"
        assert app.errors == []
    finally:
        app.disconnect()
        await asyncio.to_thread(reader.join, STEP)
    assert not reader.is_alive()
