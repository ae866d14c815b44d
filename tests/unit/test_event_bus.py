"""EventBus: one bounded log read by every subscriber at its own pace; publishing costs
the same whatever the number of subscribers; laggards are cut; close drains."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from ibkr.gateway.v1 import gateway_pb2

from ibkr_gateway.event.bus import (
    EventBus,
    Published,
    SubscriptionClosed,
    SubscriptionOverflow,
)
from ibkr_gateway.event.events import OrderEvent, OrderStatusEvent
from ibkr_gateway.order.models import Contract, Order, OrderSpec, OrderStatus, OrderType, Side
from ibkr_gateway.rpc.convert import event_to_proto
from ibkr_gateway.rpc.encoded import encoded_event

T0 = datetime(2024, 3, 1, 14, 30, tzinfo=UTC)


def event(sequence: int, account: str = "DU1") -> OrderEvent:
    order = Order(
        order_id=f"o{sequence}",
        spec=OrderSpec(
            client_order_id=f"c{sequence}",
            account=account,
            contract=Contract("AAPL"),
            side=Side.BUY,
            quantity=Decimal(10),
            order_type=OrderType.LIMIT,
            limit_price=Decimal("50"),
        ),
        status=OrderStatus.PENDING_SUBMIT,
        create_time=T0,
        update_time=T0,
        last_sequence=sequence,
    )
    return OrderStatusEvent(
        sequence=sequence, time=T0, order=order, previous_status=OrderStatus.CREATED
    )


def sequences(batch: list[Published]) -> list[int]:
    return [p.event.sequence for p in batch]


async def test_every_subscriber_reads_the_same_published_entries_in_order() -> None:
    bus = EventBus()
    first, second = bus.subscribe(None), bus.subscribe(None)
    for n in range(1, 4):
        bus.publish(event(n))
    a, b = await first.next_batch(1.0), await second.next_batch(1.0)
    assert sequences(a) == sequences(b) == [1, 2, 3]
    # One entry per event, shared: what one subscriber's transport made of it serves all.
    assert all(x is y for x, y in zip(a, b, strict=True))
    assert first.last_offered == second.last_offered == 3


async def test_a_filter_skips_events_but_moves_the_subscriber_past_them() -> None:
    bus = EventBus()
    sub = bus.subscribe(lambda e: e.account == "DU2")
    bus.publish(event(1, "DU1"))
    bus.publish(event(2, "DU2"))
    bus.publish(event(3, "DU1"))
    assert sequences(await sub.next_batch(1.0)) == [2]
    assert sub.last_offered == 3


async def test_a_waiting_subscriber_wakes_on_publish_and_idles_out_without() -> None:
    bus = EventBus()
    sub = bus.subscribe(None)
    assert await sub.next_batch(0.01) == []
    waiting = asyncio.create_task(sub.next_batch(10.0))
    await asyncio.sleep(0)
    bus.publish(event(1))
    assert sequences(await asyncio.wait_for(waiting, 1.0)) == [1]


async def test_a_subscriber_further_behind_than_its_capacity_is_cut() -> None:
    bus = EventBus(buffer_capacity=5)
    slow, fast = bus.subscribe(None), bus.subscribe(None, capacity=5)
    for n in range(1, 5):
        bus.publish(event(n))
    assert sequences(await fast.next_batch(1.0)) == [1, 2, 3, 4]
    for n in range(5, 8):
        bus.publish(event(n))
    with pytest.raises(SubscriptionOverflow):
        await slow.next_batch(1.0)
    assert bus.subscriber_count == 1
    assert sequences(await fast.next_batch(1.0)) == [5, 6, 7]


async def test_the_log_holds_no_events_for_nobody() -> None:
    bus = EventBus()
    for n in range(1, 4):
        bus.publish(event(n))
    sub = bus.subscribe(None)
    bus.publish(event(4))
    assert sequences(await sub.next_batch(1.0)) == [4]


async def test_close_lets_subscribers_drain_then_ends_them() -> None:
    bus = EventBus()
    sub = bus.subscribe(None)
    bus.publish(event(1))
    bus.close()
    assert sequences(await sub.next_batch(1.0)) == [1]
    with pytest.raises(SubscriptionClosed):
        await sub.next_batch(1.0)
    with pytest.raises(SubscriptionClosed):
        await bus.subscribe(None).next_batch(1.0)


def test_out_of_order_publish_is_refused() -> None:
    bus = EventBus()
    bus.publish(event(2))
    with pytest.raises(ValueError, match="out of order"):
        bus.publish(event(2))


def test_an_event_is_encoded_once_as_a_message_of_either_stream() -> None:
    published = Published(event(7))
    encoded = encoded_event(published)
    assert encoded_event(published) is encoded
    assert isinstance(published.event, OrderEvent)
    expected = event_to_proto(published.event)
    assert gateway_pb2.StreamOrderEventsResponse.FromString(encoded).event == expected
    assert gateway_pb2.StreamFillsResponse.FromString(encoded).event == expected
