"""Event feeds that survive disconnects: resume after the last sequence seen."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Protocol

import grpc
from google.protobuf.duration_pb2 import Duration
from ibkr.gateway.v1 import events_pb2

from ibkr_gateway_client.errors import from_rpc_error
from ibkr_gateway_client.models import OrderEvent

log = logging.getLogger(__name__)

# Failures after which resuming is the right answer; anything else is the caller's problem.
RESUMABLE = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.CANCELLED,
    }
)


class _StreamMessage(Protocol):
    def HasField(self, field_name: str) -> bool: ...

    @property
    def event(self) -> events_pb2.OrderEvent: ...

    @property
    def heartbeat(self) -> events_pb2.Heartbeat: ...


class _StreamCall(Protocol):
    async def read(self) -> object: ...

    def cancel(self) -> bool: ...


OpenStream = Callable[[int, Duration], _StreamCall]


class EventStream:
    """Async iterator over order events from `after_sequence` on, across reconnects.

    Each event is yielded once, in sequence order. `last_sequence` is the resume point:
    it also advances on heartbeats, past events the server filtered out. A stream
    with no message for `stall_factor` heartbeat intervals is treated as dead.
    """

    def __init__(
        self,
        open_stream: OpenStream,
        *,
        after_sequence: int = 0,
        heartbeat_interval: float = 5.0,
        stall_factor: float = 3.0,
        max_backoff: float = 5.0,
    ) -> None:
        self._open = open_stream
        self.last_sequence = after_sequence
        self.heartbeat_interval = heartbeat_interval
        self.stall_timeout = heartbeat_interval * stall_factor
        self.max_backoff = max_backoff
        self.reconnects = 0

    def __aiter__(self) -> AsyncIterator[OrderEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[OrderEvent]:
        interval = Duration()
        interval.FromMilliseconds(int(self.heartbeat_interval * 1000))
        backoff = 0.05
        while True:
            call = self._open(self.last_sequence, interval)
            try:
                while True:
                    message = await asyncio.wait_for(call.read(), self.stall_timeout)
                    if message is grpc.aio.EOF:
                        break
                    backoff = 0.05
                    event = self.accept(message)  # type: ignore[arg-type]
                    if event is not None:
                        yield OrderEvent.from_proto(event)
            except TimeoutError:
                log.warning("event stream stalled; resuming after %d", self.last_sequence)
            except grpc.aio.AioRpcError as error:
                if error.code() not in RESUMABLE:
                    raise from_rpc_error(error) from None
                log.info(
                    "event stream ended (%s); resuming after %d",
                    error.code().name,
                    self.last_sequence,
                )
            finally:
                call.cancel()
            self.reconnects += 1
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self.max_backoff)

    def accept(self, message: _StreamMessage) -> events_pb2.OrderEvent | None:
        """The event to deliver, or None for heartbeats and anything already seen."""
        if message.HasField("heartbeat"):
            self.last_sequence = max(self.last_sequence, message.heartbeat.last_sequence)
            return None
        event = message.event
        if event.sequence <= self.last_sequence:
            return None
        self.last_sequence = event.sequence
        return event
