"""The journal as replays read it: pages off the event loop, decoded on demand, each page
seeing what was committed before it was read."""

from __future__ import annotations

import pytest

from bench.journal import ACCOUNT, order_events
from ibkr_gateway.store import postgres
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


async def test_client_order_keys_lists_each_stored_order_once_across_pages(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages of 2 make the PostgreSQL store's keyset paging turn over several times.
    monkeypatch.setattr(postgres, "KEY_PAGE", 2)
    store = open_store(db, "default")
    try:
        for n in range(5):
            await store.append(order_events(n))[1]
        keys = list(store.client_order_keys())
        assert sorted(keys) == [(ACCOUNT, f"journal-{n}") for n in range(5)]
    finally:
        await store.close()
