"""Order flows through a real gRPC server on the simulated exchange."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import grpc
import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2, simulator_pb2

from tests.service.conftest import (
    Gateway,
    error_details,
    limit_spec,
    order_spec,
    reaches,
    read_events,
    statuses_of,
    submit,
)

S = orders_pb2


async def test_market_order_fills_with_a_fill_event(gw: Gateway) -> None:
    order = await submit(gw, order_spec("mkt-1", quantity="100"))
    assert order.status == S.ORDER_STATUS_PENDING_SUBMIT
    assert order.spec.account == "DU123456"
    assert order.broker_order_id > 0

    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    assert statuses_of(events, order.order_id) == [
        "status_change:PENDING_SUBMIT",
        "status_change:SUBMITTED",
        "fill:SUBMITTED",
        "status_change:FILLED",
    ]
    fill = next(e.fill for e in events if e.WhichOneof("kind") == "fill")
    assert (fill.quantity, fill.price, fill.commission, fill.commission_currency) == (
        "100",
        "100",
        "1",
        "USD",
    )
    assert fill.client_order_id == "mkt-1"
    assert all(e.client_order_id == "mkt-1" for e in events)

    got = (await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=order.order_id))).order
    assert got.status == S.ORDER_STATUS_FILLED
    assert (got.filled_quantity, got.remaining_quantity, got.average_fill_price) == (
        "100",
        "0",
        "100",
    )
    assert got.perm_id > 0
    fills = (await gw.stub.ListFills(gateway_pb2.ListFillsRequest(order_id=order.order_id))).fills
    assert [f.execution_id for f in fills] == [fill.execution_id]


async def test_far_limit_rests_and_cancels_with_a_cancel_event(gw: Gateway) -> None:
    order = await submit(gw, limit_spec("lmt-1", "50"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))

    cancelled = await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=order.order_id))
    assert cancelled.order.status == S.ORDER_STATUS_PENDING_CANCEL

    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_CANCELLED))
    assert statuses_of(events, order.order_id) == [
        "status_change:PENDING_SUBMIT",
        "status_change:SUBMITTED",
        "status_change:PENDING_CANCEL",
        "cancel:CANCELLED",
    ]
    assert events[-1].cancel.previous_status == S.ORDER_STATUS_PENDING_CANCEL


async def test_retry_returns_the_original_order(gw: Gateway) -> None:
    spec = limit_spec("retry-1")
    first = await submit(gw, spec)
    retries = await asyncio.gather(*(submit(gw, spec) for _ in range(10)))
    assert {o.order_id for o in retries} == {first.order_id}
    listed = await gw.stub.ListOrders(gateway_pb2.ListOrdersRequest())
    assert [o.order_id for o in listed.orders] == [first.order_id]


async def test_concurrent_first_submits_create_one_order(gw: Gateway) -> None:
    spec = limit_spec("race-1")
    orders = await asyncio.gather(*(submit(gw, spec) for _ in range(20)))
    assert len({o.order_id for o in orders}) == 1


async def test_retry_of_a_modified_order_still_returns_it(gw: Gateway) -> None:
    spec = limit_spec("mod-retry", "50")
    first = await submit(gw, spec)
    await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(order_id=first.order_id, limit_price="51")
    )
    again = await submit(gw, spec)
    assert again.order_id == first.order_id
    assert again.spec.limit_price == "51"


async def test_same_id_with_another_spec_is_already_exists(gw: Gateway) -> None:
    await submit(gw, limit_spec("dup-1", "50"))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, limit_spec("dup-1", "51"))
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS
    reason, _ = error_details(caught.value)
    assert reason == "CLIENT_ORDER_ID_CONFLICT"


async def test_same_id_in_another_account_is_another_order(gw: Gateway) -> None:
    a = await submit(gw, limit_spec("shared", account="DU2"))
    b = await submit(gw, limit_spec("shared", account="DU3"))
    assert a.order_id != b.order_id


async def test_empty_client_order_id_is_generated(gw: Gateway) -> None:
    order = await submit(gw, limit_spec(""))
    assert order.spec.client_order_id.startswith("gw-")


async def test_lookup_by_client_order_id(gw: Gateway) -> None:
    order = await submit(gw, limit_spec("by-coid"))
    got = await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id="by-coid"))
    assert got.order.order_id == order.order_id


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        (order_spec("q0", quantity="0"), "order.quantity"),
        (order_spec("qneg", quantity="-5"), "order.quantity"),
        (order_spec("qnan", quantity="NaN"), "order.quantity"),
        (order_spec("qexp", quantity="1e3"), "order.quantity"),
        (order_spec("qtext", quantity="ten"), "order.quantity"),
        (order_spec("qnl", quantity="1\n"), "order.quantity"),
        (order_spec("qhuge", quantity="1000000000000"), "order.quantity"),
        (order_spec("qprec", quantity="0.000000001"), "order.quantity"),
        (order_spec("qnone", quantity=""), "order.quantity"),
        (order_spec("lmt", order_type=S.ORDER_TYPE_LIMIT), "order.limit_price"),
        (order_spec("stp", order_type=S.ORDER_TYPE_STOP), "order.stop_price"),
        (order_spec("stplmt", order_type=S.ORDER_TYPE_STOP_LIMIT), "order.stop_price"),
        (limit_spec("neg", "-1"), "order.limit_price"),
        (limit_spec("zero", "0"), "order.limit_price"),
        (order_spec("mktpx", limit_price="10"), "order.limit_price"),
        (order_spec("nosym", symbol=""), "order.contract.symbol"),
        (order_spec("badsym", symbol="AAPL\n"), "order.contract.symbol"),
        (order_spec("noside", side=S.SIDE_UNSPECIFIED), "order.side"),
        (order_spec("badside", side=7), "order.side"),  # type: ignore[arg-type]
        (order_spec("notype", order_type=S.ORDER_TYPE_UNSPECIFIED), "order.order_type"),
        (order_spec("badtype", order_type=42), "order.order_type"),  # type: ignore[arg-type]
        (order_spec("badtif", tif=9), "order.time_in_force"),  # type: ignore[arg-type]
        (order_spec("x" * 65), "order.client_order_id"),
        (order_spec("bad id"), "order.client_order_id"),
        (order_spec("longacct", account="A" * 33), "order.account"),
    ],
)
async def test_bad_input_is_invalid_argument_and_stores_nothing(
    gw: Gateway, spec: orders_pb2.OrderSpec, field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, spec)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    _, fields = error_details(caught.value)
    assert field in fields, fields
    listed = await gw.stub.ListOrders(gateway_pb2.ListOrdersRequest())
    assert list(listed.orders) == []
    assert gw.server.store.last_sequence == 0


async def test_unknown_order_is_not_found(gw: Gateway) -> None:
    calls: list[Awaitable[object]] = [
        gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id="nope")),
        gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id="nope")),
        gw.stub.ModifyOrder(gateway_pb2.ModifyOrderRequest(order_id="nope", limit_price="1")),
        gw.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id="nope")),
    ]
    for call in calls:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND
        assert error_details(caught.value)[0] == "ORDER_NOT_FOUND"


async def test_cancel_or_modify_of_a_finished_order_fails_precondition(gw: Gateway) -> None:
    order = await submit(gw, order_spec("done-1"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=order.order_id))
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert error_details(caught.value)[0] == "ORDER_NOT_CANCELLABLE"
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.ModifyOrder(
            gateway_pb2.ModifyOrderRequest(order_id=order.order_id, quantity="5")
        )
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_modify_reprices_a_working_order_into_a_fill(gw: Gateway) -> None:
    order = await submit(gw, limit_spec("mod-1", "50"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    modified = await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(order_id=order.order_id, limit_price="101")
    )
    assert modified.order.spec.limit_price == "101"
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    kinds = statuses_of(events, order.order_id)
    assert kinds[2:] == ["modification:SUBMITTED", "fill:SUBMITTED", "status_change:FILLED"]
    modification = next(e for e in events if e.WhichOneof("kind") == "modification")
    assert modification.modification.previous_limit_price == "50"


async def test_modify_validates_the_new_values(gw: Gateway) -> None:
    order = await submit(gw, limit_spec("mod-bad", "50"))
    for request, field in [
        (gateway_pb2.ModifyOrderRequest(order_id=order.order_id, quantity="0"), "quantity"),
        (gateway_pb2.ModifyOrderRequest(order_id=order.order_id, limit_price="x"), "limit_price"),
        (gateway_pb2.ModifyOrderRequest(order_id=order.order_id, stop_price="5"), "stop_price"),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await gw.stub.ModifyOrder(request)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field in error_details(caught.value)[1]


async def test_partial_fill_through_the_simulator(gw: Gateway) -> None:
    order = await submit(gw, limit_spec("part-1", "50", quantity="100"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    await gw.sim.FillOrder(simulator_pb2.FillOrderRequest(order_id=order.order_id, quantity="40"))
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_PARTIALLY_FILLED))
    partial = events[-1].order
    assert (partial.filled_quantity, partial.remaining_quantity) == ("40", "60")
    await gw.sim.FillOrder(simulator_pb2.FillOrderRequest(order_id=order.order_id, price="49.5"))
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    assert statuses_of(events, order.order_id)[2:] == [
        "fill:SUBMITTED",
        "status_change:PARTIALLY_FILLED",
        "fill:PARTIALLY_FILLED",
        "status_change:FILLED",
    ]
    assert events[-1].order.average_fill_price == "49.7"


async def test_rejection_reaches_rejected_with_the_ib_code(gw: Gateway) -> None:
    await gw.sim.RejectNextOrder(simulator_pb2.RejectNextOrderRequest(code=201, reason="margin"))
    order = await submit(gw, order_spec("rej-1"))
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_REJECTED))
    assert events[-1].order.status_reason == "IB error 201: margin"
    got = await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=order.order_id))
    assert got.order.status == S.ORDER_STATUS_REJECTED


async def test_stop_order_waits_then_triggers(gw: Gateway) -> None:
    order = await submit(
        gw, order_spec("stp-1", side=S.SIDE_SELL, order_type=S.ORDER_TYPE_STOP, stop_price="95")
    )
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_ACCEPTED))
    response = await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="94"))
    assert list(response.filled_order_ids) == [order.order_id]
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_FILLED))
    assert events[-1].order.average_fill_price == "94"


async def test_ioc_with_thin_liquidity_fills_part_and_cancels_the_rest(gw: Gateway) -> None:
    await gw.sim.SetPrice(
        simulator_pb2.SetPriceRequest(symbol="MSFT", price="300", available_quantity="30")
    )
    order = await submit(
        gw, order_spec("ioc-1", symbol="MSFT", quantity="100", tif=S.TIME_IN_FORCE_IOC)
    )
    events = await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_CANCELLED))
    final = events[-1].order
    assert (final.filled_quantity, final.remaining_quantity) == ("30", "0")


async def test_end_of_day_expires_day_orders_only(gw: Gateway) -> None:
    day = await submit(gw, limit_spec("day-1"))
    gtc = await submit(gw, limit_spec("gtc-1", tif=S.TIME_IN_FORCE_GTC))
    await read_events(gw, until=reaches(gtc.order_id, S.ORDER_STATUS_SUBMITTED))
    expired = await gw.sim.EndTradingDay(simulator_pb2.EndTradingDayRequest())
    assert list(expired.expired_order_ids) == [day.order_id]
    await read_events(gw, until=reaches(day.order_id, S.ORDER_STATUS_CANCELLED))
    got = await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=gtc.order_id))
    assert got.order.status == S.ORDER_STATUS_SUBMITTED


async def test_cancel_all_orders(gw: Gateway) -> None:
    orders = [await submit(gw, limit_spec(f"all-{i}")) for i in range(3)]
    other = await submit(gw, limit_spec("other", account="DU2"))
    response = await gw.stub.CancelAllOrders(gateway_pb2.CancelAllOrdersRequest(account="DU123456"))
    assert {o.order_id for o in response.orders} == {o.order_id for o in orders}
    await read_events(
        gw,
        until=lambda ev: all(reaches(o.order_id, S.ORDER_STATUS_CANCELLED)(ev) for o in orders),
    )
    still = await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(order_id=other.order_id))
    assert still.order.status == S.ORDER_STATUS_SUBMITTED
    everything = await gw.stub.CancelAllOrders(gateway_pb2.CancelAllOrdersRequest())
    assert [o.order_id for o in everything.orders] == [other.order_id]
    await read_events(gw, until=reaches(other.order_id, S.ORDER_STATUS_CANCELLED))


async def test_list_orders_pages_and_filters(gw: Gateway) -> None:
    ids = [(await submit(gw, limit_spec(f"page-{i}"))).order_id for i in range(5)]
    seen: list[str] = []
    token = ""
    while True:
        page = await gw.stub.ListOrders(
            gateway_pb2.ListOrdersRequest(page_size=2, page_token=token)
        )
        assert len(page.orders) <= 2
        seen += [o.order_id for o in page.orders]
        token = page.next_page_token
        if not token:
            break
    assert seen == ids
    first = await gw.stub.ListOrders(gateway_pb2.ListOrdersRequest(page_size=2))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.ListOrders(
            gateway_pb2.ListOrdersRequest(
                page_size=2, page_token=first.next_page_token, symbol="MSFT"
            )
        )
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=ids[0]))
    await read_events(gw, until=reaches(ids[0], S.ORDER_STATUS_CANCELLED))
    cancelled = await gw.stub.ListOrders(
        gateway_pb2.ListOrdersRequest(statuses=[S.ORDER_STATUS_CANCELLED])
    )
    assert [o.order_id for o in cancelled.orders] == [ids[0]]
