"""Each order type, algo, iceberg and hidden order as the ib_async Order IB is sent,
and back from IB's description of it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from ib_async import Order as IbOrder
from ib_async import OrderState, Stock, TagValue

from ibkr_gateway.ib import translate
from ibkr_gateway.order.models import (
    AdaptiveAlgo,
    AdaptivePriority,
    Algo,
    Contract,
    Order,
    OrderSpec,
    OrderStatus,
    OrderType,
    Side,
    TwapAlgo,
    TwapStrategyType,
    VwapAlgo,
)

D = Decimal
UNSET = translate.UNSET_DOUBLE
NINE = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
TEN = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
T = OrderType


def order(kind: OrderType, **fields: object) -> Order:
    spec = OrderSpec(
        client_order_id="c-1",
        account="DU1",
        contract=Contract(symbol="AAPL"),
        side=Side.BUY,
        quantity=D(300),
        order_type=kind,
    )
    return Order(
        order_id="o-1",
        spec=dataclasses.replace(spec, **fields),  # type: ignore[arg-type]
        status=OrderStatus.PENDING_SUBMIT,
        create_time=NINE,
        update_time=NINE,
        broker_order_id=7,
    )


def sent(o: Order) -> IbOrder:
    return translate.ib_order(o, account="DU1")


def test_trailing_stop_limit_carries_distance_initial_stop_and_limit_offset() -> None:
    ib = sent(
        order(
            T.TRAILING_STOP_LIMIT,
            trailing_amount=D("1.5"),
            stop_price=D(98),
            limit_offset=D("0.25"),
        )
    )
    assert (ib.orderType, ib.auxPrice, ib.trailStopPrice, ib.lmtPriceOffset) == (
        "TRAIL LIMIT",
        1.5,
        98.0,
        0.25,
    )
    assert (ib.lmtPrice, ib.trailingPercent) == (UNSET, UNSET)


def test_trailing_stop_limit_in_percent() -> None:
    ib = sent(order(T.TRAILING_STOP_LIMIT, trailing_percent=D(2), limit_offset=D(0)))
    assert (ib.auxPrice, ib.trailingPercent, ib.lmtPriceOffset) == (UNSET, 2.0, 0.0)


@pytest.mark.parametrize(
    ("o", "expected"),
    [
        (order(T.MARKET_ON_CLOSE), ("MOC", UNSET, UNSET)),
        (order(T.LIMIT_ON_CLOSE, limit_price=D("101.5")), ("LOC", 101.5, UNSET)),
        (order(T.MARKET_IF_TOUCHED, stop_price=D(95)), ("MIT", UNSET, 95.0)),
        (order(T.LIMIT_IF_TOUCHED, stop_price=D(95), limit_price=D(94)), ("LIT", 94.0, 95.0)),
        # Pegged orders: the offset in auxPrice, the cap in lmtPrice.
        (order(T.RELATIVE, peg_offset=D("0.02"), limit_price=D(101)), ("REL", 101.0, 0.02)),
        (order(T.RELATIVE), ("REL", UNSET, 0.0)),
        (order(T.PEGGED_TO_MIDPOINT, peg_offset=D("0.01")), ("PEG MID", UNSET, 0.01)),
    ],
    ids=["MOC", "LOC", "MIT", "LIT", "REL", "REL bare", "PEG MID"],
)
def test_order_type_codes_and_prices(o: Order, expected: tuple[str, float, float]) -> None:
    ib = sent(o)
    assert (ib.orderType, ib.lmtPrice, ib.auxPrice) == expected


def test_iceberg_and_hidden() -> None:
    iceberg = sent(order(T.LIMIT, limit_price=D(10), display_size=D(100)))
    assert (iceberg.displaySize, iceberg.hidden) == (100, False)
    hidden = sent(order(T.LIMIT, limit_price=D(10), hidden=True))
    assert (hidden.displaySize, hidden.hidden) == (0, True)


ALGOS: list[tuple[Algo, str, list[TagValue]]] = [
    (AdaptiveAlgo(AdaptivePriority.URGENT), "Adaptive", [TagValue("adaptivePriority", "Urgent")]),
    (
        TwapAlgo(TwapStrategyType.MATCHING_MIDPOINT, NINE, TEN, True),
        "Twap",
        [
            TagValue("strategyType", "Matching Midpoint"),
            TagValue("startTime", "20260302-14:30:00"),
            TagValue("endTime", "20260302-15:30:00"),
            TagValue("allowPastEndTime", "1"),
        ],
    ),
    (
        VwapAlgo(D("0.1"), None, TEN, False, True),
        "Vwap",
        [
            TagValue("maxPctVol", "0.1"),
            TagValue("startTime", ""),
            TagValue("endTime", "20260302-15:30:00"),
            TagValue("allowPastEndTime", "0"),
            TagValue("noTakeLiq", "1"),
        ],
    ),
]


@pytest.mark.parametrize(("algo", "strategy", "params"), ALGOS, ids=["Adaptive", "Twap", "Vwap"])
def test_algos_as_strategy_and_tag_values(
    algo: Algo, strategy: str, params: list[TagValue]
) -> None:
    ib = sent(order(T.MARKET, algo=algo))
    assert (ib.orderType, ib.algoStrategy, ib.algoParams) == ("MKT", strategy, params)


@pytest.mark.parametrize(("algo", "strategy", "params"), ALGOS, ids=["Adaptive", "Twap", "Vwap"])
def test_an_algo_described_by_ib_reads_back_as_sent(
    algo: Algo, strategy: str, params: list[TagValue]
) -> None:
    ib = IbOrder(action="BUY", totalQuantity=5, orderType="MKT", permId=3)
    ib.algoStrategy, ib.algoParams = strategy, params
    report = translate.open_order_report(3, Stock("AAPL"), ib, OrderState(status="Submitted"))
    assert (report.order_type, report.algo) == (T.MARKET, algo)


@pytest.mark.parametrize(
    "o",
    [
        order(
            T.TRAILING_STOP_LIMIT,
            trailing_amount=D("1.5"),
            stop_price=D(98),
            limit_offset=D("0.25"),
        ),
        order(T.TRAILING_STOP_LIMIT, trailing_percent=D(2), limit_offset=D(0)),
        order(T.MARKET_ON_CLOSE),
        order(T.LIMIT_ON_CLOSE, limit_price=D("101.5")),
        order(T.MARKET_IF_TOUCHED, stop_price=D(95)),
        order(T.LIMIT_IF_TOUCHED, stop_price=D(95), limit_price=D(94)),
        order(T.RELATIVE, peg_offset=D("0.02"), limit_price=D(101)),
        order(T.PEGGED_TO_MIDPOINT, peg_offset=D("0.01")),
        order(T.LIMIT, limit_price=D(10), display_size=D(100)),
        order(T.LIMIT, limit_price=D(10), hidden=True),
    ],
    ids=lambda o: f"{o.spec.order_type.name}",
)
def test_what_is_sent_reads_back_as_the_same_spec(o: Order) -> None:
    """An order of these types placed elsewhere is recorded as what it is."""
    ib = sent(o)
    ib.permId = 3
    report = translate.open_order_report(7, Stock("AAPL"), ib, OrderState(status="Submitted"))
    s = o.spec
    got = (
        report.order_type,
        report.limit_price,
        report.stop_price,
        report.trailing_amount,
        report.trailing_percent,
        report.limit_offset,
        report.peg_offset if s.peg_offset else None,
        report.display_size,
        report.hidden,
    )
    assert got == (
        s.order_type,
        s.limit_price,
        s.stop_price,
        s.trailing_amount,
        s.trailing_percent,
        s.limit_offset,
        s.peg_offset,
        s.display_size,
        s.hidden,
    )
    assert report.broker_order_type == s.order_type.value
