"""Event streams: gap-free replay and resume, heartbeats, slow consumers, shutdown."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import pytest
from google.protobuf.duration_pb2 import Duration
from ibkr.gateway.v1 import events_pb2, gateway_pb2, gateway_pb2_grpc, orders_pb2

from ibkr_gateway.event.events import OrderEvent
from tests.service.conftest import (
    Gateway,
    count,
    error_details,
    limit_spec,
    order_spec,
    read_events,
    start_gateway,
    stop_gateway,
    submit,
)

S = orders_pb2


async def _fill_orders(gw: Gateway, count: int, prefix: str = "o") -> None:
    for i in range(count):
        await submit(gw, order_spec(f"{prefix}-{i}", quantity="10"))


async def _head(gw: Gateway) -> int:
    """Waits until the journal is quiet, then returns its last sequence."""
    while True:
        before = gw.server.bus.last_sequence
        await asyncio.sleep(0.1)
        if gw.server.bus.last_sequence == before == gw.server.store.last_sequence:
            return before


def _sequences(events: list[events_pb2.OrderEvent]) -> list[int]:
    return [e.sequence for e in events]


def _order_sequences(gw: Gateway) -> list[int]:
    """The journal's order events: the order streams skip the position changes between."""
    journal = gw.server.store.read_events(0, 1_000_000)
    return [e.sequence for e in journal if isinstance(e, OrderEvent)]


async def test_replay_from_zero_is_gap_free_and_resume_after_n_is_exact(gw: Gateway) -> None:
    await _fill_orders(gw, 5)
    head = await _head(gw)
    # PENDING_SUBMIT, SUBMITTED, fill, FILLED and the position change per market order.
    assert head == 5 * 5
    expected = _order_sequences(gw)
    assert len(expected) == 5 * 4
    everything = await read_events(gw, until=lambda ev: len(ev) == len(expected))
    assert _sequences(everything) == expected
    for n in (0, 1, 7, head - 1):
        later = [e for e in everything if e.sequence > n]
        tail = await read_events(gw, after=n, until=count(len(later)))
        assert [e.SerializeToString() for e in tail] == [e.SerializeToString() for e in later]


async def test_restarted_gateway_replays_its_whole_journal(tmp_path: Path) -> None:
    gw = await start_gateway(tmp_path / "replay.db")
    await _fill_orders(gw, 2)
    head = await _head(gw)
    await stop_gateway(gw)
    gw = await start_gateway(tmp_path / "replay.db")
    try:
        # No new event after the restart: the replay must come from the journal alone.
        expected = _order_sequences(gw)
        assert expected[-1] < head
        events = await read_events(gw, until=count(len(expected)))
        assert _sequences(events) == expected
    finally:
        await stop_gateway(gw)


async def test_stream_dropped_midway_resumes_without_gap_or_duplicate(gw: Gateway) -> None:
    await _fill_orders(gw, 3, "before")
    received: list[int] = []
    first = await read_events(gw, until=lambda ev: len(ev) == 5)
    received += _sequences(first)
    # Live events keep coming while the consumer is away.
    producer = asyncio.create_task(_fill_orders(gw, 6, "during"))
    await asyncio.sleep(0.05)
    total_after = 9 * 4
    resumed = await read_events(
        gw, after=received[-1], until=lambda ev: len(ev) + len(received) == total_after
    )
    received += _sequences(resumed)
    await producer
    assert received == _order_sequences(gw)


async def test_many_concurrent_subscribers_see_the_same_sequence(gw: Gateway) -> None:
    total = 10 * 4
    readers = [
        asyncio.create_task(read_events(gw, until=lambda ev: len(ev) == total)) for _ in range(8)
    ]
    await asyncio.sleep(0.05)
    await _fill_orders(gw, 10)
    results = await asyncio.gather(*readers)
    for events in results:
        assert _sequences(events) == _order_sequences(gw)


