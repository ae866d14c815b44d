"""Bracket orders: entry, take-profit and stop-loss linked by parent id and an OCA group."""

from __future__ import annotations

import grpc
import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2, simulator_pb2

from tests.service.conftest import Gateway, error_details, limit_spec, reaches, read_events

S = orders_pb2


def bracket(
    coid: str, entry: str = "99", take_profit: str = "110", stop_loss: str = "90", **kw: str
) -> gateway_pb2.SubmitBracketOrderRequest:
    side = S.SIDE_SELL if kw.get("side") == "sell" else S.SIDE_BUY
    parent = limit_spec(coid, entry, side=side)
    return gateway_pb2.SubmitBracketOrderRequest(
        parent=parent, take_profit_limit_price=take_profit, stop_loss_stop_price=stop_loss
    )


async def test_take_profit_fill_cancels_the_stop_loss(gw: Gateway) -> None:
    response = await gw.stub.SubmitBracketOrder(bracket("br-1"))
    parent, tp, sl = response.parent, response.take_profit, response.stop_loss
    assert tp.parent_order_id == parent.order_id == sl.parent_order_id
    assert tp.oca_group == sl.oca_group != ""
    assert (tp.spec.side, sl.spec.side) == (S.SIDE_SELL, S.SIDE_SELL)
    assert (tp.spec.client_order_id, sl.spec.client_order_id) == ("br-1.tp", "br-1.sl")
    assert sl.spec.order_type == S.ORDER_TYPE_STOP
    await read_events(gw, until=reaches(sl.order_id, S.ORDER_STATUS_ACCEPTED))

    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="99"))
    await read_events(gw, until=reaches(parent.order_id, S.ORDER_STATUS_FILLED))
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="111"))
    events = await read_events(
        gw,
        until=lambda ev: (
            reaches(tp.order_id, S.ORDER_STATUS_FILLED)(ev)
            and reaches(sl.order_id, S.ORDER_STATUS_CANCELLED)(ev)
        ),
    )
    tp_fill = [e.fill for e in events if e.order_id == tp.order_id and e.HasField("fill")]
    assert [(f.quantity, f.price) for f in tp_fill] == [("100", "111")]
    assert not any(e.HasField("fill") for e in events if e.order_id == sl.order_id)


async def test_stop_loss_fill_cancels_the_take_profit(gw: Gateway) -> None:
    response = await gw.stub.SubmitBracketOrder(bracket("br-2", entry="100"))
    tp, sl = response.take_profit, response.stop_loss
    await read_events(gw, until=reaches(response.parent.order_id, S.ORDER_STATUS_FILLED))
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="89"))
    await read_events(
        gw,
        until=lambda ev: (
            reaches(sl.order_id, S.ORDER_STATUS_FILLED)(ev)
            and reaches(tp.order_id, S.ORDER_STATUS_CANCELLED)(ev)
        ),
    )


async def test_cancelling_the_parent_cancels_the_children(gw: Gateway) -> None:
    response = await gw.stub.SubmitBracketOrder(bracket("br-3", entry="90", stop_loss="80"))
    await read_events(gw, until=reaches(response.stop_loss.order_id, S.ORDER_STATUS_ACCEPTED))
    await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(order_id=response.parent.order_id))
    await read_events(
        gw,
        until=lambda ev: all(
            reaches(o.order_id, S.ORDER_STATUS_CANCELLED)(ev)
            for o in (response.parent, response.take_profit, response.stop_loss)
        ),
    )


async def test_bracket_retry_returns_the_same_three_orders(gw: Gateway) -> None:
    first = await gw.stub.SubmitBracketOrder(bracket("br-4"))
    again = await gw.stub.SubmitBracketOrder(bracket("br-4"))
    assert [o.order_id for o in (again.parent, again.take_profit, again.stop_loss)] == [
        o.order_id for o in (first.parent, first.take_profit, first.stop_loss)
    ]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.SubmitBracketOrder(bracket("br-4", take_profit="120"))
    assert caught.value.code() == grpc.StatusCode.ALREADY_EXISTS


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (bracket("w1", entry="99", take_profit="98"), "take_profit_limit_price"),
        (bracket("w2", entry="99", stop_loss="100"), "stop_loss_stop_price"),
        (bracket("w3", entry="99", take_profit="90", stop_loss="110", side="sell"), ""),
        (bracket("w4", entry="99", take_profit="110", stop_loss="90", side="sell"), "x"),
        (bracket("w5", take_profit=""), "take_profit_limit_price"),
        (bracket("w6", stop_loss="-3"), "stop_loss_stop_price"),
    ],
)
async def test_bracket_prices_on_the_wrong_side_are_invalid(
    gw: Gateway, request_: gateway_pb2.SubmitBracketOrderRequest, field: str
) -> None:
    if field == "":
        # A correct sell bracket, as a control.
        await gw.stub.SubmitBracketOrder(request_)
        return
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.SubmitBracketOrder(request_)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = error_details(caught.value)[1]
    if field == "x":
        assert {"take_profit_limit_price", "stop_loss_stop_price"} <= set(fields)
    else:
        assert field in fields
    listed = await gw.stub.ListOrders(gateway_pb2.ListOrdersRequest())
    assert list(listed.orders) == []
