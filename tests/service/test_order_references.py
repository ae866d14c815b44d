"""GetOrder, CancelOrder and ModifyOrder name an order by gateway id or by the caller's
own (account, client_order_id): a strategy that lost the gateway id can still act."""

from __future__ import annotations

import grpc
import pytest
from ibkr.gateway.v1 import gateway_pb2, orders_pb2

from tests.service.conftest import (
    Gateway,
    error_details,
    limit_spec,
    reaches,
    read_events,
    submit,
)

S = orders_pb2


async def test_modify_and_cancel_by_client_order_id(gw: Gateway) -> None:
    order = await submit(gw, limit_spec("by-ref", "50", quantity="10"))
    await read_events(gw, until=reaches(order.order_id, S.ORDER_STATUS_SUBMITTED))
    modified = await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(client_order_id="by-ref", limit_price="51")
    )
    assert modified.order.order_id == order.order_id
    assert modified.order.spec.limit_price == "51"
    cancelled = await gw.stub.CancelOrder(
        gateway_pb2.CancelOrderRequest(client_order_id="by-ref", account="DU123456")
    )
    assert cancelled.order.order_id == order.order_id
    assert cancelled.order.status == S.ORDER_STATUS_PENDING_CANCEL


@pytest.mark.parametrize(
    "request_",
    [
        gateway_pb2.CancelOrderRequest(),
        gateway_pb2.CancelOrderRequest(order_id="x", client_order_id="y"),
        gateway_pb2.ModifyOrderRequest(limit_price="5"),
        gateway_pb2.ModifyOrderRequest(order_id="x", client_order_id="y", limit_price="5"),
        gateway_pb2.GetOrderRequest(),
    ],
)
async def test_exactly_one_reference_is_required(gw: Gateway, request_: object) -> None:
    call = {
        gateway_pb2.CancelOrderRequest: gw.stub.CancelOrder,
        gateway_pb2.ModifyOrderRequest: gw.stub.ModifyOrder,
        gateway_pb2.GetOrderRequest: gw.stub.GetOrder,
    }[type(request_)]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(request_)  # type: ignore[operator]
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "order_id" in error_details(caught.value)[1]


async def test_an_unknown_client_order_id_is_not_found(gw: Gateway) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.CancelOrder(gateway_pb2.CancelOrderRequest(client_order_id="nobody"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND
