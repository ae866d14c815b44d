"""100 consumers drop their event streams at random points and resume after the last
sequence they reached, while a producer keeps submitting: each must end with the whole
journal, gap-free, duplicate-free and byte for byte the events a single reference
stream and a journal replay carry."""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from dataclasses import dataclass, field
from typing import TypeAlias

import grpc
from ibkr.gateway.v1 import events_pb2, gateway_pb2, gateway_pb2_grpc

from ibkr_gateway.position.models import PositionEvent
from tests.service.conftest import Gateway, order_spec

CONSUMERS = 100
CHANNELS = 4
PRODUCERS = 4
PRODUCE_SECONDS = 2.0
MIN_ORDERS = 100
# A consumer drops its stream after 1..MAX_RUN events.
MAX_RUN = 300
SEED = 20240611
WITHIN = 90.0
# A market order: PENDING_SUBMIT, SUBMITTED, fill, FILLED, and the position change
# (which the order streams skip).
EVENTS_PER_ORDER = 5

Stub: TypeAlias = "gateway_pb2_grpc.OrderGatewayServiceAsyncStub"


def order_sequences(gw: Gateway) -> list[int]:
    """What an order stream delivers from the journal: every event but position changes."""
    journal = gw.server.store.read_events(0, 10_000_000)
    return [e.sequence for e in journal if not isinstance(e, PositionEvent)]


def digest(event: events_pb2.OrderEvent) -> bytes:
    data = event.SerializeToString(deterministic=True)
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass
class Consumer:
    index: int
    sequences: list[int] = field(default_factory=list)
    digests: list[bytes] = field(default_factory=list)
    drops: int = 0
    # The position a resuming client keeps: the last event, or a heartbeat's
    # last_sequence (which, on an unfiltered stream, says everything up to it was sent).
    last: int = 0

    def take(self, message: gateway_pb2.StreamOrderEventsResponse) -> bool:
        """Records a message; True for an event."""
        if message.HasField("heartbeat"):
            self.last = max(self.last, message.heartbeat.last_sequence)
            return False
        self.sequences.append(message.event.sequence)
        self.digests.append(digest(message.event))
        self.last = max(self.last, message.event.sequence)
        return True


async def consume(
    consumer: Consumer, stub: Stub, head: asyncio.Future[int], rng: random.Random
) -> None:
    def done() -> bool:
        return head.done() and consumer.last >= head.result()

    while not done():
        budget = rng.randint(1, MAX_RUN)
        call = stub.StreamOrderEvents(
            gateway_pb2.StreamOrderEventsRequest(after_sequence=consumer.last)
        )
        try:
            async for message in call:
                if consumer.take(message):
                    budget -= 1
                if done():
                    break
                if budget == 0:
                    consumer.drops += 1
                    break
        finally:
            call.cancel()
        # Sometimes back at once, sometimes after the producer has moved on.
        await asyncio.sleep(rng.choice((0, 0, 0.01, 0.05)))


async def follow_to(stub: Stub, head: asyncio.Future[int], index: int) -> Consumer:
    """One stream from the start that never drops, until the head."""
    consumer = Consumer(index)
    call = stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest(after_sequence=0))
    try:
        async for message in call:
            consumer.take(message)
            if head.done() and consumer.last >= head.result():
                break
    finally:
        call.cancel()
    return consumer


async def produce(gw: Gateway, seconds: float, tag: str = "storm") -> int:
    """Market orders from a few concurrent callers for `seconds` (and at least
    MIN_ORDERS); returns how many."""
    loop = asyncio.get_running_loop()
    stop_at = loop.time() + seconds
    submitted = 0

    async def caller(n: int) -> None:
        nonlocal submitted
        i = 0
        # At least MIN_ORDERS in all, however slow the machine: every consumer must
        # have to drop (and resume) a few times on the way to the head.
        while loop.time() < stop_at or submitted < MIN_ORDERS:
            spec = order_spec(f"{tag}-{n}-{i}", quantity="1")
            await gw.stub.SubmitOrder(gateway_pb2.SubmitOrderRequest(order=spec))
            submitted += 1
            i += 1
            await asyncio.sleep(0.002)

    await asyncio.gather(*(caller(n) for n in range(PRODUCERS)))
    return submitted


async def settled_head(gw: Gateway, orders: int) -> int:
    """The journal head once every market order has filled."""
    async with asyncio.timeout(30):
        while gw.server.store.last_sequence < EVENTS_PER_ORDER * orders:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    head = gw.server.store.last_sequence
    assert head == EVENTS_PER_ORDER * orders
    return head


