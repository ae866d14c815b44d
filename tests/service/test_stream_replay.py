"""A replaying stream reads the journal off the event loop and gives way to calls."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from ibkr.gateway.v1 import gateway_pb2

from bench.journal import write_journal
from ibkr_gateway.errors import Unavailable
from ibkr_gateway.order.models import Order
from ibkr_gateway.store.sqlite import SqliteOrderStore
from tests.service.conftest import Gateway, limit_spec, start_gateway, stop_gateway

JOURNAL = 4_000


@pytest.fixture
async def gw(tmp_path: Path) -> AsyncIterator[Gateway]:
    db = tmp_path / "replay.db"
    await write_journal(db, JOURNAL)
    gateway = await start_gateway(db)
    try:
        yield gateway
    finally:
        await stop_gateway(gateway)


async def count_events(gw: Gateway, into: list[int]) -> None:
    call = gw.stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest(after_sequence=0))
    try:
        async for message in call:
            if message.HasField("event"):
                into.append(message.event.sequence)
    finally:
        call.cancel()


async def test_a_replay_waits_while_a_call_is_in_flight(
    gw: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = asyncio.Event()

    async def held_submit(*args: Any, **kwargs: Any) -> Order:
        await release.wait()
        raise Unavailable("released")

    monkeypatch.setattr(gw.server.manager, "submit", held_submit)
    call = asyncio.ensure_future(
        gw.stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=limit_spec("held")))
    )
    await asyncio.sleep(0.1)  # the call is in flight
    received: list[int] = []
    stream = asyncio.create_task(count_events(gw, received))
    try:
        await asyncio.sleep(0.5)
        # A turn every 5 ms at most while the call is in flight: ~100, not thousands.
        during_call = len(received)
        release.set()
        with pytest.raises(grpc.aio.AioRpcError):
            await call
        async with asyncio.timeout(30):
            while len(received) < JOURNAL:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    finally:
        stream.cancel()
    print(f"\n[replay-share] {during_call} events replayed during a 0.5 s call")
    assert during_call < 300
    assert received == list(range(1, JOURNAL + 1))


async def test_a_slow_journal_read_holds_up_no_call(
    gw: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_page = SqliteOrderStore._read_journal

    def slow_read_page(self: SqliteOrderStore, *args: Any) -> Any:
        time.sleep(0.5)  # a cold disk
        return read_page(self, *args)

    monkeypatch.setattr(SqliteOrderStore, "_read_journal", slow_read_page)
    received: list[int] = []
    stream = asyncio.create_task(count_events(gw, received))
    request = gateway_pb2.GetOrderRequest(order_id="journal-00000000")
    slowest = 0.0
    try:
        for _ in range(8):
            started = time.perf_counter()
            await gw.stub.GetOrder(request)
            slowest = max(slowest, time.perf_counter() - started)
            await asyncio.sleep(0.1)
    finally:
        stream.cancel()
    assert slowest < 0.25
