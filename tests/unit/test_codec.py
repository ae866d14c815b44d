"""The store's JSON codec: orders, fills and every event kind survive a round trip."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ibkr_gateway.event.events import (
    CancelEvent,
    FillEvent,
    ModifyEvent,
    OrderEvent,
    OrderStatusEvent,
)
from ibkr_gateway.order.models import (
    AdaptiveAlgo,
    AdaptivePriority,
    Contract,
    Fill,
    Order,
    OrderSpec,
    OrderStatus,
    OrderType,
    SecurityType,
    Side,
    TimeInForce,
    TwapAlgo,
    TwapStrategyType,
    VwapAlgo,
)
from ibkr_gateway.store.codec import (
    contract_from_json,
    contract_to_json,
    dumps,
    event_from_row,
    event_kind,
    event_payload,
    fill_from_json,
    fill_to_json,
    order_from_json,
    order_to_json,
    spec_from_json,
    spec_to_json,
)

D = Decimal
T0 = datetime(2024, 3, 1, 14, 30, 5, 123456, tzinfo=UTC)
T1 = T0 + timedelta(seconds=1, microseconds=1)

OPTION = Contract(
    symbol="SPY",
    sec_type=SecurityType.OPTION,
    exchange="CBOE",
    currency="USD",
    con_id=123456789,
    primary_exchange="ARCA",
    last_trade_date_or_contract_month="20261218",
    strike=D("450.50"),
    right="C",
    multiplier=D("100"),
    local_symbol="SPY   261218C00450500",
    trading_class="SPY",
)

LIMIT_SPEC = OrderSpec(
    client_order_id="strat-1.order:42",
    account="DU123456",
    contract=OPTION,
    side=Side.SELL,
    quantity=D("2.50000000"),
    order_type=OrderType.STOP_LIMIT,
    limit_price=D("187.2500"),
    stop_price=D("1E+2"),
    time_in_force=TimeInForce.GTC,
    outside_rth=True,
)

MARKET_SPEC = OrderSpec(
    client_order_id="m-1",
    account="DU1",
    contract=Contract(symbol="AAPL"),
    side=Side.BUY,
    quantity=D(100),
    order_type=OrderType.MARKET,
)


def make_order(spec: OrderSpec = LIMIT_SPEC, **changes: object) -> Order:
    order = Order(
        order_id="ord-0001",
        spec=spec,
        status=OrderStatus.PARTIALLY_FILLED,
        create_time=T0,
        update_time=T1,
        filled_quantity=D("1.25"),
        average_fill_price=D("187.123456789"),
        broker_order_id=17,
        perm_id=1_000_001,
        status_reason="IB error 399: warning",
        parent_order_id="ord-0000",
        oca_group="bracket-ord-0000",
        last_sequence=41,
        fills_quantity=D("1.25"),
        fills_notional=D("233.9043209862"),
        request_fingerprint="ab" * 32,
    )
    return order.evolve(**changes)


FILL = Fill(
    execution_id="0001f.00000001.01.01",
    order_id="ord-0001",
    client_order_id="strat-1.order:42",
    account="DU123456",
    symbol="SPY",
    side=Side.SELL,
    quantity=D("1.25"),
    price=D("187.10"),
    time=T1,
    commission=D("1.00"),
    commission_currency="USD",
    exchange="SIM",
    broker_order_id=17,
    sequence=42,
)


def through_json(d: dict[str, object]) -> dict[str, object]:
    result: dict[str, object] = json.loads(dumps(d))
    return result


def store_and_load(event: OrderEvent) -> OrderEvent:
    """What the SQLite store writes for an event, and reads back."""
    back = event_from_row(
        event.sequence,
        event.time.isoformat(),
        event_kind(event),
        event_payload(event),
        dumps(order_to_json(event.order)),
    )
    assert isinstance(back, OrderEvent)
    return back


# -- orders, specs, contracts, fills ---------------------------------------------------


@pytest.mark.parametrize("contract", [OPTION, Contract(symbol="AAPL"), Contract(symbol="BRK B")])
def test_contract_round_trip(contract: Contract) -> None:
    assert contract_from_json(through_json(contract_to_json(contract))) == contract


@pytest.mark.parametrize("spec", [LIMIT_SPEC, MARKET_SPEC])
def test_spec_round_trip(spec: OrderSpec) -> None:
    assert spec_from_json(through_json(spec_to_json(spec))) == spec


def test_spec_round_trip_keeps_decimals_exactly() -> None:
    back = spec_from_json(through_json(spec_to_json(LIMIT_SPEC)))
    # Equal decimals could differ in representation; the codec keeps it.
    assert str(back.quantity) == "2.50000000"
    assert back.limit_price is not None
    assert str(back.limit_price) == "187.2500"
    assert str(back.stop_price) == "1E+2"
    assert str(back.contract.strike) == "450.50"


def test_decimals_are_stored_as_strings_never_floats() -> None:
    encoded = json.loads(dumps(order_to_json(make_order())))
    assert encoded["spec"]["quantity"] == "2.50000000"
    assert encoded["spec"]["limit_price"] == "187.2500"
    assert encoded["filled_quantity"] == "1.25"
    assert encoded["average_fill_price"] == "187.123456789"
    assert encoded["spec"]["contract"]["strike"] == "450.50"
    assert encoded["broker_order_id"] == 17


@pytest.mark.parametrize(
    "order",
    [
        make_order(),
        make_order(MARKET_SPEC, status=OrderStatus.CREATED, average_fill_price=None),
        make_order(
            status=OrderStatus.FILLED,
            filled_quantity=D("2.5"),
            parent_order_id="",
            oca_group="",
            status_reason="",
        ),
        make_order(create_time=datetime(2024, 1, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))),
    ],
)
def test_order_round_trip(order: Order) -> None:
    back = order_from_json(through_json(order_to_json(order)))
    assert back == order
    assert back.create_time.utcoffset() == order.create_time.utcoffset()
    assert back.remaining_quantity == order.remaining_quantity


def test_none_prices_stay_none() -> None:
    order = make_order(MARKET_SPEC, average_fill_price=None)
    back = order_from_json(through_json(order_to_json(order)))
    assert back.spec.limit_price is None
    assert back.spec.stop_price is None
    assert back.spec.contract.strike is None
    assert back.spec.contract.multiplier is None
    assert back.average_fill_price is None


@pytest.mark.parametrize(
    "fill",
    [
        FILL,
        replace(FILL, commission=None, commission_currency="", side=Side.BUY, sequence=0),
        replace(FILL, quantity=D("0.00000001"), price=D("1E-8"), time=T0.replace(tzinfo=None)),
        replace(FILL, execution_id="0001f.00000001.01.02", corrects_execution_id=FILL.execution_id),
    ],
)
def test_fill_round_trip(fill: Fill) -> None:
    assert fill_from_json(through_json(fill_to_json(fill))) == fill


def test_fill_written_before_corrections_existed_reads_as_no_correction() -> None:
    old = through_json(fill_to_json(FILL))
    del old["corrects_execution_id"]
    assert fill_from_json(old) == FILL


# -- events ----------------------------------------------------------------------------

EVENTS: list[OrderEvent] = [
    OrderStatusEvent(
        sequence=1,
        time=T0,
        order=make_order(MARKET_SPEC, status=OrderStatus.PENDING_SUBMIT, average_fill_price=None),
        previous_status=OrderStatus.CREATED,
    ),
    OrderStatusEvent(
        sequence=2,
        time=T1,
        order=make_order(status=OrderStatus.REJECTED),
        previous_status=OrderStatus.PENDING_SUBMIT,
        reason="IB error 201: Order rejected - reason: no margin",
    ),
    FillEvent(sequence=42, time=T1, order=make_order(last_sequence=42), fill=FILL),
    FillEvent(
        sequence=43,
        time=T1,
        order=make_order(last_sequence=43),
        fill=replace(FILL, commission=None, commission_currency="", sequence=43),
    ),
    CancelEvent(
        sequence=7,
        time=T0,
        order=make_order(status=OrderStatus.CANCELLED),
        previous_status=OrderStatus.PENDING_CANCEL,
        reason="cancelled by user",
    ),
    CancelEvent(
        sequence=8,
        time=T0,
        order=make_order(status=OrderStatus.CANCELLED),
        previous_status=OrderStatus.PARTIALLY_FILLED,
    ),
    ModifyEvent(
        sequence=9,
        time=T1,
        order=make_order(),
        previous_quantity=D("3.000"),
        previous_limit_price=D("186.5"),
        previous_stop_price=D("99.99"),
        previous_time_in_force=TimeInForce.DAY,
        reason="modified",
    ),
    ModifyEvent(
        sequence=10,
        time=T1,
        order=make_order(MARKET_SPEC),
        previous_quantity=D(50),
        previous_limit_price=None,
        previous_stop_price=None,
        previous_time_in_force=TimeInForce.IOC,
    ),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: f"{type(e).__name__}-{e.sequence}")
def test_event_round_trip(event: OrderEvent) -> None:
    back = store_and_load(event)
    assert type(back) is type(event)
    assert back == event
    assert back.order_id == event.order_id
    assert back.client_order_id == event.client_order_id


def test_every_event_kind_is_covered() -> None:
    kinds = {event_kind(e) for e in EVENTS}
    assert kinds == {"OrderStatusEvent", "FillEvent", "CancelEvent", "ModifyEvent"}
    assert {cls.__name__ for cls in OrderEvent.__subclasses__()} == kinds


def test_payload_is_compact_json_without_the_order() -> None:
    payload = event_payload(EVENTS[2])
    assert " " not in payload
    body = json.loads(payload)
    assert set(body) == {"fill"}
    assert body["fill"]["price"] == "187.10"


def test_modify_payload_keeps_none_prices() -> None:
    body = json.loads(event_payload(EVENTS[-1]))
    assert body["previous_limit_price"] is None
    assert body["previous_stop_price"] is None
    assert body["previous_tif"] == "IOC"


def test_unknown_event_kind_is_refused() -> None:
    event = EVENTS[0]
    with pytest.raises(ValueError, match=r"unknown event kind 'Bogus' at sequence 1"):
        event_from_row(1, T0.isoformat(), "Bogus", "{}", dumps(order_to_json(event.order)))


def test_base_event_cannot_be_encoded() -> None:
    event = OrderEvent(sequence=1, time=T0, order=make_order())
    with pytest.raises(TypeError, match="cannot encode OrderEvent"):
        event_payload(event)


# -- properties ------------------------------------------------------------------------

finite_decimals = st.decimals(allow_nan=False, allow_infinity=False)
optional_decimals = st.none() | finite_decimals
texts = st.text(max_size=40)

contracts = st.builds(
    Contract,
    symbol=texts,
    sec_type=st.sampled_from(SecurityType),
    exchange=texts,
    currency=texts,
    con_id=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    primary_exchange=texts,
    last_trade_date_or_contract_month=texts,
    strike=optional_decimals,
    right=texts,
    multiplier=optional_decimals,
    local_symbol=texts,
    trading_class=texts,
)

algos = st.none() | st.one_of(
    st.builds(AdaptiveAlgo, priority=st.sampled_from(AdaptivePriority)),
    st.builds(
        TwapAlgo,
        strategy_type=st.sampled_from(TwapStrategyType),
        start_time=st.none() | st.datetimes(timezones=st.just(UTC)),
        end_time=st.none() | st.datetimes(timezones=st.just(UTC)),
        allow_past_end_time=st.booleans(),
    ),
    st.builds(
        VwapAlgo,
        max_pct_vol=finite_decimals,
        start_time=st.none() | st.datetimes(timezones=st.just(UTC)),
        end_time=st.none() | st.datetimes(timezones=st.just(UTC)),
        allow_past_end_time=st.booleans(),
        no_take_liq=st.booleans(),
    ),
)

specs = st.builds(
    OrderSpec,
    client_order_id=texts,
    account=texts,
    contract=contracts,
    side=st.sampled_from(Side),
    quantity=finite_decimals,
    order_type=st.sampled_from(OrderType),
    limit_price=optional_decimals,
    stop_price=optional_decimals,
    time_in_force=st.sampled_from(TimeInForce),
    outside_rth=st.booleans(),
    algo=algos,
    display_size=optional_decimals,
    hidden=st.booleans(),
    limit_offset=optional_decimals,
    peg_offset=optional_decimals,
)

# Naive, UTC or fixed-offset times: isoformat() keeps the offset, not an IANA zone (the
# gateway stamps everything in UTC), and Python never equates a time in a DST fold
# with one in another zone.
fixed_offsets = st.integers(min_value=-1439, max_value=1439).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
times = st.datetimes(timezones=st.none() | st.just(UTC) | fixed_offsets)

orders = st.builds(
    Order,
    order_id=texts,
    spec=specs,
    status=st.sampled_from(OrderStatus),
    create_time=times,
    update_time=times,
    filled_quantity=finite_decimals,
    average_fill_price=optional_decimals,
    broker_order_id=st.integers(min_value=0, max_value=2**31 - 1),
    perm_id=st.integers(min_value=0, max_value=2**63 - 1),
    status_reason=texts,
    parent_order_id=texts,
    oca_group=texts,
    last_sequence=st.integers(min_value=0, max_value=2**63 - 1),
    fills_quantity=finite_decimals,
    fills_notional=finite_decimals,
    request_fingerprint=texts,
    broker_order_type=texts,
)


@given(specs)
def test_any_spec_round_trips(spec: OrderSpec) -> None:
    back = spec_from_json(through_json(spec_to_json(spec)))
    assert back == spec
    assert str(back.quantity) == str(spec.quantity)


@given(orders)
def test_any_order_round_trips(order: Order) -> None:
    back = order_from_json(through_json(order_to_json(order)))
    assert back == order
    assert back.create_time.utcoffset() == order.create_time.utcoffset()


@given(
    orders,
    st.integers(min_value=1, max_value=2**63 - 1),
    times,
    st.sampled_from(OrderStatus),
    texts,
)
def test_any_status_and_cancel_event_round_trips(
    order: Order, sequence: int, time: datetime, previous: OrderStatus, reason: str
) -> None:
    status = OrderStatusEvent(
        sequence=sequence, time=time, order=order, previous_status=previous, reason=reason
    )
    cancel = CancelEvent(
        sequence=sequence, time=time, order=order, previous_status=previous, reason=reason
    )
    assert store_and_load(status) == status
    assert store_and_load(cancel) == cancel
