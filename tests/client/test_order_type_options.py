"""The Python client's options for the order types beyond market, limit and stops."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from ibkr_gateway_client import AsyncGatewayClient, InvalidArgumentError, algos
from tests.service.conftest import Gateway


@pytest.fixture
async def client(gw: Gateway) -> AsyncIterator[AsyncGatewayClient]:
    async with AsyncGatewayClient(f"127.0.0.1:{gw.server.port}") as c:
        yield c


async def test_each_option_reaches_the_gateway_and_comes_back(client: AsyncGatewayClient) -> None:
    moc = await client.submit_order("AAPL", "buy", 5, order_type="market_on_close")
    assert (moc.order_type, moc.broker_order_type) == ("MARKET_ON_CLOSE", "MOC")
    trail = await client.submit_order(
        "AAPL",
        "sell",
        5,
        order_type="trailing_stop_limit",
        trailing_amount="2",
        limit_offset="0.5",
    )
    assert (trail.proto.spec.limit_offset, trail.broker_order_type) == ("0.5", "TRAIL LIMIT")
    rel = await client.submit_order("AAPL", "buy", 5, order_type="relative", peg_offset="0.01")
    assert rel.proto.spec.peg_offset == "0.01"
    iceberg = await client.submit_order(
        "AAPL", "buy", 50, order_type="limit", limit_price=90, display_size=10
    )
    assert iceberg.proto.spec.display_size == "10"
    hidden = await client.submit_order(
        "AAPL", "buy", 5, order_type="limit", limit_price=90, hidden=True
    )
    assert hidden.proto.spec.hidden
    start = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
    for algo in (
        algos.adaptive("urgent"),
        algos.twap("matching_last", start_time=start, allow_past_end_time=True),
        algos.vwap(Decimal("0.1"), end_time=start, no_take_liq=True),
    ):
        order = await client.submit_order(
            "AAPL", "buy", 5, order_type="limit", limit_price=90, algo=algo
        )
        assert order.proto.spec.algo == algo


async def test_a_bad_algo_parameter_is_a_typed_field_violation(
    client: AsyncGatewayClient,
) -> None:
    with pytest.raises(InvalidArgumentError) as bad:
        await client.submit_order("AAPL", "buy", 5, algo=algos.vwap("0.9"))
    assert "order.algo.vwap.max_pct_vol" in bad.value.field_violations


def test_algo_times_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        algos.twap(start_time=datetime(2026, 3, 2, 14, 30))
