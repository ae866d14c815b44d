"""Trailing stops, GTD and OPG time in force, and caller-defined OCA groups."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from ibkr.gateway.v1 import gateway_pb2, orders_pb2, simulator_pb2

from tests.service.conftest import (
    Gateway,
    error_details,
    limit_spec,
    order_spec,
    reaches,
    read_events,
    submit,
)

S = orders_pb2


def at(when: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(when)
    return ts


def trailing(coid: str, **fields: str) -> orders_pb2.OrderSpec:
    spec = order_spec(coid, side=S.SIDE_SELL, order_type=S.ORDER_TYPE_TRAILING_STOP)
    for name, value in fields.items():
        setattr(spec, name, value)
    return spec


async def test_trailing_stop_follows_the_market_then_fills(gw: Gateway) -> None:
    order = await submit(gw, trailing("trail-1", trailing_amount="5"))
    assert order.spec.trailing_amount == "5"
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_ACCEPTED))
    for price in ("110", "106"):  # the stop climbs to 105 and stays there
        filled = await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price=price))
        assert list(filled.filled_order_ids) == []
    filled = await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="104.5"))
    assert list(filled.filled_order_ids) == [order.order_id]
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    assert events[-1].order.average_fill_price == "104.5"


async def test_trailing_percent_stop(gw: Gateway) -> None:
    order = await submit(gw, trailing("trail-2", trailing_percent="10"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_ACCEPTED))
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="200"))
    # 10% below 200 is 180: 181 does not trigger, 179 does.
    assert not (
        await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="181"))
    ).filled_order_ids
    assert (
        await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="179"))
    ).filled_order_ids


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (trailing("t-none"), "order.trailing_amount"),
        (trailing("t-both", trailing_amount="1", trailing_percent="1"), "order.trailing_amount"),
        (trailing("t-pct", trailing_percent="150"), "order.trailing_percent"),
        (trailing("t-neg", trailing_amount="-1"), "order.trailing_amount"),
        (trailing("t-lmt", trailing_amount="1", limit_price="5"), "order.limit_price"),
        (limit_spec("lmt-trail", trailing_amount="1"), "order.trailing_amount"),
        (order_spec("gtd-none", tif=S.TIME_IN_FORCE_GTD), "order.good_till_time"),
        (limit_spec("oca-bad", oca_group="bad group"), "order.oca_group"),
    ],
)
async def test_bad_order_type_fields_are_invalid(
    gw: Gateway, spec: orders_pb2.OrderSpec, field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, spec)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in error_details(caught.value)[1]


async def test_good_till_time_must_be_in_the_future_and_only_for_gtd(gw: Gateway) -> None:
    past = limit_spec("gtd-past", tif=S.TIME_IN_FORCE_GTD)
    past.good_till_time.CopyFrom(at(datetime.now(UTC) - timedelta(minutes=1)))
    day = limit_spec("day-with-date")
    day.good_till_time.CopyFrom(at(datetime.now(UTC) + timedelta(days=1)))
    for spec in (past, day):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await submit(gw, spec)
        assert "order.good_till_time" in error_details(caught.value)[1]


async def test_gtd_expires_at_the_first_end_of_day_after_its_time(gw: Gateway) -> None:
    soon = limit_spec("gtd-soon", tif=S.TIME_IN_FORCE_GTD)
    soon.good_till_time.CopyFrom(at(datetime.now(UTC) + timedelta(milliseconds=300)))
    later = limit_spec("gtd-later", tif=S.TIME_IN_FORCE_GTD)
    later.good_till_time.CopyFrom(at(datetime.now(UTC) + timedelta(days=3)))
    opg = limit_spec("opg", tif=S.TIME_IN_FORCE_OPG)
    orders = [await submit(gw, spec) for spec in (soon, later, opg)]
    assert orders[1].spec.good_till_time.seconds == later.good_till_time.seconds
    await read_events(gw, until=reaches(orders[-1].order_id, S.ORDER_STATUS_SUBMITTED))
    await asyncio.sleep(0.4)
    expired = await gw.sim.EndTradingDay(simulator_pb2.EndTradingDayRequest())
    assert sorted(expired.expired_order_ids) == sorted([orders[0].order_id, orders[2].order_id])


async def test_caller_defined_oca_group(gw: Gateway) -> None:
    buy = await submit(gw, limit_spec("oca-a", "90", oca_group="grp-1"))
    sell = await submit(gw, limit_spec("oca-b", "110", side=S.SIDE_SELL, oca_group="grp-1"))
    assert buy.oca_group == sell.oca_group == "grp-1"
    await read_events(gw, until=reaches(sell.order_id, S.ORDER_STATUS_SUBMITTED))
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="89"))
    await read_events(
        gw,
        until=lambda ev: (
            reaches(buy.order_id, S.ORDER_STATUS_FILLED)(ev)
            and reaches(sell.order_id, S.ORDER_STATUS_CANCELLED)(ev)
        ),
    )
    got = await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=sell.order_id))
    assert got.order.filled_quantity == "0"
