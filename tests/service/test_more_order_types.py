"""Trailing stop-limit, on-close, if-touched, pegged, iceberg, hidden and algo orders
through gRPC on the simulated exchange: what is kept, what is refused, how they trade."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from ibkr.gateway.v1 import gateway_pb2, orders_pb2, simulator_pb2

from tests.service.conftest import (
    Gateway,
    error_details,
    order_spec,
    reaches,
    read_events,
    submit,
)

S = orders_pb2


def spec(coid: str, order_type: S.OrderType.ValueType, **fields: object) -> S.OrderSpec:
    s = order_spec(coid, order_type=order_type)
    for name, value in fields.items():
        if isinstance(value, S.Algo):
            s.algo.CopyFrom(value)
        else:
            setattr(s, name, value)
    return s


async def invalid(gw: Gateway, s: S.OrderSpec) -> dict[str, str]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, s)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    return error_details(caught.value)[1]


async def price(gw: Gateway, value: str) -> simulator_pb2.SetPriceResponse:
    return await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price=value))


async def test_every_new_field_is_kept_and_returned(gw: Gateway) -> None:
    vwap = S.Algo(
        vwap=S.VwapAlgo(
            max_pct_vol="0.25",
            start_time=Timestamp(seconds=1_772_460_000),
            end_time=Timestamp(seconds=1_772_463_600),
            no_take_liq=True,
        )
    )
    sent = [
        spec(
            "keep-tsl",
            S.ORDER_TYPE_TRAILING_STOP_LIMIT,
            side=S.SIDE_SELL,
            trailing_percent="2",
            limit_offset="0.5",
        ),
        spec("keep-rel", S.ORDER_TYPE_RELATIVE, peg_offset="0.01", limit_price="99"),
        spec("keep-ice", S.ORDER_TYPE_LIMIT, limit_price="90", display_size="10", quantity="50"),
        spec("keep-vwap", S.ORDER_TYPE_LIMIT, limit_price="90", algo=vwap),
    ]
    for s in sent:
        order = await submit(gw, s)
        got = (await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=order.order_id))).order
        assert got.spec.order_type == s.order_type
        for field in ("trailing_percent", "limit_offset", "peg_offset", "display_size"):
            assert getattr(got.spec, field) == getattr(s, field), field
        assert got.spec.algo == s.algo
        assert (
            got.broker_order_type
            == {
                S.ORDER_TYPE_TRAILING_STOP_LIMIT: "TRAIL LIMIT",
                S.ORDER_TYPE_RELATIVE: "REL",
                S.ORDER_TYPE_LIMIT: "LMT",
            }[s.order_type]
        )


@pytest.mark.parametrize(
    ("s", "field"),
    [
        (spec("bad-moc", S.ORDER_TYPE_MARKET_ON_CLOSE, limit_price="1"), "order.limit_price"),
        (
            spec("bad-moc-tif", S.ORDER_TYPE_MARKET_ON_CLOSE, time_in_force=S.TIME_IN_FORCE_GTC),
            "order.time_in_force",
        ),
        (spec("bad-lit", S.ORDER_TYPE_LIMIT_IF_TOUCHED, limit_price="99"), "order.stop_price"),
        (
            spec("bad-tsl", S.ORDER_TYPE_TRAILING_STOP_LIMIT, trailing_amount="1"),
            "order.limit_offset",
        ),
        (
            spec("bad-ice", S.ORDER_TYPE_LIMIT, limit_price="9", display_size="101"),
            "order.display_size",
        ),
        (spec("bad-ice-mkt", S.ORDER_TYPE_MARKET, display_size="10"), "order.display_size"),
        (spec("bad-peg", S.ORDER_TYPE_RELATIVE, peg_offset="-1"), "order.peg_offset"),
        (
            spec("bad-vwap", S.ORDER_TYPE_MARKET, algo=S.Algo(vwap=S.VwapAlgo())),
            "order.algo.vwap.max_pct_vol",
        ),
        (
            spec(
                "bad-twap",
                S.ORDER_TYPE_MARKET,
                algo=S.Algo(
                    twap=S.TwapAlgo(
                        start_time=Timestamp(seconds=2_000), end_time=Timestamp(seconds=1_000)
                    )
                ),
            ),
            "order.algo.twap.end_time",
        ),
        (
            spec(
                "bad-algo-stop",
                S.ORDER_TYPE_STOP,
                stop_price="90",
                algo=S.Algo(adaptive=S.AdaptiveAlgo()),
            ),
            "order.algo",
        ),
        (spec("bad-algo-empty", S.ORDER_TYPE_MARKET, algo=S.Algo()), "order.algo"),
        (spec("bad-other", S.ORDER_TYPE_OTHER), "order.order_type"),
    ],
    ids=lambda v: v.client_order_id if isinstance(v, S.OrderSpec) else v,
)
async def test_each_type_rule_is_an_invalid_argument_naming_the_field(
    gw: Gateway, s: S.OrderSpec, field: str
) -> None:
    assert field in await invalid(gw, s)
    assert gw.server.store.last_sequence == 0


async def test_moc_fills_at_the_close_and_loc_expires_beyond_its_limit(gw: Gateway) -> None:
    moc = await submit(gw, spec("close-moc", S.ORDER_TYPE_MARKET_ON_CLOSE))
    loc = await submit(
        gw, spec("close-loc", S.ORDER_TYPE_LIMIT_ON_CLOSE, limit_price="101", side=S.SIDE_SELL)
    )
    await read_events(gw, until=reaches(loc.order_id, S.ORDER_STATUS_SUBMITTED))
    assert list((await price(gw, "100.5")).filled_order_ids) == []
    expired = await gw.sim.EndTradingDay(simulator_pb2.EndTradingDayRequest())
    assert list(expired.expired_order_ids) == [loc.order_id]
    await read_events(gw, until=reaches(moc.order_id, S.ORDER_STATUS_FILLED))
    got = await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=moc.order_id))
    assert got.order.average_fill_price == "100.5"


async def test_lit_waits_for_its_trigger_and_a_modified_trigger_applies(gw: Gateway) -> None:
    lit = await submit(
        gw, spec("touch-lit", S.ORDER_TYPE_LIMIT_IF_TOUCHED, stop_price="95", limit_price="97")
    )
    await read_events(gw, until=reaches(lit.order_id, S.ORDER_STATUS_ACCEPTED))
    await price(gw, "98")
    await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(order_id=lit.order_id, stop_price="97")
    )
    # Touched at 96.5, under the trigger moved from 95 to 97, and within the limit.
    filled = await price(gw, "96.5")
    assert list(filled.filled_order_ids) == [lit.order_id]


async def test_modifications_are_held_to_the_types_rules(gw: Gateway) -> None:
    moc = await submit(gw, spec("mod-moc", S.ORDER_TYPE_MARKET_ON_CLOSE))
    ice = await submit(
        gw, spec("mod-ice", S.ORDER_TYPE_LIMIT, limit_price="90", quantity="50", display_size="20")
    )
    for request, field in (
        (gateway_pb2.ModifyOrderRequest(order_id=moc.order_id, limit_price="99"), "limit_price"),
        (
            gateway_pb2.ModifyOrderRequest(
                order_id=moc.order_id, time_in_force=S.TIME_IN_FORCE_GTC
            ),
            "time_in_force",
        ),
        # An iceberg's quantity may not fall below what it shows.
        (gateway_pb2.ModifyOrderRequest(order_id=ice.order_id, quantity="10"), "display_size"),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await gw.stub.ModifyOrder(request)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field in error_details(caught.value)[1]
    modified = await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(order_id=ice.order_id, quantity="30")
    )
    assert (modified.order.spec.quantity, modified.order.spec.display_size) == ("30", "20")


async def test_iceberg_fills_arrive_as_slices(gw: Gateway) -> None:
    ice = await submit(
        gw, spec("slices", S.ORDER_TYPE_LIMIT, limit_price="100", quantity="45", display_size="20")
    )
    await read_events(gw, until=reaches(ice.order_id, S.ORDER_STATUS_FILLED))
    fills = await gw.stub.ListFills(gateway_pb2.ListFillsRequest(order_id=ice.order_id))
    assert [f.quantity for f in fills.fills] == ["20", "20", "5"]


async def test_preview_prices_market_like_types_at_the_market(gw: Gateway) -> None:
    await price(gw, "120")
    for s, expected in (
        (spec("pv-moc", S.ORDER_TYPE_MARKET_ON_CLOSE), "120"),
        (spec("pv-mit", S.ORDER_TYPE_MARKET_IF_TOUCHED, stop_price="110"), "110"),
        (spec("pv-rel", S.ORDER_TYPE_RELATIVE, limit_price="115"), "115"),
    ):
        preview = await gw.stub.PreviewOrder(gateway_pb2.PreviewOrderRequest(order=s))
        assert preview.estimated_price == expected, s.client_order_id
