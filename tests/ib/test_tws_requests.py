"""Requests exactly as ib_async's Client writes them, parsed by the simulator.

The bytes come from the real `Client.placeOrder` (and friends) with the socket replaced
by a list, so a change in ib_async's layout breaks these tests, not a live session.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from ib_async import (
    ComboLeg,
    Contract,
    DeltaNeutralContract,
    ExecutionFilter,
    LimitOrder,
    MarketOrder,
    Order,
    OrderComboLeg,
    PriceCondition,
    Stock,
    StopLimitOrder,
    StopOrder,
    TagValue,
    TimeCondition,
)

from ibkr_gateway.sim.tws import incoming
from ibkr_gateway.sim.tws.framing import ProtocolError
from ibkr_gateway.sim.tws.incoming import parse_request
from ibkr_gateway.sim.tws.place_order import PlaceOrder, WireContract
from tests.ib.wire import capture_client

D = Decimal
AAPL = Stock("AAPL", "SMART", "USD")


def placed(order: Order, contract: Contract = AAPL, order_id: int = 5) -> PlaceOrder:
    client, sent = capture_client()
    client.placeOrder(order_id, contract, order)
    (fields,) = sent
    request = parse_request(fields)
    assert isinstance(request, PlaceOrder)
    return request


ORDER_CASES: dict[str, tuple[Order, dict[str, Any]]] = {
    "MKT DAY": (
        MarketOrder("BUY", 100, tif="DAY"),
        {"order_type": "MKT", "tif": "DAY", "lmt_price": None, "aux_price": None},
    ),
    "LMT GTC": (
        LimitOrder("SELL", 10, 187.25, tif="GTC"),
        {"order_type": "LMT", "action": "SELL", "lmt_price": D("187.25"), "tif": "GTC"},
    ),
    "LMT Decimal price": (
        LimitOrder("BUY", 10, D("0.0001")),  # type: ignore[arg-type]
        {"lmt_price": D("0.0001")},
    ),
    "STP IOC": (
        StopOrder("SELL", 5, 90.5, tif="IOC"),
        {"order_type": "STP", "aux_price": D("90.5"), "tif": "IOC"},
    ),
    "STP LMT FOK": (
        StopLimitOrder("BUY", 5, 91.5, 91, tif="FOK"),
        {"order_type": "STP LMT", "lmt_price": D("91.5"), "aux_price": D("91"), "tif": "FOK"},
    ),
    "TRAIL amount": (
        Order(action="SELL", totalQuantity=5, orderType="TRAIL", auxPrice=2.5, trailStopPrice=97),
        {"order_type": "TRAIL", "aux_price": D("2.5"), "trail_stop_price": D("97")},
    ),
    "TRAIL percent": (
        Order(action="SELL", totalQuantity=5, orderType="TRAIL", trailingPercent=1.5),
        {"aux_price": None, "trailing_percent": D("1.5"), "trail_stop_price": None},
    ),
    "GTD": (
        LimitOrder("BUY", 1, 10, tif="GTD", goodTillDate="20240315 16:00:00 US/Eastern"),
        {"tif": "GTD", "good_till_date": "20240315 16:00:00 US/Eastern"},
    ),
    "OPG": (MarketOrder("BUY", 1, tif="OPG"), {"tif": "OPG"}),
    "outsideRth orderRef account OCA": (
        LimitOrder(
            "BUY",
            3,
            10,
            outsideRth=True,
            orderRef="client-7",
            account="DU123456",
            ocaGroup="oca-1",
            ocaType=2,
        ),
        {
            "outside_rth": True,
            "order_ref": "client-7",
            "account": "DU123456",
            "oca_group": "oca-1",
            "oca_type": 2,
        },
    ),
}


@pytest.mark.parametrize("case", list(ORDER_CASES))
def test_place_order_round_trip(case: str) -> None:
    order, expected = ORDER_CASES[case]
    request = placed(order)
    assert request.order_id == 5
    assert request.unsupported == ()
    assert request.contract.symbol == "AAPL"
    assert request.contract.exchange == "SMART"
    assert request.order.total_quantity == D(str(order.totalQuantity))
    for name, value in expected.items():
        assert getattr(request.order, name) == value, name


def test_bracket_legs_carry_parent_and_transmit() -> None:
    parent = LimitOrder("BUY", 10, 100, orderId=20, transmit=False)
    take_profit = LimitOrder("SELL", 10, 110, orderId=21, transmit=False, parentId=20)
    stop_loss = StopOrder("SELL", 10, 95, orderId=22, transmit=True, parentId=20)
    legs = [placed(o, order_id=o.orderId).order for o in (parent, take_profit, stop_loss)]
    assert [(o.order_id, o.parent_id, o.transmit) for o in legs] == [
        (20, 0, False),
        (21, 20, False),
        (22, 20, True),
    ]


def test_a_modify_is_the_same_order_id_with_new_values() -> None:
    order = LimitOrder("BUY", 10, 100)
    first = placed(order, order_id=30)
    order.lmtPrice = 101.5
    order.totalQuantity = 12
    second = placed(order, order_id=30)
    assert first.order_id == second.order_id == 30
    assert (second.order.lmt_price, second.order.total_quantity) == (D("101.5"), D(12))


def _combo() -> tuple[Order, Contract]:
    bag = Contract(secType="BAG", symbol="AAPL", exchange="SMART", currency="USD")
    bag.comboLegs = [ComboLeg(conId=1, ratio=1, action="BUY", exchange="SMART")] * 2
    order = LimitOrder("BUY", 1, 2)
    order.orderComboLegs = [OrderComboLeg(price=1.0)]
    order.smartComboRoutingParams = [TagValue("NonGuaranteed", "1")]
    return order, bag


def _delta_neutral_contract() -> tuple[Order, Contract]:
    contract = Stock("AAPL", "SMART", "USD")
    contract.deltaNeutralContract = DeltaNeutralContract(conId=5, delta=0.5, price=100)
    return MarketOrder("BUY", 1), contract


UNSUPPORTED: dict[str, Callable[[], tuple[Order, Contract]]] = {
    "combo": _combo,
    "conditions": lambda: (
        MarketOrder(
            "BUY",
            1,
            conditions=[PriceCondition(price=10, conId=1, exch="SMART"), TimeCondition(time="x")],
        ),
        AAPL,
    ),
    "scale": lambda: (LimitOrder("BUY", 1, 2, scalePriceIncrement=0.5), AAPL),
    "hedge": lambda: (MarketOrder("BUY", 1, hedgeType="D", hedgeParam="0.5"), AAPL),
    "delta neutral order": lambda: (
        MarketOrder("BUY", 1, deltaNeutralOrderType="LMT", deltaNeutralConId=3),
        AAPL,
    ),
    "delta neutral contract": _delta_neutral_contract,
}


@pytest.mark.parametrize("case", list(UNSUPPORTED))
def test_unsupported_features_are_walked_to_the_end_and_listed(case: str) -> None:
    order, contract = UNSUPPORTED[case]()
    request = placed(order, contract)
    assert request.unsupported, case


@pytest.mark.parametrize(
    "order",
    [
        Order(action="BUY", totalQuantity=1, orderType="PEG MID", midOffsetAtWhole=0.01),
        Order(action="BUY", totalQuantity=1, orderType="PEG BEST", competeAgainstBestOffset=0.02),
        Order(
            action="BUY", totalQuantity=1, orderType="PEG BEST", competeAgainstBestOffset=math.inf
        ),
        Order(action="BUY", totalQuantity=1, orderType="PEG BENCH", referenceContractId=3),
    ],
    ids=["PEG MID", "PEG BEST", "PEG BEST inf", "PEG BENCH"],
)
def test_pegged_order_layouts_parse(order: Order) -> None:
    assert placed(order).order.order_type == order.orderType


def test_algo_parameters_and_the_order_type_fields_are_read_where_ib_async_writes_them() -> None:
    twap = [TagValue("strategyType", "Marketable"), TagValue("startTime", "20260302-14:30:00")]
    request = placed(
        LimitOrder("BUY", 300, 2, algoStrategy="Twap", algoParams=twap, displaySize=100)
    )
    assert request.unsupported == ()
    o = request.order
    assert (o.algo_strategy, o.algo_params) == (
        "Twap",
        (("strategyType", "Marketable"), ("startTime", "20260302-14:30:00")),
    )
    assert (o.display_size, o.hidden) == (100, False)
    trail = placed(
        Order(
            action="SELL",
            totalQuantity=5,
            orderType="TRAIL LIMIT",
            auxPrice=1.5,
            trailStopPrice=98,
            lmtPriceOffset=0.25,
            hidden=True,
        )
    ).order
    assert (trail.order_type, trail.aux_price, trail.trail_stop_price, trail.lmt_price_offset) == (
        "TRAIL LIMIT",
        Decimal("1.5"),
        Decimal(98),
        Decimal("0.25"),
    )
    assert trail.hidden


def test_ibkrats_exchange_adds_min_trade_qty() -> None:
    request = placed(LimitOrder("BUY", 1, 2, minTradeQty=1), Stock("AAPL", "IBKRATS", "USD"))
    assert request.contract.exchange == "IBKRATS"


def test_missing_and_surplus_fields_fail_loudly() -> None:
    client, sent = capture_client()
    client.placeOrder(5, AAPL, MarketOrder("BUY", 1))
    (fields,) = sent
    with pytest.raises(ProtocolError, match="'manualOrderTime' is missing"):
        parse_request(fields[:-1])
    with pytest.raises(ProtocolError, match="1 unexpected field"):
        parse_request([*fields, "surplus"])
    with pytest.raises(ProtocolError, match="transmit='yes' is not a boolean"):
        parse_request([*fields[:27], "yes", *fields[28:]])


REQUESTS: list[tuple[str, Callable[[Any], None], incoming.Request]] = [
    ("startApi", lambda c: c.startApi(), incoming.StartApi(-1, "")),
    ("cancelOrder", lambda c: c.cancelOrder(7, "t"), incoming.CancelOrder(7, "t")),
    ("reqGlobalCancel", lambda c: c.reqGlobalCancel(), incoming.GlobalCancel()),
    ("reqIds", lambda c: c.reqIds(1), incoming.ReqIds(1)),
    ("reqCurrentTime", lambda c: c.reqCurrentTime(), incoming.ReqCurrentTime()),
    ("reqOpenOrders", lambda c: c.reqOpenOrders(), incoming.ReqOpenOrders(False)),
    ("reqAllOpenOrders", lambda c: c.reqAllOpenOrders(), incoming.ReqOpenOrders(True)),
    ("reqAutoOpenOrders", lambda c: c.reqAutoOpenOrders(True), incoming.ReqAutoOpenOrders(True)),
    (
        "reqCompletedOrders",
        lambda c: c.reqCompletedOrders(False),
        incoming.ReqCompletedOrders(False),
    ),
    ("reqPositions", lambda c: c.reqPositions(), incoming.ReqPositions()),
    (
        "reqAccountUpdates",
        lambda c: c.reqAccountUpdates(True, "DU1"),
        incoming.ReqAccountUpdates(True, "DU1"),
    ),
    (
        "reqAccountUpdatesMulti",
        lambda c: c.reqAccountUpdatesMulti(4, "DU1", "", False),
        incoming.ReqAccountUpdatesMulti(4, "DU1", "", False),
    ),
    (
        "reqExecutions",
        lambda c: c.reqExecutions(
            9, ExecutionFilter(2, "DU1", "20240301 00:00:00", "AAPL", "STK", "SMART", "BUY")
        ),
        incoming.ReqExecutions(
            9,
            incoming.ExecutionFilter(2, "DU1", "20240301 00:00:00", "AAPL", "STK", "SMART", "BUY"),
        ),
    ),
]


@pytest.mark.parametrize(("name", "send", "expected"), REQUESTS, ids=[r[0] for r in REQUESTS])
def test_requests_parse(name: str, send: Callable[[Any], None], expected: object) -> None:
    client, sent = capture_client()
    send(client)
    (fields,) = sent
    assert parse_request(fields) == expected
    with pytest.raises(ProtocolError):
        parse_request([*fields, "surplus"])


def test_other_requests_are_unhandled_not_errors() -> None:
    client, sent = capture_client()
    client.reqMktDepth(3, AAPL, 5, False, [])
    (fields,) = sent
    request = parse_request(fields)
    assert isinstance(request, incoming.Unhandled)
    assert request.message_id == 10


WIRE_AAPL = WireContract(symbol="AAPL", sec_type="STK", strike=D(0), exchange="SMART")


def _option_with_delta_neutral() -> Contract:
    contract = Contract(secType="OPT", symbol="AAPL", exchange="SMART", currency="USD")
    contract.deltaNeutralContract = DeltaNeutralContract(conId=5, delta=0.5, price=100)
    return contract


QUERY_REQUESTS: list[tuple[str, Callable[[Any], None], incoming.Request]] = [
    (
        "reqContractDetails",
        lambda c: c.reqContractDetails(8, AAPL),
        incoming.ReqContractDetails(8, WIRE_AAPL, False, "", "", ""),
    ),
    (
        "reqMktData streaming",
        lambda c: c.reqMktData(9, AAPL, "233", False, False, []),
        incoming.ReqMktData(9, WIRE_AAPL, "233", False, False, ""),
    ),
    (
        "reqMktData snapshot",
        lambda c: c.reqMktData(9, AAPL, "", True, False, []),
        incoming.ReqMktData(9, WIRE_AAPL, "", True, False, ""),
    ),
    (
        "reqMktData combo",
        lambda c: c.reqMktData(9, _combo()[1], "", False, False, []),
        incoming.ReqMktData(
            9,
            WireContract(symbol="AAPL", sec_type="BAG", strike=D(0), exchange="SMART"),
            "",
            False,
            False,
            "",
            combo_legs=2,
        ),
    ),
    (
        "reqMktData delta neutral",
        lambda c: c.reqMktData(9, _option_with_delta_neutral(), "", False, False, []),
        incoming.ReqMktData(
            9,
            WireContract(symbol="AAPL", sec_type="OPT", strike=D(0), exchange="SMART"),
            "",
            False,
            False,
            "",
            delta_neutral=True,
        ),
    ),
    ("cancelMktData", lambda c: c.cancelMktData(9), incoming.CancelMktData(9)),
    ("reqMarketDataType", lambda c: c.reqMarketDataType(3), incoming.ReqMarketDataType(3)),
    (
        "reqAccountSummary",
        lambda c: c.reqAccountSummary(4, "All", "NetLiquidation, $LEDGER:ALL"),
        incoming.ReqAccountSummary(4, "All", ("NetLiquidation", "$LEDGER:ALL")),
    ),
    ("cancelAccountSummary", lambda c: c.cancelAccountSummary(4), incoming.CancelAccountSummary(4)),
    ("cancelPositions", lambda c: c.cancelPositions(), incoming.CancelPositions()),
]


@pytest.mark.parametrize(
    ("name", "send", "expected"), QUERY_REQUESTS, ids=[r[0] for r in QUERY_REQUESTS]
)
def test_query_requests_parse(name: str, send: Callable[[Any], None], expected: object) -> None:
    client, sent = capture_client()
    send(client)
    (fields,) = sent
    assert parse_request(fields) == expected
    with pytest.raises(ProtocolError):
        parse_request([*fields, "surplus"])
    with pytest.raises(ProtocolError):
        parse_request(fields[:-1])
