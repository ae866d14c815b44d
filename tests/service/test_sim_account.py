"""The simulated account over the API: cash, margin and buying power, starting cash,
positions set from outside the fills."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import account_pb2, gateway_pb2, orders_pb2, simulator_pb2

from tests.service.conftest import Gateway, error_details, start_gateway, stop_gateway
from tests.service.positions_support import (
    accounts,
    list_positions,
    position_events,
    quantity_reaches,
    trade,
)


async def summary(gw: Gateway, account: str = "") -> account_pb2.AccountSummary:
    request = account_pb2.GetAccountSummaryRequest(account=account)
    return (await accounts(gw).GetAccountSummary(request)).summary


def figures(s: account_pb2.AccountSummary) -> dict[str, str]:
    return {
        field.name: getattr(s, field.name)
        for field in s.DESCRIPTOR.fields
        if field.name not in ("time", "last_sequence", "account", "currency")
    }


async def test_cash_margin_and_buying_power_follow_the_trades(gw: Gateway) -> None:
    fresh = await summary(gw)
    assert (fresh.cash, fresh.buying_power, fresh.currency) == ("1000000", "2000000", "USD")
    await trade(gw, "buy", "BUY", "100", "100")
    await trade(gw, "sell", "SELL", "40", "110")
    await position_events(gw, until=quantity_reaches("AAPL", "60"))
    s = await summary(gw)
    assert figures(s) == {
        "cash": "994398",  # 1,000,000 - 10,000 - 1 + 4,400 - 1
        "net_liquidation": "1000998",  # + 60 x 110
        "gross_position_value": "6600",
        "initial_margin": "3300",
        "maintenance_margin": "1650",
        "available_funds": "997698",
        "excess_liquidity": "999348",
        "buying_power": "1995396",
        "realized_pnl": "398.6",
        "unrealized_pnl": "599.4",
    }
    assert s.account == "DU123456"
    assert s.last_sequence == gw.server.store.last_sequence


async def test_starting_cash_is_configurable_and_the_figures_survive_a_restart(
    tmp_path: Path,
) -> None:
    gw = await start_gateway(tmp_path / "cash.db", sim_cash=Decimal("50000.50"))
    try:
        await trade(gw, "short", "SELL", "100", "200", symbol="MSFT")
        await position_events(gw, until=quantity_reaches("MSFT", "-100"))
        before = await summary(gw)
        assert before.cash == "69999.5"  # 50,000.50 + 20,000 from the short sale - 1.00
    finally:
        await stop_gateway(gw)
    gw = await start_gateway(tmp_path / "cash.db", sim_cash=Decimal("50000.50"))
    try:
        # The simulated market forgets its prices on restart; the journal does not.
        await gw.sim.SetPrice(simulator_pb2.SetPriceRequest(symbol="MSFT", price="200"))
        assert figures(await summary(gw)) == figures(before)
    finally:
        await stop_gateway(gw)


async def test_set_position_is_a_journaled_adjustment_that_moves_no_cash(gw: Gateway) -> None:
    response = await gw.sim.SetPosition(
        simulator_pb2.SetPositionRequest(
            contract=orders_pb2.Contract(symbol="IBM"),
            quantity="500",
            average_cost="80.5",
            reason="held before the gateway",
        )
    )
    assert (response.position.quantity, response.position.average_cost) == ("500", "80.5")
    (event,) = await position_events(gw, until=quantity_reaches("IBM", "500"))
    assert event.cause == account_pb2.POSITION_CHANGE_CAUSE_ADJUSTMENT
    assert event.reason == "held before the gateway"
    assert event.sequence == response.position.last_sequence
    (listed,) = (await list_positions(gw)).positions
    assert listed.market_price == "100"
    assert listed.unrealized_pnl == "9750"  # 500 x (100 - 80.50)
    s = await summary(gw)
    assert (s.cash, s.gross_position_value, s.realized_pnl) == ("1000000", "50000", "0")
    # Trades build on the adjusted position.
    await trade(gw, "sell", "SELL", "100", "90", symbol="IBM")
    await position_events(gw, until=quantity_reaches("IBM", "400"))
    (after,) = (await list_positions(gw)).positions
    assert after.realized_pnl == "949"  # 100 x (90 - 80.50) - 1.00
    audit = await gw.stub.ListAuditRecords(gateway_pb2.ListAuditRecordsRequest())
    (record,) = [r for r in audit.records if r.method.endswith("/SetPosition")]
    assert json.loads(record.request_json)["reason"] == "held before the gateway"
    assert list(record.accounts) == ["DU123456"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"quantity": "5", "average_cost": "1"}, "reason"),
        ({"average_cost": "1", "reason": "r"}, "quantity"),
        ({"quantity": "5", "reason": "r"}, "average_cost"),
        ({"quantity": "5", "average_cost": "-1", "reason": "r"}, "average_cost"),
        ({"quantity": "5", "average_cost": "1", "reason": "r", "account": "NOPE"}, "account"),
        ({"quantity": "1e3", "average_cost": "1", "reason": "r"}, "quantity"),
    ],
)
async def test_set_position_refuses_bad_input(
    gw: Gateway, fields: dict[str, str], field: str
) -> None:
    request = simulator_pb2.SetPositionRequest(contract=orders_pb2.Contract(symbol="IBM"), **fields)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await gw.sim.SetPosition(request)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in error_details(caught.value)[1]
    assert gw.server.store.last_sequence == 0


async def test_a_closed_position_is_set_without_a_cost(gw: Gateway) -> None:
    await trade(gw, "b", "BUY", "10", "100")
    await position_events(gw, until=quantity_reaches("AAPL", "10"))
    response = await gw.sim.SetPosition(
        simulator_pb2.SetPositionRequest(
            contract=orders_pb2.Contract(symbol="AAPL"), quantity="0", reason="transferred out"
        )
    )
    assert (response.position.quantity, response.position.average_cost) == ("0", "")
    assert (await list_positions(gw)).positions == []


async def test_summary_of_an_account_the_gateway_does_not_manage_is_invalid(gw: Gateway) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await summary(gw, "DU999")
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "account" in error_details(caught.value)[1]