async def test_hundred_consumers_dropping_and_resuming_see_the_whole_journal(
    gw: Gateway,
) -> None:
    started = time.monotonic()
    target = f"127.0.0.1:{gw.server.port}"
    channels = [grpc.aio.insecure_channel(target) for _ in range(CHANNELS)]
    stubs = [gateway_pb2_grpc.OrderGatewayServiceStub(c) for c in channels]
    head: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    consumers = [Consumer(i) for i in range(CONSUMERS)]
    try:
        async with asyncio.timeout(WITHIN):
            live = asyncio.create_task(follow_to(stubs[0], head, -1))
            tasks = [
                asyncio.create_task(
                    consume(c, stubs[c.index % CHANNELS], head, random.Random(SEED + c.index))
                )
                for c in consumers
            ]
            orders = await produce(gw, PRODUCE_SECONDS)
            head.set_result(await settled_head(gw, orders))
            await asyncio.gather(*tasks)
            reference = await live
            # Afterwards, a pure journal replay.
            replay = await follow_to(stubs[1], head, -2)
    finally:
        for channel in channels:
            await channel.close()
    elapsed = time.monotonic() - started

    expected = order_sequences(gw)
    per_consumer = [len(c.sequences) for c in consumers]
    drops = [c.drops for c in consumers]
    broken = [c.index for c in consumers if c.sequences != expected]
    print(
        f"\n[resume-storm] consumers {CONSUMERS} on {CHANNELS} channels, orders {orders}, "
        f"journal head {head.result()}, drops {sum(drops)} "
        f"(per consumer {min(drops)}..{max(drops)}), events per consumer "
        f"{min(per_consumer)}..{max(per_consumer)} (expected {len(expected)}), "
        f"events delivered {sum(per_consumer)}, consumers with a gap or duplicate "
        f"{len(broken)}, wall time {elapsed:.1f}s"
    )
    assert replay.sequences == expected
    assert reference.sequences == expected
    # Live delivery and journal replay carry the same bytes.
    assert reference.digests == replay.digests
    assert sum(drops) >= CONSUMERS
    for c in consumers:
        missing = sorted(set(expected) - set(c.sequences))
        assert c.sequences == expected, (
            f"consumer {c.index}: {len(c.sequences)} events, {len(missing)} missing "
            f"(first {missing[:3]}), duplicates {len(c.sequences) - len(set(c.sequences))}"
        )
        assert c.digests == replay.digests, f"consumer {c.index}: payloads differ"


async def read_until_sequence(call: object, consumer: Consumer, sequence: int) -> None:
    assert isinstance(call, grpc.aio.UnaryStreamCall)
    async with asyncio.timeout(30):
        while consumer.last < sequence:
            message = await call.read()
            assert message is not grpc.aio.EOF
            assert isinstance(message, gateway_pb2.StreamOrderEventsResponse)
            consumer.take(message)


async def test_events_published_during_the_catch_up_replay_are_not_skipped(
    gw: Gateway,
) -> None:
    """The storm's race made deterministic: a small flow-control window (no BDP
    probing) holds the server in its journal replay while more events are published.
    Events the subscription buffered during the second replay must follow it, not be
    skipped (and then reported as sent by the next heartbeat)."""
    target = f"127.0.0.1:{gw.server.port}"
    async with grpc.aio.insecure_channel(target, options=[("grpc.http2.bdp_probe", 0)]) as ch:
        stub = gateway_pb2_grpc.OrderGatewayServiceStub(ch)
        batches = [200, 200, 200]  # orders, each batch published at a different stage
        consumer = Consumer(0)
        total = 0

        async def publish(n: int) -> int:
            nonlocal total
            await asyncio.gather(
                *(
                    gw.stub.SubmitOrder(
                        gateway_pb2.SubmitOrderRequest(
                            order=order_spec(f"replay-{total + i}", quantity="1")
                        )
                    )
                    for i in range(n)
                )
            )
            total += n
            return await settled_head(gw, total)

        first_head = await publish(batches[0])
        call = stub.StreamOrderEvents(gateway_pb2.StreamOrderEventsRequest(after_sequence=0))
        try:
            # The server is in its first replay (up to first_head), held by flow control.
            await read_until_sequence(call, consumer, 1)
            second_head = await publish(batches[1])
            # Past the first replay: the server subscribed at second_head and is
            # replaying (first_head, second_head], held by flow control again.
            await read_until_sequence(call, consumer, first_head + 1)
            final = await publish(batches[2])
            await read_until_sequence(call, consumer, final)
        finally:
            call.cancel()
    expected = order_sequences(gw)
    missing = sorted(set(expected) - set(consumer.sequences))
    print(
        f"\n[replay-race] heads {first_head}/{second_head}/{final}, events received "
        f"{len(consumer.sequences)}, missing {len(missing)} "
        f"({missing[:1]}..{missing[-1:]})"
    )
    assert consumer.sequences == expected
