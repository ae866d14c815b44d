"""Live subscribers of every journal stream share one encoding of each event: a hundred
dashboards must not convert every event a hundred times."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from google.protobuf.duration_pb2 import Duration
from google.protobuf.message import Message
from ibkr.gateway.v1 import account_pb2, gateway_pb2

from tests.service.conftest import Gateway
from tests.service.positions_support import accounts, trade

SUBSCRIBERS = 3
FAST = Duration(nanos=100_000_000)


def count_calls(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Counts the calls of the gateway's function `name`, whichever module calls it."""
    calls = [0]
    for module in list(sys.modules.values()):
        if not getattr(module, "__name__", "").startswith("ibkr_gateway"):
            continue
        original = getattr(module, name, None)
        if not callable(original):
            continue

        def counting(*args: Any, original: Callable[..., Any] = original) -> Any:
            calls[0] += 1
            return original(*args)

        monkeypatch.setattr(module, name, counting)
    return calls


async def live(call: Any) -> AsyncIterator[Message]:
    """The call's messages once its first heartbeat says it follows the live journal."""
    iterator = call.__aiter__()
    async with asyncio.timeout(5):
        while not (await iterator.__anext__()).HasField("heartbeat"):
            pass
    return iterator  # type: ignore[no-any-return]


async def first_events(iterators: list[Any], count: int) -> list[list[bytes]]:
    async def read(iterator: Any) -> list[bytes]:
        got: list[bytes] = []
        while len(got) < count:
            message = await iterator.__anext__()
            if message.HasField("event"):
                got.append(message.event.SerializeToString())
        return got

    async with asyncio.timeout(10):
        return await asyncio.gather(*(read(i) for i in iterators))


async def test_position_events_are_converted_once_for_all_their_subscribers(
    gw: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = [
        accounts(gw).StreamPositions(account_pb2.StreamPositionsRequest(heartbeat_interval=FAST))
        for _ in range(SUBSCRIBERS)
    ]
    try:
        iterators = [await live(c) for c in calls]
        conversions = count_calls(monkeypatch, "position_event_to_proto")
        await trade(gw, "once-1", "BUY", "10", "100")
        await trade(gw, "once-2", "BUY", "5", "101")
        received = await first_events(iterators, 2)
        assert all(r == received[0] for r in received)
        assert conversions[0] == 2
    finally:
        for c in calls:
            c.cancel()


async def test_order_events_are_converted_once_for_all_their_subscribers(
    gw: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    requests: list[Callable[[], Any]] = [
        lambda: gw.stub.StreamOrderEvents(
            gateway_pb2.StreamOrderEventsRequest(heartbeat_interval=FAST)
        ),
        lambda: gw.stub.StreamOrderEvents(
            gateway_pb2.StreamOrderEventsRequest(heartbeat_interval=FAST, account="DU123456")
        ),
        lambda: gw.stub.StreamFills(gateway_pb2.StreamFillsRequest(heartbeat_interval=FAST)),
    ]
    calls = [request() for request in requests]
    try:
        iterators = [await live(c) for c in calls]
        conversions = count_calls(monkeypatch, "event_to_proto")
        await trade(gw, "once-3", "BUY", "10", "100")
        # PENDING_SUBMIT, SUBMITTED, the fill and FILLED; the fill stream gets the fill.
        orders, in_account, fills = await first_events(iterators[:2], 4) + await first_events(
            iterators[2:], 1
        )
        assert orders == in_account
        assert fills == [orders[2]]
        assert conversions[0] == 4
    finally:
        for c in calls:
            c.cancel()
