"""Orders placed in TWS or by other API clients: IB lists them (every client's open
orders on each connect; TWS's own to client id 0), and the gateway records them whole,
contract and order type included, with every execution IB reports for them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import grpc
import pytest
from ib_async import (
    IB,
    CommissionReport,
    Execution,
    LimitOrder,
    Option,
    Order,
    OrderState,
    Stock,
    Trade,
)
from ibkr.gateway.v1 import events_pb2, gateway_pb2, orders_pb2

from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.conftest import CONNECT_TIMEOUT, until
from tests.ib.test_gateway_ib import IbGateway, start_ib_gateway, stop_ib_gateway
from tests.service.conftest import reaches, read_events, statuses_of

S = orders_pb2
OPTION = Option(
    "AAPL",
    "20261218",
    150.0,
    "C",
    "SMART",
    multiplier="100",
    currency="USD",
    localSymbol="AAPL  261218C00150000",
    tradingClass="AAPL",
)


@pytest.fixture
async def gw(sim: TwsSimulator, tmp_path: Path) -> AsyncIterator[IbGateway]:
    gateway = await start_ib_gateway(sim, tmp_path / "ib.db")
    try:
        yield gateway
    finally:
        await stop_ib_gateway(gateway)


async def place(client: IB, contract: Stock | Option, order: Order) -> Trade:
    trade = client.placeOrder(contract, order)
    await until(lambda: trade.orderStatus.status in ("Submitted", "PreSubmitted"))
    return trade


def by_ref(ref: str) -> gateway_pb2.GetOrderRequest:
    return gateway_pb2.GetOrderRequest(client_order_id=ref)


def recorded(*refs: str) -> object:
    def seen(events: list[events_pb2.OrderEvent]) -> bool:
        return set(refs) <= {e.order.spec.client_order_id for e in events}

    return seen


async def test_orders_of_another_client_are_recorded_whole_on_reconnect(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    other = IB()
    await other.connectAsync("127.0.0.1", sim.port, clientId=3, timeout=CONNECT_TIMEOUT)
    try:
        option = await place(other, OPTION, LimitOrder("BUY", 2, 3.5, orderRef="other-opt"))
        trail = Order(
            action="SELL",
            totalQuantity=5,
            orderType="TRAIL",
            auxPrice=2.5,
            tif="GTC",
            orderRef="other-trail",
        )
        await place(other, Stock("AAPL", "SMART", "USD"), trail)
    finally:
        other.disconnect()
    # IB tells a non-master client nothing of other clients' orders as they happen.
    with pytest.raises(Exception, match="no order with client_order_id"):
        await gw.stub.GetOrder(by_ref("other-opt"))
    sim.drop_connections()
    await read_events(gw, until=recorded("other-opt", "other-trail"))  # type: ignore[arg-type]
    found = (await gw.stub.GetOrder(by_ref("other-opt"))).order
    assert found.external
    assert found.status == S.ORDER_STATUS_SUBMITTED
    assert found.status_reason == "placed outside the gateway (IB client 3)"
    assert found.perm_id == option.order.permId
    # Its order id is another client's: it means nothing to this one.
    assert found.broker_order_id == 0
    c = found.spec.contract
    assert (c.symbol, c.sec_type, c.last_trade_date_or_contract_month) == (
        "AAPL",
        S.SECURITY_TYPE_OPTION,
        "20261218",
    )
    assert (c.strike, c.right, c.multiplier) == ("150", "C", "100")
    assert (c.local_symbol, c.trading_class) == ("AAPL  261218C00150000", "AAPL")
    assert (found.spec.order_type, found.spec.limit_price) == (S.ORDER_TYPE_LIMIT, "3.5")
    spec = (await gw.stub.GetOrder(by_ref("other-trail"))).order.spec
    assert (spec.order_type, spec.trailing_amount) == (S.ORDER_TYPE_TRAILING_STOP, "2.5")
    assert (spec.side, spec.time_in_force) == (S.SIDE_SELL, S.TIME_IN_FORCE_GTC)


async def test_another_clients_order_is_neither_modified_nor_cancelled_by_id(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    """IB knows it by its own client's order id, which the gateway does not have: a
    placeOrder under any other id would be a new order."""
    other = IB()
    await other.connectAsync("127.0.0.1", sim.port, clientId=3, timeout=CONNECT_TIMEOUT)
    try:
        await place(other, OPTION, LimitOrder("BUY", 2, 3.5, orderRef="not-ours"))
    finally:
        other.disconnect()
    sim.drop_connections()
    await read_events(gw, until=recorded("not-ours"))  # type: ignore[arg-type]
    found = (await gw.stub.GetOrder(by_ref("not-ours"))).order
    with pytest.raises(grpc.aio.AioRpcError) as modify:
        await gw.stub.ModifyOrder(
            gateway_pb2.ModifyOrderRequest(order_id=found.order_id, limit_price="3.6")
        )
    with pytest.raises(grpc.aio.AioRpcError) as cancel:
        await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=found.order_id))
    for refused in (modify.value, cancel.value):
        assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "placed by another IB client" in (refused.details() or "")
    cancelled = await gw.stub.CancelAllOrders(
        gateway_pb2.CancelAllOrdersRequest(account="DU123456")
    )
    assert list(cancelled.orders) == []
    await asyncio.sleep(0.2)
    assert len(sim.desk.records) == 1
    assert sim.exchange_order(
        *next((r.order_id, r.client_id) for r in sim.desk.records.values())
    ).working


async def test_tws_orders_that_traded_while_the_gateway_was_away_keep_their_fills(
    sim: TwsSimulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Client id 0 is TWS's own: an order placed there and filled while the gateway
    was down is listed only among completed orders, before its execution."""
    caplog.set_level(logging.INFO, logger="ibkr_gateway.sim.tws.server")
    tws = IB()
    await tws.connectAsync("127.0.0.1", sim.port, clientId=0, timeout=CONNECT_TIMEOUT)
    try:
        msft = await place(
            tws, Stock("MSFT", "SMART", "USD"), LimitOrder("BUY", 3, 50, orderRef="tws-msft")
        )
        option = await place(tws, OPTION, LimitOrder("BUY", 2, 3.5, orderRef="tws-opt"))
    finally:
        tws.disconnect()
    await until(lambda: sim.client_ids == [])
    sim.fill(msft.order.orderId, "3", "49.5", client_id=0)
    sim.fill(option.order.orderId, "1", "3.4", client_id=0)
    gw = await start_ib_gateway(sim, tmp_path / "tws.db", client_id=0)
    try:
        assert "reqAutoOpenOrders(True) from client 0" in caplog.text
        done = await gw.stub.GetOrder(by_ref("tws-msft"))
        events = await read_events(
            gw,
            until=lambda ev: (
                reaches(done.order.order_id, S.ORDER_STATUS_FILLED)(ev)
                and any(e.HasField("fill") and e.fill.client_order_id == "tws-opt" for e in ev)
            ),
        )
        assert statuses_of(events, done.order.order_id) == [
            "status_change:SUBMITTED",
            "fill:SUBMITTED",
            "status_change:FILLED",
        ]
        fills = await gw.stub.ListFills(gateway_pb2.ListFillsRequest(order_id=done.order.order_id))
        assert [(f.quantity, f.price) for f in fills.fills] == [("3", "49.5")]
        working = (await gw.stub.GetOrder(by_ref("tws-opt"))).order
        assert working.external
        assert working.spec.contract.strike == "150"
        assert working.broker_order_id == option.order.orderId
        assert working.filled_quantity == "1"
        # Client id 0 follows TWS's orders as they trade.
        sim.fill(option.order.orderId, "1", "3.3", client_id=0)
        await read_events(gw, until=reaches(working.order_id, S.ORDER_STATUS_FILLED))
    finally:
        await stop_ib_gateway(gw)


