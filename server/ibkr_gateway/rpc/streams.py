"""Gap-free event feeds: replay the journal after a sequence, then follow the bus live.

A replay reads the journal a page at a time off the event loop, and decodes and sends
each event in its turn of the LoopShare that every replaying stream shares: however many
streams replay however long a journal, calls are served first, and memory holds a page
per stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from ibkr_gateway.errors import InvalidArgument
from ibkr_gateway.event.bus import EventBus, EventFilter, Published
from ibkr_gateway.rpc.loop_share import LoopShare
from ibkr_gateway.store.base import OrderStore

REPLAY_PAGE = 64
# Replayed events decoded and sent per turn of the event loop, by all streams together:
# a call arriving waits behind this many at most on each of its steps. One keeps a submit
# within 2x its idle latency while 100 streams replay (bench.replay_load).
REPLAY_EVENTS_PER_TURN = 1
# While calls are in flight, replays take a turn this often: slowly, but they progress.
REPLAY_PAUSE_WHILE_CALLS = 0.005


# Live events sent per turn of the loop by all streams together. Unbounded, a hundred
# streams would put a hundred writes ahead of each step of every call; a few dozen keep
# the loop's turns short and still fill it when no call is in flight (bench.fanout).
LIVE_EVENTS_PER_TURN = 16
# While calls are in flight, live events wait but for one batch this often: the writes
# to a hundred streams cost the machine (the gateway's loop, gRPC's threads and the
# subscribers' own CPU) far more than the orders they tell of, and trading goes first
# (bench.fanout: submits with 100 subscribers at 0.32 of those without when streams took
# 4 events every turn, 0.75 with this pause). Subscribers catch up as soon as the calls
# pause; under calls that never stop they still get LIVE_EVENTS_PER_TURN per pause, and
# one that falls further behind than its buffer is cut, to resume from the journal.
LIVE_PAUSE_WHILE_CALLS = 0.005


def replay_share() -> LoopShare:
    """The share of the loop that every replaying stream of a server takes turns in."""
    return LoopShare(REPLAY_EVENTS_PER_TURN, REPLAY_PAUSE_WHILE_CALLS)


def live_share() -> LoopShare:
    """The share of the loop that every live stream of a server takes turns in."""
    return LoopShare(LIVE_EVENTS_PER_TURN, LIVE_PAUSE_WHILE_CALLS)


@dataclass(frozen=True, slots=True)
class Heartbeat:
    last_sequence: int


async def follow_events(
    store: OrderStore,
    bus: EventBus,
    *,
    after_sequence: int,
    accepts: EventFilter | None,
    heartbeat_interval: float,
    share: LoopShare,
    live: LoopShare | None = None,
    buffer_capacity: int | None = None,
) -> AsyncIterator[Published | Heartbeat]:
    """Yields every accepted event with sequence > after_sequence exactly once, in order
    (`accepts` None: every event). Each live event waits for a turn of `live`, unless
    None: a consumer that paces itself.

    The journal is read up to what the bus has published; only then does the feed
    subscribe, and it reads the journal once more up to the sequence the bus stood at
    when it subscribed. Everything later arrives through the subscription. So a
    catching-up consumer never fills its live buffer, and nothing falls between.
    """
    if after_sequence < 0:
        raise InvalidArgument.single("after_sequence", "must not be negative")
    if after_sequence > store.last_sequence:
        raise InvalidArgument.single(
            "after_sequence",
            f"{after_sequence} is ahead of the journal, "
            f"whose last sequence is {store.last_sequence}",
        )
    journal = _JournalReader(store, after_sequence, accepts, share)
    async for event in journal.read_until(bus.last_sequence):
        yield event
    sub = bus.subscribe(accepts, buffer_capacity)
    # Everything after this arrives through the subscription, buffered while the
    # journal replay below is being sent; the cursor must not run past it.
    subscribed_at = sub.last_offered
    try:
        async for event in journal.read_until(subscribed_at):
            yield event
        cursor = max(journal.cursor, subscribed_at)
        while True:
            batch = await sub.next_batch(heartbeat_interval)
            if not batch:
                cursor = max(cursor, sub.last_offered)
                yield Heartbeat(cursor)
                continue
            for published in batch:
                sequence = published.event.sequence
                if sequence > cursor:
                    if live is not None:
                        await live.turn()
                    cursor = sequence
                    yield published
    finally:
        sub.cancel()


class _JournalReader:
    def __init__(
        self, store: OrderStore, after: int, accepts: EventFilter | None, share: LoopShare
    ) -> None:
        self.store = store
        self.cursor = after
        self.accepts = accepts
        self.share = share

    async def read_until(self, until: int) -> AsyncIterator[Published]:
        """Journal events in (cursor, until], filtered. The journal may already hold
        committed events the bus has not published yet; those are left to the bus."""
        while self.cursor < until:
            page = await self.store.read_journal(self.cursor, REPLAY_PAGE)
            if not page:
                return
            for stored in page:
                if stored.sequence > until:
                    return
                await self.share.turn()
                self.cursor = stored.sequence
                event = stored.event()
                if self.accepts is None or self.accepts(event):
                    yield Published(event)
