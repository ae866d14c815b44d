"""Event feeds that survive disconnects: resume after the last sequence seen."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import grpc
from google.protobuf.duration_pb2 import Duration
from ibkr.gateway.v1 import account_pb2, events_pb2

from ibkr_gateway_client.errors import GatewayError, UnavailableError, from_rpc_error
from ibkr_gateway_client.models import OrderEvent, PositionEvent

T = TypeVar("T")

log = logging.getLogger(__name__)

# Reconnects that may fail in a row before a stream gives up. With the default pauses
# (0.5 s doubling to 5 s, jittered) they span 6-12 s: long enough for a gateway restart,
# short enough that a gateway that stays away is reported promptly.
DEFAULT_MAX_RECONNECTS = 5

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


class _Sequenced(Protocol):
    @property
    def sequence(self) -> int: ...


class _StreamMessage(Protocol):
    def HasField(self, field_name: str) -> bool: ...

    @property
    def event(self) -> _Sequenced: ...

    @property
    def heartbeat(self) -> events_pb2.Heartbeat: ...


class _StreamCall(Protocol):
    async def read(self) -> object: ...

    def cancel(self) -> bool: ...


OpenStream = Callable[[int, Duration], _StreamCall]


@dataclass(frozen=True, slots=True)
class StreamRetry:
    """A failure of an event stream that a reconnect follows."""

    # The reconnect about to be made among those failing in a row: 1 after a call that
    # had delivered, max_reconnects at most.
    attempt: int
    max_reconnects: int | None
    # Where the next call resumes.
    after_sequence: int
    # What ended the previous call.
    error: GatewayError
    # Seconds before the reconnect.
    delay: float


OnRetry = Callable[[StreamRetry], None]


class ResumingStream(Generic[T]):
    """Async iterator over journal events from `after_sequence` on, across reconnects.

    Each event is yielded once, in sequence order. `last_sequence` is the resume point:
    it also advances on heartbeats, past events the server filtered out. A stream
    with no message for `stall_factor` heartbeat intervals is treated as dead.

    After `max_reconnects` reconnects in a row fail (None: never), iteration raises the
    last error, an UnavailableError for a gateway that went away. A reconnect fails when
    its call ends before anything, event or heartbeat, arrives; anything arriving starts
    the count again. Each failure that a reconnect follows is logged at WARNING and
    passed to `on_retry`.
    """

    def __init__(
        self,
        open_stream: OpenStream,
        *,
        after_sequence: int = 0,
        heartbeat_interval: float = 5.0,
        stall_factor: float = 3.0,
        initial_backoff: float = 0.5,
        max_backoff: float = 5.0,
        max_reconnects: int | None = DEFAULT_MAX_RECONNECTS,
        on_retry: OnRetry | None = None,
    ) -> None:
        self._open = open_stream
        self.last_sequence = after_sequence
        self.heartbeat_interval = heartbeat_interval
        self.stall_timeout = heartbeat_interval * stall_factor
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.max_reconnects = max_reconnects
        self.on_retry = on_retry
        self.reconnects = 0

    def __aiter__(self) -> AsyncIterator[T]:
        return self._events()

    def _convert(self, event: Any) -> T:
        raise NotImplementedError

    async def _events(self) -> AsyncIterator[T]:
        interval = Duration()
        interval.FromMilliseconds(int(self.heartbeat_interval * 1000))
        failures = 0
        while True:
            call = self._open(self.last_sequence, interval)
            try:
                while True:
                    message = await asyncio.wait_for(call.read(), self.stall_timeout)
                    if message is grpc.aio.EOF:
                        # The gateway never ends a stream by itself except when shutting down.
                        failure: GatewayError = UnavailableError(
                            code=grpc.StatusCode.UNAVAILABLE, message="stream ended by the server"
                        )
                        break
                    failures = 0
                    event = self.accept(message)  # type: ignore[arg-type]
                    if event is not None:
                        yield self._convert(event)
            except TimeoutError:
                failure = UnavailableError(
                    code=grpc.StatusCode.UNAVAILABLE,
                    message=f"no event or heartbeat for {self.stall_timeout:g} s",
                    reason="STREAM_STALLED",
                )
            except grpc.aio.AioRpcError as error:
                failure = from_rpc_error(error)
                if error.code() not in RESUMABLE:
                    raise failure from None
            finally:
                call.cancel()
            failures += 1
            if self.max_reconnects is not None and failures > self.max_reconnects:
                log.warning(
                    "event stream failed (%s); giving up after %d failed reconnects",
                    failure,
                    failures - 1,
                )
                raise failure
            await self._pause(
                StreamRetry(
                    attempt=failures,
                    max_reconnects=self.max_reconnects,
                    after_sequence=self.last_sequence,
                    error=failure,
                    delay=self._backoff(failures),
                )
            )

    async def _pause(self, retry: StreamRetry) -> None:
        log.warning(
            "event stream failed (%s); reconnect %d of %s in %.2f s, resuming after %d",
            retry.error,
            retry.attempt,
            "unlimited" if retry.max_reconnects is None else retry.max_reconnects,
            retry.delay,
            retry.after_sequence,
        )
        if self.on_retry is not None:
            self.on_retry(retry)
        self.reconnects += 1
        await asyncio.sleep(retry.delay)

    def _backoff(self, failures: int) -> float:
        """Between half and all of a bound that doubles per failure, so that clients cut
        off together do not all come back at the same moment."""
        # The exponent is capped: without a reconnect bound, failures can grow without end.
        bound = min(self.initial_backoff * 2 ** min(failures - 1, 32), self.max_backoff)
        return random.uniform(bound / 2, bound)  # noqa: S311 - jitter, not a secret

    def accept(self, message: _StreamMessage) -> Any:
        """The event to deliver (a generated message), or None for heartbeats and
        anything already seen."""
        if message.HasField("heartbeat"):
            self.last_sequence = max(self.last_sequence, message.heartbeat.last_sequence)
            return None
        event = message.event
        if event.sequence <= self.last_sequence:
            return None
        self.last_sequence = event.sequence
        return event


class EventStream(ResumingStream[OrderEvent]):
    """Order events (StreamOrderEvents, StreamFills), resuming across reconnects."""

    def _convert(self, event: events_pb2.OrderEvent) -> OrderEvent:
        return OrderEvent.from_proto(event)


class PositionStream(ResumingStream[PositionEvent]):
    """Position changes (StreamPositions), resuming across reconnects."""

    def _convert(self, event: account_pb2.PositionEvent) -> PositionEvent:
        return PositionEvent.from_proto(event)
