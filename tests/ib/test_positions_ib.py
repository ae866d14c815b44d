"""Positions on --backend ib: kept from the executions IB reports, with no market price
(the gateway subscribes to no market data) and no simulated account."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import (
    account_pb2,
    account_pb2_grpc,
    orders_pb2,
    simulator_pb2,
    simulator_pb2_grpc,
)

from ibkr_gateway.sim.tws import TwsSimulator
from tests.ib.test_gateway_ib import start_ib_gateway, stop_ib_gateway, submit
from tests.service.conftest import error_details, order_spec, reaches, read_events


async def test_executions_from_ib_make_positions(sim: TwsSimulator, tmp_path: Path) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "ib.db")
    try:
        accounts = account_pb2_grpc.AccountServiceStub(gw.channel)
        order = await submit(gw, order_spec("ib-pos", quantity="100"))
        await read_events(gw, until=reaches(order.order_id, orders_pb2.ORDER_STATUS_FILLED))
        listed = await accounts.ListPositions(account_pb2.ListPositionsRequest())
        (position,) = listed.positions
        assert (position.quantity, position.average_price, position.average_cost) == (
            "100",
            "100",
            "100.01",  # IB's commission of $1.00 in the cost
        )
        assert (position.market_price, position.unrealized_pnl) == ("", "")
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await accounts.GetAccountSummary(account_pb2.GetAccountSummaryRequest())
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert error_details(caught.value)[0] == "ACCOUNT_SUMMARY_UNAVAILABLE"
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await simulator_pb2_grpc.SimulatorControlServiceStub(gw.channel).SetPosition(
                simulator_pb2.SetPositionRequest(
                    contract=orders_pb2.Contract(symbol="AAPL"), quantity="1", reason="r"
                )
            )
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    finally:
        await stop_ib_gateway(gw)
