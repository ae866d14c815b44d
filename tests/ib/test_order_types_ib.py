"""Each order type, algo, iceberg and hidden order from gRPC through the gateway on
--backend ib to the TWS simulator: the IB fields it arrives with, and how it trades."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal as D
from pathlib import Path

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from ib_async import IB, Order, Stock
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from ibkr_gateway.sim.tws import TwsSimulator
from ibkr_gateway.sim.tws.place_order import WireOrder
from tests.ib.conftest import CONNECT_TIMEOUT, until
from tests.ib.test_gateway_ib import IbGateway, get, start_ib_gateway, stop_ib_gateway, submit
from tests.service.conftest import order_spec, reaches, read_events

S = orders_pb2


@pytest.fixture
async def gw(sim: TwsSimulator, tmp_path: Path) -> AsyncIterator[IbGateway]:
    gateway = await start_ib_gateway(sim, tmp_path / "ib.db")
    try:
        yield gateway
    finally:
        await stop_ib_gateway(gateway)


def wire(sim: TwsSimulator, broker_order_id: int) -> WireOrder:
    """The order as the simulator decoded it from placeOrder."""
    (record,) = [
        r for r in sim.desk.records.values() if (r.client_id, r.order_id) == (7, broker_order_id)
    ]
    return record.order


async def placed(gw: IbGateway, sim: TwsSimulator, spec: orders_pb2.OrderSpec) -> WireOrder:
    order = await submit(gw, spec)
    await read_events(gw, until=lambda ev: any(e.order.perm_id for e in ev))
    await until(lambda: any(r.order_id == order.broker_order_id for r in sim.desk.records.values()))
    return wire(sim, order.broker_order_id)


def at(hour: int) -> Timestamp:
    return Timestamp(seconds=1_772_460_000 + hour * 3600)  # 2026-03-02 14:00 UTC + hours


CASES: dict[str, tuple[orders_pb2.OrderSpec, dict[str, object]]] = {
    "TRAIL LIMIT": (
        order_spec(
            "ot-trail-limit",
            side=S.SIDE_SELL,
            order_type=S.ORDER_TYPE_TRAILING_STOP_LIMIT,
            trailing_amount="1.5",
            limit_offset="0.25",
        ),
        {"order_type": "TRAIL LIMIT", "aux_price": D("1.5"), "lmt_price_offset": D("0.25")},
    ),
    "MOC": (
        order_spec("ot-moc", order_type=S.ORDER_TYPE_MARKET_ON_CLOSE),
        {"order_type": "MOC", "lmt_price": None, "aux_price": None},
    ),
    "LOC": (
        order_spec("ot-loc", order_type=S.ORDER_TYPE_LIMIT_ON_CLOSE, limit_price="101"),
        {"order_type": "LOC", "lmt_price": D("101")},
    ),
    "MIT": (
        order_spec("ot-mit", order_type=S.ORDER_TYPE_MARKET_IF_TOUCHED, stop_price="95"),
        {"order_type": "MIT", "aux_price": D("95")},
    ),
    "LIT": (
        order_spec(
            "ot-lit", order_type=S.ORDER_TYPE_LIMIT_IF_TOUCHED, stop_price="95", limit_price="94"
        ),
        {"order_type": "LIT", "aux_price": D("95"), "lmt_price": D("94")},
    ),
    "REL": (
        order_spec("ot-rel", order_type=S.ORDER_TYPE_RELATIVE, peg_offset="0.02", limit_price="99"),
        {"order_type": "REL", "aux_price": D("0.02"), "lmt_price": D("99")},
    ),
    "PEG MID": (
        order_spec("ot-pegmid", order_type=S.ORDER_TYPE_PEGGED_TO_MIDPOINT, limit_price="99"),
        {"order_type": "PEG MID", "aux_price": D("0"), "lmt_price": D("99")},
    ),
    "iceberg": (
        order_spec(
            "ot-iceberg",
            order_type=S.ORDER_TYPE_LIMIT,
            limit_price="99",
            quantity="300",
            display_size="100",
        ),
        {"order_type": "LMT", "display_size": 100, "hidden": False},
    ),
    "hidden": (
        order_spec("ot-hidden", order_type=S.ORDER_TYPE_LIMIT, limit_price="99"),
        {"order_type": "LMT", "hidden": True, "display_size": 0},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_each_order_type_reaches_tws_with_its_ib_fields(
    gw: IbGateway, sim: TwsSimulator, case: str
) -> None:
    spec, expected = CASES[case]
    if case == "hidden":
        spec.hidden = True
    got = await placed(gw, sim, spec)
    assert {name: getattr(got, name) for name in expected} == expected


ALGOS: dict[str, tuple[orders_pb2.Algo, str, tuple[tuple[str, str], ...]]] = {
    "Adaptive": (
        S.Algo(adaptive=S.AdaptiveAlgo(priority=S.ADAPTIVE_PRIORITY_PATIENT)),
        "Adaptive",
        (("adaptivePriority", "Patient"),),
    ),
    "Twap": (
        S.Algo(
            twap=S.TwapAlgo(
                strategy_type=S.TWAP_STRATEGY_TYPE_MATCHING_LAST,
                start_time=at(0),
                end_time=at(1),
            )
        ),
        "Twap",
        (
            ("strategyType", "Matching Last"),
            ("startTime", "20260302-14:00:00"),
            ("endTime", "20260302-15:00:00"),
            ("allowPastEndTime", "0"),
        ),
    ),
    "Vwap": (
        S.Algo(vwap=S.VwapAlgo(max_pct_vol="0.2", end_time=at(2), allow_past_end_time=True)),
        "Vwap",
        (
            ("maxPctVol", "0.2"),
            ("startTime", ""),
            ("endTime", "20260302-16:00:00"),
            ("allowPastEndTime", "1"),
            ("noTakeLiq", "0"),
        ),
    ),
}


@pytest.mark.parametrize("name", list(ALGOS))
async def test_each_algo_reaches_tws_with_its_parameters_and_trades_as_its_order(
    gw: IbGateway, sim: TwsSimulator, name: str
) -> None:
    algo, strategy, params = ALGOS[name]
    spec = order_spec(f"ot-algo-{name}", quantity="10")
    spec.algo.CopyFrom(algo)
    order = await submit(gw, spec)
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    got = wire(sim, order.broker_order_id)
    assert (got.order_type, got.algo_strategy, got.algo_params) == ("MKT", strategy, params)
    recorded = await get(gw, order.order_id)
    assert recorded.spec.algo == algo


async def test_a_mit_waits_for_its_trigger_then_fills_at_the_market(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    order = await submit(
        gw, order_spec("ot-mit-fill", order_type=S.ORDER_TYPE_MARKET_IF_TOUCHED, stop_price="95")
    )
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_ACCEPTED))
    sim.set_price("AAPL", "94.5")
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    assert (await get(gw, order.order_id)).average_fill_price == "94.5"


async def test_a_moc_fills_in_the_closing_auction(gw: IbGateway, sim: TwsSimulator) -> None:
    order = await submit(gw, order_spec("ot-moc-fill", order_type=S.ORDER_TYPE_MARKET_ON_CLOSE))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    sim.set_price("AAPL", "102")
    sim.end_of_day()
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    assert (await get(gw, order.order_id)).average_fill_price == "102"


async def test_an_iceberg_fills_in_slices_of_its_display_size(
    gw: IbGateway, sim: TwsSimulator
) -> None:
    order = await submit(
        gw,
        order_spec(
            "ot-iceberg-fill",
            order_type=S.ORDER_TYPE_LIMIT,
            limit_price="101",
            quantity="250",
            display_size="100",
        ),
    )
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    fills = await gw.stub.ListFills(gateway_pb2.ListFillsRequest(order_id=order.order_id))
    assert [f.quantity for f in fills.fills] == ["100", "100", "50"]


async def test_tws_orders_of_the_new_types_and_of_types_without_a_name_are_recorded_with_fills(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    """Client id 0 is TWS's own: an LIT placed there is recorded as an LIT, a MIDPRICE
    order (which the contract has no name for) as OTHER with IB's name, and both keep
    their fills, those made while the gateway was away and those after."""
    tws = IB()
    await tws.connectAsync("127.0.0.1", sim.port, clientId=0, timeout=CONNECT_TIMEOUT)
    try:
        aapl = Stock("AAPL", "SMART", "USD")
        lit = Order(
            action="BUY",
            totalQuantity=4,
            orderType="LIT",
            lmtPrice=94,
            auxPrice=95,
            orderRef="tws-lit",
        )
        mid = Order(
            action="BUY", totalQuantity=3, orderType="MIDPRICE", lmtPrice=99, orderRef="tws-mid"
        )
        trades = [tws.placeOrder(aapl, lit), tws.placeOrder(aapl, mid)]
        await until(
            lambda: all(t.orderStatus.status in ("PreSubmitted", "Submitted") for t in trades)
        )
    finally:
        tws.disconnect()
    await until(lambda: sim.client_ids == [])
    sim.fill(trades[1].order.orderId, "1", "98.5", client_id=0)
    gw = await start_ib_gateway(sim, tmp_path / "tws.db", client_id=0)
    try:
        found = {
            ref: (await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id=ref))).order
            for ref in ("tws-lit", "tws-mid")
        }
        lit_spec = found["tws-lit"].spec
        assert (lit_spec.order_type, lit_spec.limit_price, lit_spec.stop_price) == (
            S.ORDER_TYPE_LIMIT_IF_TOUCHED,
            "94",
            "95",
        )
        assert found["tws-lit"].broker_order_type == "LIT"
        other = found["tws-mid"]
        assert (other.spec.order_type, other.broker_order_type) == (S.ORDER_TYPE_OTHER, "MIDPRICE")
        assert other.external
        # Modifying it would mean sending a type the gateway cannot write.
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await gw.stub.ModifyOrder(
                gateway_pb2.ModifyOrderRequest(order_id=other.order_id, quantity="5")
            )
        assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "'MIDPRICE'" in (refused.value.details() or "")
        # The market comes to both: client 0 follows TWS's orders as they trade.
        sim.set_price("AAPL", "94")
        for order in found.values():
            await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
        fills = await gw.stub.ListFills(gateway_pb2.ListFillsRequest(order_id=other.order_id))
        assert [(f.quantity, f.price) for f in fills.fills] == [("1", "98.5"), ("2", "94")]
    finally:
        await stop_ib_gateway(gw)
