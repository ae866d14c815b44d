"""PreviewOrder: what an order would do, without placing it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import account_pb2, gateway_pb2, orders_pb2

from tests.service.conftest import (
    Gateway,
    error_details,
    limit_spec,
    order_spec,
    start_gateway,
    stop_gateway,
    submit,
)
from tests.service.positions_support import accounts, position_events, quantity_reaches, trade

S = orders_pb2


async def preview(gw: Gateway, spec: orders_pb2.OrderSpec) -> gateway_pb2.PreviewOrderResponse:
    return await gw.stub.PreviewOrder(gateway_pb2.PreviewOrderRequest(order=spec))


async def test_a_preview_shows_price_commission_position_and_account_and_stores_nothing(
    gw: Gateway,
) -> None:
    await trade(gw, "buy", "BUY", "100", "100")
    await trade(gw, "sell", "SELL", "40", "110")
    await position_events(gw, until=quantity_reaches("AAPL", "60"))
    head = gw.server.store.last_sequence
    p = await preview(gw, order_spec("more", quantity="40"))
    assert p.order.client_order_id == "more"
    assert p.order.account == "DU123456"
    assert (p.estimated_price, p.estimated_commission) == ("110", "1")
    assert (p.position_before, p.position_after) == ("60", "100")
    now = await accounts(gw).GetAccountSummary(account_pb2.GetAccountSummaryRequest())
    now.summary.ClearField("time")
    p.account_before.ClearField("time")
    assert p.account_before == now.summary
    assert p.account_after.cash == "989997"  # 994,398 - 40 x 110 - 1.00
    assert p.account_after.initial_margin == "5500"  # 50% of 100 x 110
    assert p.account_after.net_liquidation == "1000997"  # only the commission is gone
    assert list(p.breaches) == []
    assert gw.server.store.last_sequence == head
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.stub.GetOrder(gateway_pb2.GetOrderRequest(client_order_id="more"))
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


async def test_a_limit_away_from_the_market_is_estimated_at_its_limit(gw: Gateway) -> None:
    p = await preview(gw, limit_spec("low", "90", quantity="10"))
    assert (p.estimated_price, p.position_after) == ("90", "10")
    # Valued at the market (100) right after: 10 x 10 unrealized, less the commission.
    assert p.account_after.unrealized_pnl == "99"
    marketable = await preview(gw, limit_spec("high", "120", quantity="10"))
    assert marketable.estimated_price == "100"


async def test_a_bad_order_is_invalid_as_for_submit(gw: Gateway) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await preview(gw, order_spec("bad", quantity="-1"))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "order.quantity" in error_details(caught.value)[1]


RISK = """
[accounts.DU2]
max_quantity = "5"
no_short_sales = true

[rate]
orders_per_second = 1
"""


@pytest.fixture
async def limited(tmp_path: Path) -> AsyncIterator[Gateway]:
    risk = tmp_path / "risk.toml"
    risk.write_text(RISK)
    gateway = await start_gateway(tmp_path / "preview.db", risk_file=str(risk))
    try:
        yield gateway
    finally:
        await stop_gateway(gateway)


async def test_a_preview_lists_every_limit_broken_and_uses_no_order_rate(limited: Gateway) -> None:
    gw = limited
    await gw.stub.SetKillSwitch(
        gateway_pb2.SetKillSwitchRequest(engaged=True, reason="lunch", accounts=["DU2"])
    )
    spec = order_spec("big", side=S.SIDE_SELL, quantity="10", account="DU2")
    p = await preview(gw, spec)
    assert [b.reason for b in p.breaches] == [
        "KILL_SWITCH_ENGAGED",
        "RISK_MAX_QUANTITY",
        "RISK_NO_SHORT_SALES",
    ]
    assert p.breaches[1].metadata["limit"] == "5"
    assert p.breaches[2].metadata["position_after"] == "-10"
    # Previews spent none of the one order a second.
    await preview(gw, spec)
    await submit(gw, order_spec("fine", quantity="1"))
