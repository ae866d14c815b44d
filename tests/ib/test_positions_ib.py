"""Positions on --backend ib: kept from the executions IB reports, with no market price
(the gateway subscribes to no market data); the account summary and previews are IB's."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import (
    account_pb2,
    account_pb2_grpc,
    gateway_pb2,
    orders_pb2,
    simulator_pb2,
    simulator_pb2_grpc,
)

from ibkr_gateway.sim.tws import TwsSimulator
from ibkr_gateway.sim.tws.incoming import CancelAccountSummary, Request
from ibkr_gateway.sim.tws.place_order import PlaceOrder
from ibkr_gateway_client import OrderPreview
from tests.ib.conftest import until
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
            await simulator_pb2_grpc.SimulatorControlServiceStub(gw.channel).SetPosition(
                simulator_pb2.SetPositionRequest(
                    contract=orders_pb2.Contract(symbol="AAPL"), quantity="1", reason="r"
                )
            )
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    finally:
        await stop_ib_gateway(gw)


async def test_the_account_summary_is_ibs(sim: TwsSimulator, tmp_path: Path) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "ib.db")
    try:
        accounts = account_pb2_grpc.AccountServiceStub(gw.channel)
        order = await submit(gw, order_spec("ib-sum", quantity="100"))
        await read_events(gw, until=reaches(order.order_id, orders_pb2.ORDER_STATUS_FILLED))
        sim.set_price("AAPL", "110")
        summary = (await accounts.GetAccountSummary(account_pb2.GetAccountSummaryRequest())).summary
        # The simulator's book: 1,000,000 less 100 x 100 and $1.00, the shares at 110,
        # Reg T margin on 11,000, buying power 4 x the available funds.
        assert (summary.account, summary.currency) == ("DU123456", "USD")
        assert (summary.cash, summary.net_liquidation, summary.gross_position_value) == (
            "989999",
            "1000999",
            "11000",
        )
        assert (summary.initial_margin, summary.maintenance_margin) == ("5500", "2750")
        assert (summary.available_funds, summary.excess_liquidity) == ("995499", "998249")
        assert summary.buying_power == "3981996"
        assert (summary.realized_pnl, summary.unrealized_pnl) == ("0", "1000")
        assert summary.last_sequence == gw.server.store.last_sequence
        # A fresh request each time: the figures follow the market.
        sim.set_price("AAPL", "100")
        again = (await accounts.GetAccountSummary(account_pb2.GetAccountSummaryRequest())).summary
        assert again.net_liquidation == "999999"
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await accounts.GetAccountSummary(account_pb2.GetAccountSummaryRequest(account="DU9"))
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    finally:
        await stop_ib_gateway(gw)


async def test_preview_asks_ib_what_the_order_would_do(sim: TwsSimulator, tmp_path: Path) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "ib.db")
    try:
        request = gateway_pb2.PreviewOrderRequest(order=order_spec("ib-preview", quantity="100"))
        preview = await gw.stub.PreviewOrder(request)
        w = preview.what_if
        assert (preview.estimated_commission, w.commission, w.currency) == ("1", "1", "USD")
        assert (w.initial_margin_before, w.initial_margin_after) == ("0", "5000")
        assert (w.maintenance_margin_before, w.maintenance_margin_after) == ("0", "2500")
        assert (w.equity_with_loan_before, w.equity_with_loan_after) == ("1000000", "999999")
        assert (preview.position_before, preview.position_after) == ("0", "100")
        as_python = OrderPreview.from_proto(preview).what_if
        assert as_python is not None
        assert (as_python.commission, as_python.initial_margin_after) == (D(1), D(5000))
        assert OrderPreview.from_proto(gateway_pb2.PreviewOrderResponse()).what_if is None
        # Nothing placed, nothing journaled.
        assert sim.exchange.orders == {}
        assert gw.server.store.last_sequence == 0
        sim.refuse_next_what_if = (201, "Order rejected - reason: margin")
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await gw.stub.PreviewOrder(request)
        assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        reason, _ = error_details(caught.value)
        assert reason == "BROKER_WHAT_IF_REFUSED"
        assert "margin" in (caught.value.details() or "")
        # The refused what-if ended no order and took nothing with it.
        assert (await gw.stub.PreviewOrder(request)).what_if.commission == "1"
    finally:
        await stop_ib_gateway(gw)


async def test_preview_is_unavailable_when_ib_does_not_answer(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "ib.db", ib={"request_timeout": 0.5})
    try:
        request = gateway_pb2.PreviewOrderRequest(order=order_spec("ib-silent", quantity="1"))
        await gw.stub.PreviewOrder(request)  # the contract is qualified and cached
        sim.ignore = lambda r: isinstance(r, PlaceOrder) and r.order.what_if
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await gw.stub.PreviewOrder(request)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert error_details(caught.value)[0] == "BROKER_TIMEOUT"
    finally:
        await stop_ib_gateway(gw)


async def test_preview_is_unavailable_when_the_connection_breaks_first(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    gw = await start_ib_gateway(sim, tmp_path / "ib.db", ib={"request_timeout": 30})
    try:
        request = gateway_pb2.PreviewOrderRequest(order=order_spec("ib-broken", quantity="1"))
        asked: list[Request] = []

        def unanswered(request: Request) -> bool:
            if isinstance(request, PlaceOrder) and request.order.what_if:
                asked.append(request)
                return True
            return False

        sim.ignore = unanswered
        call = asyncio.ensure_future(gw.stub.PreviewOrder(request))
        await until(lambda: asked != [], 5)
        sim.drop_connections()
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        assert error_details(caught.value)[0] == "BROKER_DISCONNECTED"
    finally:
        await stop_ib_gateway(gw)


async def test_account_summaries_are_cancelled_once_answered(
    sim: TwsSimulator, tmp_path: Path
) -> None:
    """IB allows two summary subscriptions at a time: each request ends its own."""
    gw = await start_ib_gateway(sim, tmp_path / "ib.db")
    try:
        accounts = account_pb2_grpc.AccountServiceStub(gw.channel)
        request = account_pb2.GetAccountSummaryRequest()
        for _ in range(4):
            assert (await accounts.GetAccountSummary(request)).summary.cash == "1000000"
        await until(lambda: sim.queries.summary_subscriptions == 0)
        # Without the cancels (TWS leaves them unread), the third is refused with 322.
        sim.ignore = lambda r: isinstance(r, CancelAccountSummary)
        await accounts.GetAccountSummary(request)
        await accounts.GetAccountSummary(request)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await accounts.GetAccountSummary(request)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        reason, _ = error_details(caught.value)
        assert reason == "BROKER_REFUSED"
        assert "(322)" in (caught.value.details() or "")
    finally:
        await stop_ib_gateway(gw)