async def test_an_execution_that_comes_before_its_order_is_recorded_after_it(
    gw: IbGateway,
) -> None:
    """As a master client id sees another client's order trade: the execution may come
    before IB describes the order. It waits, then counts for the recorded order."""
    contract = Stock("IBM", "SMART", "USD", conId=8314)
    execution = Execution(
        execId="0000e0d5.65f1a2b3.01.01",
        time=datetime.now(UTC),
        acctNumber="DU123456",
        exchange="NYSE",
        side="BOT",
        shares=4.0,
        price=119.5,
        permId=424242,
        clientId=3,
        orderId=17,
        cumQty=4.0,
        avgPrice=119.5,
        orderRef="master-seen",
    )
    order = LimitOrder(
        "BUY", 10, 120.0, orderRef="master-seen", permId=424242, clientId=3, orderId=17
    )
    order.account = "DU123456"
    # As if IB had sent these.
    wrapper = gw.ib.ib.wrapper
    wrapper.execDetails(-1, contract, execution)
    wrapper.commissionReport(
        CommissionReport(execId=execution.execId, commission=0.5, currency="USD")
    )
    # The taps apply what IB sends as it arrives: a wrongly recorded fill would show now.
    with pytest.raises(Exception, match="no order with client_order_id"):
        await gw.stub.GetOrder(by_ref("master-seen"))
    wrapper.openOrder(17, contract, order, OrderState(status="Submitted"))
    found = (await gw.stub.GetOrder(by_ref("master-seen"))).order
    events = await read_events(gw, until=reaches(found.order_id, S.ORDER_STATUS_PARTIALLY_FILLED))
    assert statuses_of(events, found.order_id) == [
        "status_change:SUBMITTED",
        "fill:SUBMITTED",
        "status_change:PARTIALLY_FILLED",
    ]
    fill = next(e.fill for e in events if e.HasField("fill"))
    assert (fill.quantity, fill.price, fill.commission) == ("4", "119.5", "0.5")
