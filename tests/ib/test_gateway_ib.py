"""The whole gateway on --backend ib: gRPC, OrderManager, IBGateway, ib_async, TWS simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import grpc
import pytest
from ib_async import IB, LimitOrder, Stock
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.ib.gateway import ClientIdInUse, ConnectionState, IBGateway
from ibkr_gateway.rpc.server import GatewayConfig, GatewayServer
from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.conftest import until
from tests.service.conftest import (
    error_details,
    limit_spec,
    order_spec,
    reaches,
    read_events,
    statuses_of,
)

S = orders_pb2


@dataclass
class IbGateway:
    server: GatewayServer
    channel: grpc.aio.Channel
    stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub

    @property
    def ib(self) -> IBGateway:
        assert isinstance(self.server.broker, IBGateway)
        return self.server.broker


async def start_ib_gateway(
    sim: TwsSimulator, db: Path, client_id: int = 7, **settings: Any
) -> IbGateway:
    ib_settings = {
        "port": sim.port,
        "client_id": client_id,
        "account_id": "DU123456",
        "connect_timeout": 3.0,
        "reconnect_initial_delay": 0.05,
        "reconnect_max_delay": 0.2,
    } | settings.pop("ib", {})
    config = GatewayConfig(
        listen="127.0.0.1:0",
        backend="ib",
        db_path=str(db),
        heartbeat_interval=0.2,
        ib=IBGatewayConfig(**ib_settings),
        **settings,
    )
    server = GatewayServer(config)
    port = await server.start()
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    return IbGateway(server, channel, gateway_pb2_grpc.OrderGatewayServiceStub(channel))


async def stop_ib_gateway(gw: IbGateway) -> None:
    await gw.channel.close()
    await gw.server.stop()


@pytest.fixture
async def gw(sim: TwsSimulator, tmp_path: Path) -> AsyncIterator[IbGateway]:
    gateway = await start_ib_gateway(sim, tmp_path / "ib.db")
    try:
        yield gateway
    finally:
        await stop_ib_gateway(gateway)


async def submit(gw: IbGateway, spec: orders_pb2.OrderSpec) -> orders_pb2.Order:
    return (await gw.stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=spec))).order


async def get(gw: IbGateway, order_id: str) -> orders_pb2.Order:
    return (await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=order_id))).order


async def test_only_accounts_of_the_ib_login_take_orders(gw: IbGateway, sim: TwsSimulator) -> None:
    assert gw.ib.managed_accounts() == {"DU123456"}
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, limit_spec("ib-stranger", "50", account="DU999"))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(error_details(caught.value)[1]) == ["order.account"]
    assert gw.server.store.last_sequence == 0
    assert sim.exchange.orders == {}
    order = await submit(gw, limit_spec("ib-managed", "50", account="DU123456"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))


async def test_market_order_fills_with_its_commission(gw: IbGateway) -> None:
    order = await submit(gw, order_spec("ib-mkt", quantity="100"))
    assert order.status == S.ORDER_STATUS_PENDING_SUBMIT
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    assert statuses_of(events, order.order_id) == [
        "status_change:PENDING_SUBMIT",
        "status_change:SUBMITTED",
        "fill:SUBMITTED",
        "status_change:FILLED",
    ]
    fill = next(e.fill for e in events if e.HasField("fill"))
    assert (fill.quantity, fill.price, fill.commission) == ("100", "100", "1")
    got = await get(gw, order.order_id)
    assert got.perm_id > 0
    assert got.broker_order_id == order.broker_order_id


async def test_limit_rests_is_modified_then_cancelled(gw: IbGateway, sim: TwsSimulator) -> None:
    order = await submit(gw, limit_spec("ib-lmt", "50"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(order_id=order.order_id, limit_price="60")
    )
    await until(lambda: sim.exchange_order(order.broker_order_id, 7).limit_price == 60)
    await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=order.order_id))
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_CANCELLED))
    assert statuses_of(events, order.order_id)[-2:] == [
        "status_change:PENDING_CANCEL",
        "cancel:CANCELLED",
    ]


async def test_refused_modification_is_rolled_back(gw: IbGateway) -> None:
    order = await submit(gw, limit_spec("ib-modfail", "50", quantity="10"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(order_id=order.order_id, limit_price="55")
    )
    # As if IB had refused the modification (the order kept its old price).
    gw.ib.ib.wrapper.error(order.broker_order_id, 105, "Order being modified does not match", "")
    events = await read_events(
        gw, until=lambda ev: sum(1 for e in ev if e.HasField("modification")) == 2
    )
    rollback = [e for e in events if e.HasField("modification")][-1]
    assert rollback.order.spec.limit_price == "50"
    assert rollback.modification.previous_limit_price == "55"
    assert "IB error 105" in rollback.modification.reason
    assert (await get(gw, order.order_id)).status == S.ORDER_STATUS_SUBMITTED


async def test_refused_modification_of_a_working_order_keeps_it_working(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    order = await submit(gw, limit_spec("ib-offtick", "50", quantity="10"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    sim.desk.refuse_next_modify = (110, "The price does not conform to the minimum tick")
    await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(order_id=order.order_id, limit_price="55")
    )
    events = await read_events(
        gw, until=lambda ev: sum(1 for e in ev if e.HasField("modification")) == 2
    )
    rollback = [e for e in events if e.HasField("modification")][-1]
    assert rollback.order.spec.limit_price == "50"
    assert "IB error 110" in rollback.modification.reason
    assert (await get(gw, order.order_id)).status == S.ORDER_STATUS_SUBMITTED
    sim.fill(order.broker_order_id, "10", "50", client_id=7)
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    kinds = statuses_of(events, order.order_id)
    assert "status_change:REJECTED" not in kinds
    assert [k for k in kinds if k.startswith("fill")] == ["fill:SUBMITTED"]


async def test_bracket_children_are_linked_at_ib(gw: IbGateway, sim: TwsSimulator) -> None:
    response = await gw.stub.SubmitBracketOrder(
        gateway_pb2.SubmitBracketOrderRequest(
            parent=limit_spec("ib-br", "99", quantity="10"),
            take_profit_limit_price="110",
            stop_loss_stop_price="90",
        )
    )
    tp, sl = response.take_profit, response.stop_loss
    await read_events(gw, until=reaches(sl.order_id, S.ORDER_STATUS_ACCEPTED))
    sim.set_price("AAPL", "99")
    await read_events(gw, until=reaches(response.parent.order_id, S.ORDER_STATUS_FILLED))
    sim.set_price("AAPL", "111")
    await read_events(
        gw,
        until=lambda ev: (
            reaches(tp.order_id, S.ORDER_STATUS_FILLED)(ev)
            and reaches(sl.order_id, S.ORDER_STATUS_CANCELLED)(ev)
        ),
    )


async def test_a_modified_bracket_child_stays_in_its_bracket(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    """IB takes a modification as the whole order: a child sent without its parentId
    leaves the bracket and works on its own, before its parent has traded."""
    response = await gw.stub.SubmitBracketOrder(
        gateway_pb2.SubmitBracketOrderRequest(
            parent=limit_spec("ib-brmod", "95", quantity="10"),
            take_profit_limit_price="110",
            stop_loss_stop_price="90",
        )
    )
    parent, tp, sl = response.parent, response.take_profit, response.stop_loss
    await read_events(gw, until=reaches(sl.order_id, S.ORDER_STATUS_ACCEPTED))
    await gw.stub.ModifyOrder(gateway_pb2.ModifyOrderRequest(order_id=sl.order_id, stop_price="85"))
    await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(order_id=tp.order_id, limit_price="104")
    )
    await until(lambda: sim.exchange_order(tp.broker_order_id, 7).limit_price == 104)
    assert sim.exchange_order(sl.broker_order_id, 7).stop_price == 85
    records = {r.order.order_ref: r.order for r in sim.desk.records.values()}
    for leg in ("ib-brmod.tp", "ib-brmod.sl"):
        assert records[leg].parent_id == parent.broker_order_id
        assert records[leg].oca_group == f"bracket-{parent.order_id}"
        assert records[leg].transmit
    # A detached take-profit would sell here, before the entry has bought anything.
    # The simulated market matches as the price moves: no wait is needed to see it.
    sim.set_price("AAPL", "105")
    assert sim.exchange_order(tp.broker_order_id, 7).filled == 0
    sim.set_price("AAPL", "95")
    await read_events(gw, until=reaches(parent.order_id, S.ORDER_STATUS_FILLED))
    sim.set_price("AAPL", "104")
    events = await read_events(
        gw,
        until=lambda ev: (
            reaches(tp.order_id, S.ORDER_STATUS_FILLED)(ev)
            and reaches(sl.order_id, S.ORDER_STATUS_CANCELLED)(ev)
        ),
    )
    assert not any(e.order_id == sl.order_id and e.HasField("fill") for e in events)


async def test_global_cancel(gw: IbGateway) -> None:
    orders = [await submit(gw, limit_spec(f"ib-all-{i}", "40")) for i in range(3)]
    await read_events(gw, until=reaches(orders[-1].order_id, S.ORDER_STATUS_SUBMITTED))
    response = await gw.stub.CancelAllOrders(gateway_pb2.CancelAllOrdersRequest())
    assert len(response.orders) == 3
    await read_events(
        gw,
        until=lambda ev: all(reaches(o.order_id, S.ORDER_STATUS_CANCELLED)(ev) for o in orders),
    )


async def test_rejection_carries_the_ib_code(gw: IbGateway, sim: TwsSimulator) -> None:
    sim.reject_next(201, "Order rejected - reason: no margin")
    order = await submit(gw, order_spec("ib-rej"))
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_REJECTED))
    assert events[-1].order.status_reason == "IB error 201: Order rejected - reason: no margin"


async def test_informational_errors_never_end_a_live_order(gw: IbGateway) -> None:
    order = await submit(gw, limit_spec("ib-info", "50"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    # As if TWS had sent these; ib_async marks the trade Cancelled on the first one.
    for code, text in [(10349, "Order TIF was set to DAY"), (399, "Order message warning")]:
        gw.ib.ib.wrapper.error(order.broker_order_id, code, text, "")
    # Reports are applied as they are tapped: a wrong ending would show at once.
    assert (await get(gw, order.order_id)).status == S.ORDER_STATUS_SUBMITTED


async def test_client_id_in_use_is_a_clear_startup_error(
    gw: IbGateway, sim: TwsSimulator, tmp_path: Path
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(ClientIdInUse, match="client id 7 is already in use"):
        await start_ib_gateway(
            sim, tmp_path / "second.db", client_id=7, ib={"connect_timeout": 10.0}
        )
    assert loop.time() - started < 5


async def test_disconnect_fails_submits_fast_and_recovers_fills(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    order = await submit(gw, limit_spec("ib-outage", "50", quantity="10"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    reconnected = asyncio.Event()
    gw.ib.add_state_listener(
        lambda state: reconnected.set() if state is ConnectionState.CONNECTED else None
    )
    sim.drop_connections()
    await asyncio.sleep(0)
    # The fill happens at IB while the gateway is away.
    sim.set_price("AAPL", "49")
    if gw.ib.state is not ConnectionState.CONNECTED:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await submit(gw, order_spec("ib-during-outage"))
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert error_details(caught.value)[0] == "BROKER_DISCONNECTED"
    await asyncio.wait_for(reconnected.wait(), 5)
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    fills = [e for e in events if e.order_id == order.order_id and e.HasField("fill")]
    assert [(f.fill.quantity, f.fill.price) for f in fills] == [("10", "49")]
    # A second reconnect replays the same execution: still exactly one fill.
    reconnected.clear()
    sim.drop_connections()
    await asyncio.wait_for(reconnected.wait(), 5)
    await asyncio.sleep(0.3)
    listed = await gw.stub.ListFills(gateway_pb2.ListFillsRequest(order_id=order.order_id))
    assert len(listed.fills) == 1
    assert gw.ib.reconnects >= 2


async def test_restart_recovers_what_happened_while_down(sim: TwsSimulator, tmp_path: Path) -> None:
    db = tmp_path / "restart.db"
    gw = await start_ib_gateway(sim, db)
    order = await submit(gw, limit_spec("ib-restart", "50", quantity="5"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    await stop_ib_gateway(gw)
    sim.fill(order.broker_order_id, "5", "50", client_id=7)
    gw = await start_ib_gateway(sim, db)
    try:
        events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        fills = [e for e in events if e.order_id == order.order_id and e.HasField("fill")]
        assert len(fills) == 1
        assert fills[0].fill.commission == "1"
    finally:
        await stop_ib_gateway(gw)


async def test_missing_commission_settles_after_the_timeout(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    sim.drop_commissions = True
    gw = await start_ib_gateway(sim, tmp_path / "nocomm.db", commission_timeout=0.2)
    try:
        order = await submit(gw, order_spec("ib-nocomm", quantity="3"))
        events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        fill = next(e.fill for e in events if e.HasField("fill"))
        assert (fill.quantity, fill.commission) == ("3", "")
    finally:
        await stop_ib_gateway(gw)


async def test_duplicated_and_reordered_reports_give_clean_events(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    sim.duplicate_status = True
    sim.reorder_status = True
    gw = await start_ib_gateway(sim, tmp_path / "dup.db")
    try:
        order = await submit(gw, order_spec("ib-dup", quantity="4"))
        events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        kinds = statuses_of(events, order.order_id)
        assert kinds.count("status_change:FILLED") == 1
        assert [k for k in kinds if k.startswith("fill")] == ["fill:SUBMITTED"]
        assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    finally:
        await stop_ib_gateway(gw)


@pytest.mark.slow
async def test_burst_of_500_is_paced_and_fully_acknowledged(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "burst.db", ib={"max_messages_per_second": 50})
    try:
        sent_times: list[float] = []
        original = gw.ib.ib.client.placeOrder
        loop = asyncio.get_running_loop()

        def recording_place(*args: Any) -> None:
            sent_times.append(loop.time())
            original(*args)  # type: ignore[no-untyped-call]

        gw.ib.ib.client.placeOrder = recording_place  # type: ignore[method-assign]
        orders = await asyncio.gather(
            *(submit(gw, limit_spec(f"burst-{i}", "40")) for i in range(500))
        )
        # Every acknowledged order not yet sent waits in the pacer's queue: the depth
        # follows from the counts, whatever the machine's speed.
        assert gw.ib.pacer.max_depth >= len(orders) - len(sent_times) > 0
        await read_events(
            gw,
            until=lambda ev: (
                sum(1 for e in ev if e.order.status == S.ORDER_STATUS_SUBMITTED) >= 500
            ),
            within=30,
        )
        assert len(sent_times) == 500
        # Never more than 50 in any one-second window.
        for i, start in enumerate(sent_times):
            in_window = [t for t in sent_times[i:] if t - start < 1.0]
            assert len(in_window) <= 50
        assert {o.order_id for o in orders} == {o.order_id for o in orders}
    finally:
        await stop_ib_gateway(gw)


async def test_trailing_stop_gtd_and_oca_reach_ib(gw: IbGateway, sim: TwsSimulator) -> None:
    trail = order_spec(
        "ib-trail", side=S.SIDE_SELL, order_type=S.ORDER_TYPE_TRAILING_STOP, trailing_amount="5"
    )
    gtd = limit_spec("ib-gtd", "50", tif=S.TIME_IN_FORCE_GTD)
    gtd.good_till_time.FromDatetime(datetime.now(UTC) + timedelta(days=2))
    a = limit_spec("ib-oca-a", "90", oca_group="ib-grp")
    b = limit_spec("ib-oca-b", "110", side=S.SIDE_SELL, oca_group="ib-grp")
    trail_order, gtd_order, a_order, b_order = [
        await submit(gw, spec) for spec in (trail, gtd, a, b)
    ]
    await read_events(gw, until=reaches(b_order.order_id, S.ORDER_STATUS_SUBMITTED))
    at_ib = sim.exchange_order(gtd_order.broker_order_id, 7)
    assert at_ib.working
    sim.set_price("AAPL", "110")  # the trailing stop climbs to 105; the OCA sell fills
    sim.set_price("AAPL", "104")  # the trailing stop triggers
    await read_events(
        gw,
        until=lambda ev: (
            reaches(trail_order.order_id, S.ORDER_STATUS_FILLED)(ev)
            and reaches(b_order.order_id, S.ORDER_STATUS_FILLED)(ev)
            and reaches(a_order.order_id, S.ORDER_STATUS_CANCELLED)(ev)
        ),
    )
    assert (await get(gw, trail_order.order_id)).average_fill_price == "104"


async def test_orders_placed_outside_the_gateway_are_recorded_as_external(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    db = tmp_path / "external.db"
    gw = await start_ib_gateway(sim, db)
    await stop_ib_gateway(gw)
    # Another tool, same client id, while the gateway is down.
    other = IB()
    await other.connectAsync("127.0.0.1", sim.port, clientId=7, timeout=3)
    trade = other.placeOrder(
        Stock("MSFT", "SMART", "USD"), LimitOrder("BUY", 3, 50.0, orderRef="manual-1")
    )
    await until(lambda: trade.order.permId > 0)
    other.disconnect()
    gw = await start_ib_gateway(sim, db)
    try:
        found = await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id="manual-1"))
        assert found.order.external
        assert found.order.status == S.ORDER_STATUS_SUBMITTED
        assert (found.order.spec.contract.symbol, found.order.spec.limit_price) == ("MSFT", "50")
        assert found.order.broker_order_id == trade.order.orderId
        sim.fill(trade.order.orderId, "3", "49", client_id=7)
        events = await read_events(gw, until=reaches(found.order.order_id, S.ORDER_STATUS_FILLED))
        fills = [e for e in events if e.order_id == found.order.order_id and e.HasField("fill")]
        assert [(f.fill.quantity, f.fill.price) for f in fills] == [("3", "49")]
    finally:
        await stop_ib_gateway(gw)


async def test_a_disconnect_mid_burst_loses_no_queued_order(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "midburst.db", ib={"max_messages_per_second": 50})
    try:
        orders = await asyncio.gather(
            *(submit(gw, limit_spec(f"mid-{i}", "40")) for i in range(100))
        )
        # Part sent, part still queued in the pacer.
        await until(lambda: gw.ib.pacer.sent_total >= 40, seconds=5)
        sim.drop_connections()
        ids = {o.order_id for o in orders}
        await read_events(
            gw,
            until=lambda ev: (
                ids <= {e.order_id for e in ev if e.order.status == S.ORDER_STATUS_SUBMITTED}
            ),
            within=20,
        )
        assert gw.ib.reconnects >= 1
        refs = [r.order.order_ref for r in sim.desk.records.values() if r.client_id == 7]
        assert sorted(refs) == sorted(f"mid-{i}" for i in range(100))
    finally:
        await stop_ib_gateway(gw)
