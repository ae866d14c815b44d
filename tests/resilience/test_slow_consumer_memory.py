"""A consumer that stops reading is cut with RESOURCE_EXHAUSTED once it falls more than
--stream-buffer events behind; healthy consumers get every event, and the gateway's
memory stays bounded."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from ibkr.gateway.v1 import gateway_pb2, gateway_pb2_grpc, orders_pb2

from tests.process import GATEWAY_READY, cli_process
from tests.service.conftest import error_details

pytestmark = pytest.mark.slow

STREAM_BUFFER = 100
HEALTHY = 3
ORDERS = 5_000  # market orders: 4 order events and a position change each
PRODUCERS = 4
MAX_RSS_GROWTH_MB = 100.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for process {pid}")


def order_sequences(db: Path) -> list[int]:
    """The journal's order events (read beside the running gateway): what order streams
    deliver, skipping the position changes."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT sequence FROM events WHERE kind != 'PositionEvent'")
        return sorted(sequence for (sequence,) in rows)


def market(coid: str) -> gateway_pb2.SubmitOrderRequest:
    return gateway_pb2.SubmitOrderRequest(
        order=orders_pb2.OrderSpec(
            client_order_id=coid,
            contract=orders_pb2.Contract(symbol="AAPL"),
            side=orders_pb2.SIDE_BUY,
            quantity="1",
            order_type=orders_pb2.ORDER_TYPE_MARKET,
        )
    )


def cut_position(error: grpc.aio.AioRpcError) -> int:
    """The last_sequence the gateway names in the ErrorInfo of a cut stream."""
    status = rpc_status.from_call(error)
    assert status is not None
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return int(info.metadata["last_sequence"])
    raise AssertionError("no ErrorInfo on the cut stream")


async def drain(call: object, into: list[int]) -> None:
    """Reads a stream to its end, keeping the event sequences."""
    assert isinstance(call, grpc.aio.UnaryStreamCall)
    async with asyncio.timeout(30):
        async for message in call:
            assert isinstance(message, gateway_pb2.StreamOrderEventsResponse)
            if message.HasField("event"):
                into.append(message.event.sequence)


@dataclass
class Reader:
    """A consumer that reads as fast as events come; cut (it may be, when the gateway
    itself falls behind), it resumes after its last event, as the contract says."""

    sequences: list[int] = field(default_factory=list)
    cuts: int = 0
    live: asyncio.Event = field(default_factory=asyncio.Event)

    async def follow(
        self, stub: gateway_pb2_grpc.OrderGatewayServiceAsyncStub, head: int, after: int = 0
    ) -> None:
        last = after
        while last < head:
            call = stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest(after_sequence=last))
            try:
                async for message in call:
                    if message.HasField("heartbeat"):
                        self.live.set()  # past the journal replay, following the bus
                        last = max(last, message.heartbeat.last_sequence)
                        if last >= head:
                            break
                        continue
                    self.sequences.append(message.event.sequence)
                    last = message.event.sequence
                    if last >= head:
                        break
            except grpc.aio.AioRpcError as exc:
                if exc.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
                    raise
                self.cuts += 1
            finally:
                call.cancel()


async def test_stalled_consumer_is_cut_and_memory_stays_bounded(tmp_path: Path) -> None:
    started = time.monotonic()
    async with cli_process(
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--db",
        str(tmp_path / "slow.db"),
        "--heartbeat-interval",
        "0.2",
        "--stream-buffer",
        str(STREAM_BUFFER),
        ready=GATEWAY_READY,
    ) as (proc, port):
        target = f"127.0.0.1:{port}"
        async with (
            grpc.aio.insecure_channel(target) as channel,
            # No BDP probing: the stalled stream's flow-control window stays small.
            grpc.aio.insecure_channel(target, options=[("grpc.http2.bdp_probe", 0)]) as stalled,
        ):
            stub = gateway_pb2_grpc.OrderGatewayServiceStub(channel)
            # Warm up (first submit, first stream) before the baseline is taken.
            await stub.SubmitOrder(market("warm-up"))
            await asyncio.sleep(0.5)
            rss_start = rss_mb(proc.pid)
            peak = rss_start
            samples = 0

            async def sample() -> None:
                nonlocal peak, samples
                while True:
                    peak = max(peak, rss_mb(proc.pid))
                    samples += 1
                    await asyncio.sleep(0.1)

            sampler = asyncio.create_task(sample())
            slow_stub = gateway_pb2_grpc.OrderGatewayServiceStub(stalled)
            slow = slow_stub.StreamOrderEvents(
                gateway_pb2.StreamOrderEventsRequest(after_sequence=0)
            )
            await slow.initial_metadata()  # the stream is up; nothing is read from now on
            head = 5 + 5 * ORDERS  # the warm-up order, then the burst
            readers = [Reader() for _ in range(HEALTHY)]
            following = [asyncio.create_task(r.follow(stub, head)) for r in readers]
            # Live before the burst (so none of them is still replaying when it starts).
            await asyncio.wait_for(asyncio.gather(*(r.live.wait() for r in readers)), 10)
            produce_started = time.monotonic()

            async def producer(n: int) -> None:
                for i in range(n, ORDERS, PRODUCERS):
                    await stub.SubmitOrder(market(f"slow-{i}"))

            await asyncio.gather(*(producer(n) for n in range(PRODUCERS)))
            await asyncio.wait_for(asyncio.gather(*following), 60)
            produced_in = time.monotonic() - produce_started
            sampler.cancel()
            rss_end = rss_mb(proc.pid)

            # The stalled consumer wakes up: what it holds, then the cut.
            stalled_seen: list[int] = []
            with pytest.raises(grpc.aio.AioRpcError) as cut:
                await drain(slow, stalled_seen)
            cut_at = cut_position(cut.value)
            # It resumes where it was cut and gets the rest.
            resumed = Reader()
            await resumed.follow(stub, head, after=cut_at)
            expected = order_sequences(tmp_path / "slow.db")

    error = cut.value
    reason, _ = error_details(error)
    print(
        f"\n[slow-consumer] events {head}, produced in {produced_in:.1f}s, "
        f"stream buffer {STREAM_BUFFER}; stalled consumer got {len(stalled_seen)} events "
        f"before {error.code().name} ({reason}, resumed after {cut_at}); healthy consumers "
        f"{[len(r.sequences) for r in readers]} events, cut and resumed "
        f"{[r.cuts for r in readers]} times; gateway RSS start {rss_start:.1f} MB, "
        f"peak {peak:.1f} MB, end {rss_end:.1f} MB ({samples} samples), "
        f"run {time.monotonic() - started:.1f}s"
    )
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert reason == "STREAM_BUFFER_OVERFLOW"
    # What it did get is gap-free, far less than everything, and it was cut where it was.
    assert stalled_seen == expected[: len(stalled_seen)]
    assert len(stalled_seen) < head // 10
    assert cut_at == stalled_seen[-1]
    assert resumed.sequences == [s for s in expected if s > cut_at]
    for reader in readers:
        assert reader.sequences == expected
    assert peak - rss_start < MAX_RSS_GROWTH_MB
