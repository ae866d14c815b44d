"""Limits on positions (max_position, max_gross_exposure, no_short_sales), checked
against the position an order would leave, at and past each boundary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2
from ibkr.gateway.v1 import gateway_pb2, orders_pb2, simulator_pb2

from tests.service.conftest import (
    Gateway,
    error_details,
    error_metadata,
    limit_spec,
    order_spec,
    start_gateway,
    stop_gateway,
    submit,
)
from tests.service.positions_support import position_events, quantity_reaches

S = orders_pb2
RISK = """
[accounts.DU123456]
max_position = "100"

[accounts.DU2]
no_short_sales = true

[accounts.DU3]
max_gross_exposure = "30000"
"""


@pytest.fixture
async def gw(tmp_path: Path) -> AsyncIterator[Gateway]:
    risk = tmp_path / "risk.toml"
    risk.write_text(RISK)
    gateway = await start_gateway(tmp_path / "limits.db", risk_file=str(risk))
    try:
        yield gateway
    finally:
        await stop_gateway(gateway)


async def refused(gw: Gateway, spec: orders_pb2.OrderSpec) -> tuple[str, dict[str, str]]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await submit(gw, spec)
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    return error_details(caught.value)[0], error_metadata(caught.value)


def sell(coid: str, quantity: str, account: str, symbol: str = "AAPL") -> orders_pb2.OrderSpec:
    return order_spec(coid, symbol=symbol, side=S.SIDE_SELL, quantity=quantity, account=account)


async def holding(gw: Gateway, quantity: str, account: str, symbol: str = "AAPL") -> None:
    await position_events(gw, account=account, until=quantity_reaches(symbol, quantity))


async def test_max_position_allows_the_limit_and_refuses_past_it(gw: Gateway) -> None:
    await submit(gw, order_spec("at", quantity="100"))
    await holding(gw, "100", "DU123456")
    reason, metadata = await refused(gw, order_spec("past", quantity="1"))
    assert reason == "RISK_MAX_POSITION"
    assert metadata == {
        "client_order_id": "past",
        "limit": "100",
        "position": "100",
        "position_after": "101",
    }
    # Reducing is always allowed, and so is a short of the limit.
    await submit(gw, sell("down", "200", "DU123456"))
    await holding(gw, "-100", "DU123456")
    reason, _ = await refused(gw, sell("further", "1", "DU123456"))
    assert reason == "RISK_MAX_POSITION"


async def test_max_position_counts_working_orders_on_the_same_side(gw: Gateway) -> None:
    await submit(gw, limit_spec("rest-60", "50", quantity="60"))
    reason, metadata = await refused(gw, limit_spec("rest-41", "50", quantity="41"))
    assert (reason, metadata["position_after"]) == ("RISK_MAX_POSITION", "101")
    await submit(gw, limit_spec("rest-40", "50", quantity="40"))
    # A sell working against them does not make room for more buys.
    await submit(gw, limit_spec("offer", "200", quantity="50", side=S.SIDE_SELL))
    reason, _ = await refused(gw, limit_spec("rest-1", "50", quantity="1"))
    assert reason == "RISK_MAX_POSITION"


async def test_a_batch_counts_its_earlier_orders_against_max_position(gw: Gateway) -> None:
    response = await gw.stub.SubmitOrders(
        gateway_pb2.SubmitOrdersRequest(
            orders=[
                limit_spec("batch-60", "50", quantity="60"),
                limit_spec("batch-41", "50", quantity="41"),
                limit_spec("batch-40", "50", quantity="40"),
            ]
        )
    )
    first, refused_one, last = response.results
    assert first.order.spec.quantity == "60"
    assert last.order.spec.quantity == "40"
    assert refused_one.error.code == grpc.StatusCode.FAILED_PRECONDITION.value[0]
    info = error_details_pb2.ErrorInfo()
    assert refused_one.error.details[0].Unpack(info)
    assert (info.reason, info.metadata["position_after"]) == ("RISK_MAX_POSITION", "101")


async def test_a_modification_is_held_to_max_position(gw: Gateway) -> None:
    order = await submit(gw, limit_spec("resting", "50", quantity="60"))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.ModifyOrder(
            gateway_pb2.ModifyOrderRequest(order_id=order.order_id, quantity="101")
        )
    assert error_details(caught.value)[0] == "RISK_MAX_POSITION"
    changed = await gw.stub.ModifyOrder(
        gateway_pb2.ModifyOrderRequest(order_id=order.order_id, quantity="100")
    )
    assert changed.order.spec.quantity == "100"


async def test_no_short_sales_allows_selling_down_to_flat_only(gw: Gateway) -> None:
    reason, metadata = await refused(gw, sell("naked", "1", "DU2"))
    assert (reason, metadata["position_after"]) == ("RISK_NO_SHORT_SALES", "-1")
    await submit(gw, order_spec("long", quantity="10", account="DU2"))
    await holding(gw, "10", "DU2")
    reason, _ = await refused(gw, sell("eleven", "11", "DU2"))
    assert reason == "RISK_NO_SHORT_SALES"
    # A working sale counts: 10 offered, nothing more may be sold.
    await submit(gw, limit_spec("offer", "200", quantity="10", side=S.SIDE_SELL, account="DU2"))
    reason, _ = await refused(gw, sell("one-more", "1", "DU2"))
    assert reason == "RISK_NO_SHORT_SALES"


async def test_a_position_set_from_outside_counts(gw: Gateway) -> None:
    await gw.sim.SetPosition(
        simulator_pb2.SetPositionRequest(
            account="DU2",
            contract=orders_pb2.Contract(symbol="IBM"),
            quantity="30",
            average_cost="90",
            reason="held before",
        )
    )
    reason, _ = await refused(gw, sell("more", "31", "DU2", symbol="IBM"))
    assert reason == "RISK_NO_SHORT_SALES"
    await submit(gw, sell("all", "30", "DU2", symbol="IBM"))


async def set_position(gw: Gateway, account: str, quantity: str) -> None:
    await gw.sim.SetPosition(
        simulator_pb2.SetPositionRequest(
            account=account,
            contract=orders_pb2.Contract(symbol="AAPL"),
            quantity=quantity,
            average_cost="90",
            reason="held before",
        )
    )


async def test_bracket_children_meet_no_short_sales_through_their_parent(gw: Gateway) -> None:
    response = await gw.stub.SubmitBracketOrder(
        gateway_pb2.SubmitBracketOrderRequest(
            parent=limit_spec("entry", "99", quantity="10", account="DU2"),
            take_profit_limit_price="110",
            stop_loss_stop_price="90",
        )
    )
    assert response.stop_loss.spec.side == S.SIDE_SELL
    # Working children sell only what their parent buys: they leave room for the 10 held.
    await set_position(gw, "DU2", "10")
    await submit(gw, sell("held", "10", "DU2"))


async def test_an_oca_group_counts_once(gw: Gateway) -> None:
    await set_position(gw, "DU2", "20")
    for coid in ("oca-a", "oca-b"):
        await submit(
            gw,
            limit_spec(coid, "200", quantity="10", side=S.SIDE_SELL, account="DU2", oca_group="g"),
        )
    await submit(gw, sell("rest", "10", "DU2"))
    reason, _ = await refused(gw, sell("more", "1", "DU2"))
    assert reason == "RISK_NO_SHORT_SALES"


async def test_max_gross_exposure_allows_the_limit_and_refuses_past_it(gw: Gateway) -> None:
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="MSFT", price="100"))
    await submit(gw, order_spec("at", quantity="300", account="DU3"))  # 300 x 100 = 30,000
    await holding(gw, "300", "DU3")
    reason, metadata = await refused(
        gw, order_spec("msft", symbol="MSFT", quantity="1", account="DU3")
    )
    assert (reason, metadata["gross_exposure"], metadata["limit"]) == (
        "RISK_MAX_GROSS_EXPOSURE",
        "30100",
        "30000",
    )
    # Exposure is valued at the market: at 90 there is room for 30 more.
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="AAPL", price="90"))
    await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="MSFT", price="100"))
    await submit(gw, order_spec("room", symbol="MSFT", quantity="30", account="DU3"))
    await submit(gw, sell("reduce", "10", "DU3"))


async def test_a_position_over_the_limit_may_still_be_reduced(gw: Gateway) -> None:
    await gw.sim.SetPosition(
        simulator_pb2.SetPositionRequest(
            contract=orders_pb2.Contract(symbol="AAPL"),
            quantity="150",
            average_cost="90",
            reason="held before the limit",
        )
    )
    await submit(gw, sell("reduce", "10", "DU123456"))
    reason, _ = await refused(gw, order_spec("add", quantity="1"))
    assert reason == "RISK_MAX_POSITION"
