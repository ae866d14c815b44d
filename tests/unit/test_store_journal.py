"""The journal as replays read it: pages off the event loop, decoded on demand, each page
seeing what was committed before it was read."""

from __future__ import annotations

from bench.journal import order_events
from ibkr_gateway.store.open import open_store


async def test_pages_decode_to_the_journal_and_see_later_commits(db: str) -> None:
    store = open_store(db, "default")
    try:
        await store.append(order_events(0))[1]
        # Every reader thread has its connection (and a read of its own) before the commit.
        for _ in range(4):
            assert [r.sequence for r in await store.read_journal(0, 10)] == [1, 2, 3, 4]
        await store.append(order_events(1))[1]
        for _ in range(4):
            page = await store.read_journal(2, 10)
            assert [r.sequence for r in page] == [3, 4, 5, 6, 7, 8]
            assert [r.event() for r in page] == store.read_events(2, 10)
        assert await store.read_journal(8, 10) == []
    finally:
        await store.close()
