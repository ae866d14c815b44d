"""Positions from fills on a real gateway: average cost, realized and unrealized P&L,
restarts, and the position stream in the journal's sequence space."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest
from ibkr.gateway.v1 import account_pb2, gateway_pb2

from ibkr_gateway.event.events import FillEvent, JournalEvent, OrderEvent
from ibkr_gateway.position.models import PositionEvent
from ibkr_gateway.store.base import AuditRecord
from tests.service.conftest import Gateway, error_details, read_events, start_gateway, stop_gateway
from tests.service.positions_support import (
    accounts,
    list_positions,
    position_events,
    quantity_reaches,
    trade,
    without_market,
)


async def _buy_100_at_100_sell_40_at_110(gw: Gateway) -> list[account_pb2.PositionEvent]:
    await trade(gw, "buy", "BUY", "100", "100")
    await trade(gw, "sell", "SELL", "40", "110")
    return await position_events(gw, until=quantity_reaches("AAPL", "60"))


async def test_buy_then_partial_sell_keeps_average_cost_and_realizes_pnl(gw: Gateway) -> None:
    events = await _buy_100_at_100_sell_40_at_110(gw)
    assert [(e.previous_quantity, e.position.quantity) for e in events] == [
        ("0", "100"),
        ("100", "60"),
    ]
    assert [e.cause for e in events] == [account_pb2.POSITION_CHANGE_CAUSE_FILL] * 2
    # Commissions are $1.00 a trade: the buy's is in the cost (100.01 a share), 40% of
    # it leaves with the 40 shares sold, and the sell's is charged to the sale.
    assert [e.realized_pnl for e in events] == ["0", "398.6"]
    listed = await list_positions(gw)
    (position,) = listed.positions
    assert position.account == "DU123456"
    assert position.contract.symbol == "AAPL"
    assert position.quantity == "60"
    assert position.average_price == "100"
    assert position.average_cost == "100.01"
    assert position.realized_pnl == "398.6"  # 400 - 0.40 - 1.00
    assert position.commissions == "2"
    assert position.market_price == "110"
    assert position.market_value == "6600"
    assert position.unrealized_pnl == "599.4"  # 60 x 110 - 6000.60
    assert position.last_sequence == events[-1].sequence == listed.last_sequence


async def test_positions_after_a_restart_equal_those_before(tmp_path: Path) -> None:
    gw = await start_gateway(tmp_path / "restart.db")
    try:
        await _buy_100_at_100_sell_40_at_110(gw)
        await trade(gw, "msft", "SELL", "5", "300", symbol="MSFT")
        await position_events(gw, until=quantity_reaches("MSFT", "-5"))
        before = await list_positions(gw)
    finally:
        await stop_gateway(gw)
    gw = await start_gateway(tmp_path / "restart.db")
    try:
        after = await list_positions(gw)
        assert [without_market(p) for p in after.positions] == [
            without_market(p) for p in before.positions
        ]
        assert after.last_sequence == before.last_sequence
        # And they keep moving from where they were.
        await trade(gw, "more", "BUY", "40", "120")
        await position_events(gw, after=after.last_sequence, until=quantity_reaches("AAPL", "100"))
        (aapl, _) = (await list_positions(gw)).positions
        # 6000.60 for the 60 held, 4801.00 for 40 more: 10801.60 for 100.
        assert (aapl.quantity, aapl.average_cost, aapl.realized_pnl) == ("100", "108.016", "398.6")
    finally:
        await stop_gateway(gw)


async def test_position_changes_share_the_journal_and_stay_off_the_order_streams(
    gw: Gateway,
) -> None:
    positions = await _buy_100_at_100_sell_40_at_110(gw)
    journal = gw.server.store.read_events(0, 1000)
    head = journal[-1].sequence
    assert [e.sequence for e in journal] == list(range(1, head + 1))
    order_sequences = [e.sequence for e in journal if isinstance(e, OrderEvent)]
    position_sequences = [e.sequence for e in journal if isinstance(e, PositionEvent)]
    assert [e.sequence for e in positions] == position_sequences
    orders = await read_events(gw, until=lambda ev: len(ev) == len(order_sequences))
    assert [e.sequence for e in orders] == order_sequences
    fills = gw.stub.StreamFills(gateway_pb2.StreamFillsRequest())
    seen = []
    async with asyncio.timeout(5):
        async for message in fills:
            if message.HasField("heartbeat"):
                assert message.heartbeat.last_sequence == head
                break
            seen.append(message.event.WhichOneof("kind"))
    fills.cancel()
    assert seen == ["fill", "fill"]
    # Each change follows the events of the fill that caused it (and its FILLED).
    for change in journal:
        if isinstance(change, PositionEvent):
            before = journal[change.sequence - 3 : change.sequence - 1]
            fill = next(e for e in before if isinstance(e, FillEvent))
            assert fill.fill.execution_id == change.execution_id


async def test_position_stream_resumes_without_gap_or_duplicate(gw: Gateway) -> None:
    await trade(gw, "b1", "BUY", "10", "100")
    first = await position_events(gw, until=quantity_reaches("AAPL", "10"))
    resume_at = first[-1].sequence
    await trade(gw, "b2", "BUY", "10", "101")
    await trade(gw, "s1", "SELL", "30", "102")
    everything = await position_events(gw, until=quantity_reaches("AAPL", "-10"))
    resumed = await position_events(gw, after=resume_at, until=quantity_reaches("AAPL", "-10"))
    assert [e.SerializeToString() for e in resumed] == [
        e.SerializeToString() for e in everything[1:]
    ]
    assert [e.position.quantity for e in everything] == ["10", "20", "-10"]
    # The flip: 20 closed at 102 against an average cost of 100.60 (commissions in),
    # less the closing two thirds of the sale's $1.00; 10 opened short at 102 less the
    # last third.
    flip = everything[-1]
    assert flip.realized_pnl == "27.33333333"
    assert flip.position.average_cost == "101.96666667"
    assert flip.position.average_price == "102"


async def test_idle_position_stream_heartbeats_with_the_journal_head(gw: Gateway) -> None:
    await trade(gw, "b1", "BUY", "10", "100")
    await position_events(gw, until=quantity_reaches("AAPL", "10"))
    head = gw.server.store.last_sequence
    call = accounts(gw).StreamPositions(account_pb2.StreamPositionsRequest(after_sequence=head))
    async with asyncio.timeout(5):
        async for message in call:
            if message.HasField("heartbeat"):
                assert message.heartbeat.last_sequence == head
                break
    call.cancel()


async def test_list_positions_filters_and_hides_closed_ones(gw: Gateway) -> None:
    await trade(gw, "a", "BUY", "10", "100")
    await trade(gw, "m", "BUY", "5", "300", symbol="MSFT")
    await trade(gw, "m2", "SELL", "5", "310", symbol="MSFT")
    await position_events(gw, until=quantity_reaches("MSFT", "0"))
    assert [p.contract.symbol for p in (await list_positions(gw)).positions] == ["AAPL"]
    closed = await list_positions(gw, include_closed=True)
    assert [(p.contract.symbol, p.quantity) for p in closed.positions] == [
        ("AAPL", "10"),
        ("MSFT", "0"),
    ]
    msft = closed.positions[1]
    assert (msft.average_cost, msft.realized_pnl) == ("", "48")
    only = await list_positions(gw, symbol="MSFT", include_closed=True)
    assert [p.contract.symbol for p in only.positions] == ["MSFT"]
    assert (await list_positions(gw, account="DU2")).positions == []


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (account_pb2.ListPositionsRequest(account="A" * 40), "account"),
        (account_pb2.ListPositionsRequest(symbol="%"), "symbol"),
    ],
)
async def test_bad_position_requests_are_invalid(
    gw: Gateway, request_: account_pb2.ListPositionsRequest, field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await accounts(gw).ListPositions(request_)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in error_details(caught.value)[1]


async def test_each_change_is_committed_in_the_transaction_of_its_fill(gw: Gateway) -> None:
    store = gw.server.store
    transactions: list[list[JournalEvent]] = []
    commit = store._commit

    def recording(
        events: list[JournalEvent], audits: list[AuditRecord], settings: dict[str, str]
    ) -> None:
        transactions.append(list(events))
        commit(events, audits, settings)

    store._commit = recording  # type: ignore[method-assign]
    for i in range(5):
        await trade(gw, f"t{i}", "BUY" if i % 2 else "SELL", "3", str(100 + i))
    await position_events(gw, until=lambda events: len(events) == 5)
    changes = 0
    for events in transactions:
        fills = {e.fill.execution_id for e in events if isinstance(e, FillEvent)}
        for change in events:
            if isinstance(change, PositionEvent):
                changes += 1
                assert change.execution_id in fills
    assert changes == 5