async def test_idle_stream_heartbeats_with_the_last_sequence(gw: Gateway) -> None:
    await _fill_orders(gw, 1, "mine")
    await submit(gw, limit_spec("theirs", account="DU2"))
    head = await _head(gw)
    call = gw.stub.StreamOrderEvents(
        gateway_pb2.StreamOrderEventsRequest(
            account="DU123456", heartbeat_interval=Duration(nanos=150_000_000)
        )
    )
    events, beats = [], []
    async with asyncio.timeout(5):
        async for message in call:
            if message.HasField("heartbeat"):
                beats.append(message.heartbeat.last_sequence)
                if len(beats) == 2:
                    break
            else:
                events.append(message.event)
    call.cancel()
    assert all(e.account == "DU123456" for e in events)
    assert len(events) == 4
    # The other account's events are filtered out but the heartbeat has passed them.
    assert beats == [head, head]


async def test_fills_stream_carries_fills_only(gw: Gateway) -> None:
    await _fill_orders(gw, 3)
    call = gw.stub.StreamFills(gateway_pb2.StreamFillsRequest())
    fills = []
    async with asyncio.timeout(5):
        async for message in call:
            if message.HasField("heartbeat"):
                break
            fills.append(message.event)
    call.cancel()
    assert [e.WhichOneof("kind") for e in fills] == ["fill"] * 3
    assert [e.fill.sequence for e in fills] == [e.sequence for e in fills]


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (gateway_pb2.StreamOrderEventsRequest(after_sequence=10**6), "after_sequence"),
        (gateway_pb2.StreamOrderEventsRequest(after_sequence=-1), "after_sequence"),
        (
            gateway_pb2.StreamOrderEventsRequest(heartbeat_interval=Duration(nanos=1000)),
            "heartbeat_interval",
        ),
        (gateway_pb2.StreamOrderEventsRequest(account="A" * 100), "account"),
    ],
)
async def test_bad_stream_requests_are_invalid(
    gw: Gateway, request_: gateway_pb2.StreamOrderEventsRequest, field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in gw.stub.StreamOrderEvents(request_):
            pass
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert field in error_details(caught.value)[1]


async def test_slow_consumer_is_cut_and_others_keep_up(tmp_path: Path) -> None:
    gw = await start_gateway(tmp_path / "slow.db", stream_buffer=20)
    # No BDP probing: the stalled client's flow-control window stays small, so the
    # server's writes block soon and the per-subscriber buffer is what fills.
    slow_channel = grpc.aio.insecure_channel(
        f"127.0.0.1:{gw.server.port}", options=[("grpc.http2.bdp_probe", 0)]
    )
    try:
        slow = gateway_pb2_grpc.OrderGatewayServiceStub(slow_channel)
        stalled = slow.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest())
        await stalled.initial_metadata()
        total = 400 * 4
        healthy = asyncio.create_task(read_events(gw, until=lambda ev: len(ev) == total))
        await _fill_orders(gw, 400)
        events = await healthy
        assert _sequences(events) == _order_sequences(gw)

        counted: list[int] = []
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await asyncio.wait_for(_count_until_error(stalled, counted), 10)
        read = len(counted)
        assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        reason, _ = error_details(caught.value)
        assert reason == "STREAM_BUFFER_OVERFLOW"
        assert 0 < read < total
        assert gw.server.bus.subscriber_count == 0
    finally:
        await slow_channel.close()
        await stop_gateway(gw)


async def _count_until_error(
    call: grpc.aio.UnaryStreamCall[
        gateway_pb2.StreamOrderEventsRequest, gateway_pb2.StreamOrderEventsResponse
    ],
    counted: list[int],
) -> None:
    async for message in call:
        counted.append(message.event.sequence)


async def test_shutdown_drains_streams_then_ends_them_unavailable(tmp_path: Path) -> None:
    gw = await start_gateway(tmp_path / "drain.db")
    await _fill_orders(gw, 2)
    await _head(gw)
    expected = _order_sequences(gw)
    call = gw.stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest())
    got: list[int] = []
    caught_up = asyncio.Event()

    async def consume() -> grpc.StatusCode:
        try:
            async for message in call:
                if message.HasField("event"):
                    got.append(message.event.sequence)
                    if len(got) == len(expected):
                        caught_up.set()
        except grpc.aio.AioRpcError as exc:
            return exc.code()
        return grpc.StatusCode.OK

    consumer = asyncio.create_task(consume())
    await asyncio.wait_for(caught_up.wait(), 5)
    await gw.server.stop()
    code = await asyncio.wait_for(consumer, 5)
    await gw.channel.close()
    assert code == grpc.StatusCode.UNAVAILABLE
    assert got == expected
