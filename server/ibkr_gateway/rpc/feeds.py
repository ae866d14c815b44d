"""What every journal stream of the API shares: the heartbeat interval a request may ask
for, and the errors that tell a consumer where to resume."""

from __future__ import annotations

from collections.abc import AsyncIterator

from google.protobuf.duration_pb2 import Duration
from ibkr.gateway.v1 import events_pb2

from ibkr_gateway.errors import FieldViolation, ResourceExhausted, Unavailable
from ibkr_gateway.event.bus import (
    EventBus,
    EventFilter,
    Published,
    SubscriptionClosed,
    SubscriptionOverflow,
)
from ibkr_gateway.order.manager import utc_now
from ibkr_gateway.rpc import convert
from ibkr_gateway.rpc.loop_share import LoopShare
from ibkr_gateway.rpc.streams import Heartbeat, follow_events
from ibkr_gateway.store.base import OrderStore

MIN_HEARTBEAT = 0.1
MAX_HEARTBEAT = 3600.0


def heartbeat_seconds(
    duration: Duration | None, default: float, violations: list[FieldViolation]
) -> float:
    """The requested heartbeat period (None: unset), checked against the allowed range."""
    if duration is None:
        return default
    # Arithmetic, not ToTimedelta: an absurd Duration must be a bad argument.
    interval = duration.seconds + duration.nanos / 1e9
    if not MIN_HEARTBEAT <= interval <= MAX_HEARTBEAT:
        violations.append(
            FieldViolation(
                "heartbeat_interval",
                f"must be between {MIN_HEARTBEAT}s and {MAX_HEARTBEAT:.0f}s",
            )
        )
    return interval


def heartbeat_message(item: Heartbeat) -> events_pb2.Heartbeat:
    return events_pb2.Heartbeat(last_sequence=item.last_sequence, time=convert.timestamp(utc_now()))


async def follow(
    store: OrderStore,
    bus: EventBus,
    *,
    after_sequence: int,
    accepts: EventFilter,
    heartbeat_interval: float,
    share: LoopShare,
    live: LoopShare,
    buffer_capacity: int,
) -> AsyncIterator[Published | Heartbeat]:
    """follow_events, with a cut or a shutdown reported as the error that names the
    sequence to resume after."""
    last = after_sequence
    try:
        async for item in follow_events(
            store,
            bus,
            after_sequence=after_sequence,
            accepts=accepts,
            heartbeat_interval=heartbeat_interval,
            share=share,
            live=live,
            buffer_capacity=buffer_capacity,
        ):
            last = item.last_sequence if isinstance(item, Heartbeat) else item.event.sequence
            yield item
    except SubscriptionOverflow as exc:
        raise ResourceExhausted(
            f"stream cut: the consumer fell {exc}; resume with after_sequence={last}",
            reason="STREAM_BUFFER_OVERFLOW",
            metadata={"last_sequence": str(last)},
        ) from None
    except SubscriptionClosed:
        raise Unavailable(
            f"the gateway is shutting down; resume with after_sequence={last}",
            reason="SHUTTING_DOWN",
            metadata={"last_sequence": str(last)},
        ) from None
