"""In-process publish/subscribe of journaled events, with bounded per-subscriber buffers."""

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


class Subscription:
    """One subscriber's bounded buffer. Filled by the bus, drained by one reader."""

    def __init__(self, bus: EventBus, capacity: int, accepts: EventFilter) -> None:
        self._bus = bus
        self._capacity = capacity
        self._accepts = accepts
        self._buffer: collections.deque[JournalEvent] = collections.deque()
        self._wakeup = asyncio.Event()
        self.overflowed = False
        self.closed = False
        # Highest sequence the bus has offered, delivered or filtered out.
        self.last_offered = 0

    def _offer(self, event: JournalEvent) -> None:
        if self.overflowed or self.closed:
            return
        self.last_offered = event.sequence
        if self._accepts(event):
            if len(self._buffer) >= self._capacity:
                # Cut the laggard instead of growing memory; it resumes from the journal.
                self.overflowed = True
                self._buffer.clear()
                self._bus.unsubscribe(self)
            else:
                self._buffer.append(event)
        self._wakeup.set()

    def _close(self) -> None:
        self.closed = True
        self._wakeup.set()

    async def next_batch(self, idle_seconds: float) -> list[JournalEvent]:
        """Buffered events, or [] when none came within idle_seconds (then every event up to
        last_offered was delivered or filtered out). Raises when cut or closed."""
        if not self._buffer and not self.overflowed and not self.closed:
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), idle_seconds)
            except TimeoutError:
                pass
        if self.overflowed:
            raise SubscriptionOverflow(f"more than {self._capacity} events behind")
        if not self._buffer and self.closed:
            raise SubscriptionClosed("event bus closed")
        batch = list(self._buffer)
        self._buffer.clear()
        return batch

    def cancel(self) -> None:
        self._bus.unsubscribe(self)


class EventBus:
    """Publishes events strictly in sequence order; callers publish only journaled events."""

    def __init__(self, buffer_capacity: int = 10_000) -> None:
        self.buffer_capacity = buffer_capacity
        self._subscribers: set[Subscription] = set()
        self._listeners: list[Callable[[JournalEvent], None]] = []
        self.last_sequence = 0
        self.closed = False

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def subscribe(self, accepts: EventFilter, capacity: int | None = None) -> Subscription:
        sub = Subscription(self, capacity or self.buffer_capacity, accepts)
        sub.last_offered = self.last_sequence
        if self.closed:
            sub._close()
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
        self.last_sequence = event.sequence
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                log.exception("event listener failed on sequence %d", event.sequence)
        for sub in list(self._subscribers):
            sub._offer(event)

    def close(self) -> None:
        """Subscribers drain what they have buffered, then end."""
        self.closed = True
        for sub in list(self._subscribers):
            sub._close()
        self._subscribers.clear()
