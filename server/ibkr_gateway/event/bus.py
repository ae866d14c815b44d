"""In-process publish/subscribe of journaled events, from one bounded log that every
subscriber reads at its own pace.

Publishing costs the same whatever the number of subscribers: the event is appended to
the log, and the subscribers waiting for one are woken once per turn of the event loop,
after whatever the publisher was doing (answering the calls whose changes just became
durable) has run. Each subscriber filters on its own time, in its own task.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Callable

from ibkr_gateway.event.events import JournalEvent

log = logging.getLogger(__name__)

EventFilter = Callable[[JournalEvent], bool]


class SubscriptionOverflow(Exception):
    """The subscriber fell more than its buffer behind and was cut."""


class SubscriptionClosed(Exception):
    """The bus is shutting down; the subscriber has received everything published."""


class Published:
    """A published event, with what the subscribers' transport made of it once, for all
    of them (its wire encoding): a hundred subscribers must not encode it a hundred
    times."""

    __slots__ = ("encoded", "event")

    def __init__(self, event: JournalEvent) -> None:
        self.event = event
        self.encoded: bytes | None = None


class Subscription:
    """One subscriber's place in the bus's log, read by one reader."""

    def __init__(self, bus: EventBus, capacity: int, accepts: EventFilter | None) -> None:
        self._bus = bus
        self._capacity = capacity
        self._accepts = accepts
        self.overflowed = False
        self.closed = False
        # Highest sequence read from the log, delivered or filtered out.
        self.last_offered = bus.last_sequence

    async def next_batch(self, idle_seconds: float) -> list[Published]:
        """The accepted events published since the last batch, or [] when none came
        within idle_seconds (then every event up to last_offered was delivered or
        filtered out). Raises when cut, or when the bus is closed and drained."""
        bus = self._bus
        if bus.last_sequence == self.last_offered and not bus.closed:
            await bus._wait(idle_seconds)
        behind = bus.last_sequence - self.last_offered
        if behind > self._capacity or self.last_offered < bus._first_sequence - 1:
            # Cut the laggard instead of holding events for it; it resumes from the journal.
            self._cut()
        if self.overflowed:
            raise SubscriptionOverflow(f"more than {self._capacity} events behind")
        if not behind and bus.closed:
            self.closed = True
            raise SubscriptionClosed("event bus closed")
        batch = bus._since(self.last_offered)
        self.last_offered = bus.last_sequence
        accepts = self._accepts
        if accepts is None:
            return batch
        return [p for p in batch if accepts(p.event)]

    def _cut(self) -> None:
        self.overflowed = True
        self._bus.unsubscribe(self)

    def cancel(self) -> None:
        self._bus.unsubscribe(self)


class EventBus:
    """Publishes events strictly in sequence order; callers publish only journaled events.

    The log holds the last `buffer_capacity` events: a subscriber further behind is cut
    (and resumes from the journal), so memory is bounded by the log, not by the number
    of subscribers."""

    def __init__(self, buffer_capacity: int = 10_000) -> None:
        self.buffer_capacity = buffer_capacity
        self._subscribers: set[Subscription] = set()
        self._listeners: list[Callable[[JournalEvent], None]] = []
        self._log: collections.deque[Published] = collections.deque()
        # The sequence of the log's first entry (the next published, while it is empty).
        self._first_sequence = 1
        self._waiters: list[asyncio.Future[None]] = []
        self._wake_scheduled = False
        self.last_sequence = 0
        self.closed = False

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def subscribe(self, accepts: EventFilter | None, capacity: int | None = None) -> Subscription:
        """`accepts` None: every event."""
        sub = Subscription(
            self, min(capacity or self.buffer_capacity, self.buffer_capacity), accepts
        )
        if self.closed:
            sub.closed = True
        else:
            self._subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        self._subscribers.discard(sub)

    def add_listener(self, listener: Callable[[JournalEvent], None]) -> None:
        """A synchronous in-process listener, called for every event in order."""
        self._listeners.append(listener)

    def publish(self, event: JournalEvent) -> None:
        if event.sequence <= self.last_sequence:
            raise ValueError(
                f"event {event.sequence} published after {self.last_sequence}: out of order"
            )
        if event.sequence != self.last_sequence + 1 or not self._log:
            # A gap (the journal's events before this bus, or no subscriber kept the
            # log going): the log starts afresh here.
            self._log.clear()
            self._first_sequence = event.sequence
        self.last_sequence = event.sequence
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("event listener failed on sequence %d", event.sequence)
        if not self._subscribers:
            # Nobody to read it: the log starts afresh with the next event.
            self._log.clear()
            return
        self._log.append(Published(event))
        if len(self._log) > self.buffer_capacity:
            self._log.popleft()
            self._first_sequence += 1
        self._wake_soon()

    def close(self) -> None:
        """Subscribers drain what the log holds for them, then end."""
        self.closed = True
        self._subscribers.clear()
        self._wake_soon()

    # -- for subscriptions ------------------------------------------------------------

    def _since(self, after_sequence: int) -> list[Published]:
        start = after_sequence + 1 - self._first_sequence
        log_ = self._log
        if start <= 0:
            return list(log_)
        return [log_[i] for i in range(start, len(log_))]

    async def _wait(self, seconds: float) -> None:
        """Until the next event is published (or the bus closes), at most `seconds`."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        timer = loop.call_later(seconds, _resolve, waiter)
        try:
            await waiter
        finally:
            timer.cancel()

    def _wake_soon(self) -> None:
        if self._wake_scheduled or not self._waiters:
            return
        self._wake_scheduled = True
        # call_soon: after the callbacks already ready, among them the calls whose
        # changes this event's commit made durable.
        asyncio.get_running_loop().call_soon(self._wake)

    def _wake(self) -> None:
        self._wake_scheduled = False
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            _resolve(waiter)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
