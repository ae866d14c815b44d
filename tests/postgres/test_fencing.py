"""Only the writer of a gateway id writes: a writer whose session ended (stalled, cut off)
never writes again once another took over, and a commit whose answer was lost is found
to have landed or not before anything else is written."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest

from bench.journal import order_events
from ibkr_gateway.store.lock import DatabaseLocked
from ibkr_gateway.store.pg_schema import LATEST, SchemaTooNew
from ibkr_gateway.store.postgres import PostgresOrderStore
from tests.pg import PostgresServer
from tests.polling import until


async def open_when_free(db: str, gateway_id: str, within: float = 10.0) -> PostgresOrderStore:
    """The store, once the lock of an ended session is released by the server."""
    opened: list[PostgresOrderStore] = []

    async def free() -> bool:
        try:
            opened.append(PostgresOrderStore(db, gateway_id))
        except DatabaseLocked:
            return False
        return True

    await until(free, within, "the ended session's lock to be released")
    return opened[0]


def end_session(postgres: PostgresServer, pid: int) -> None:
    with postgres.admin() as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


async def failing_with(store: PostgresOrderStore, text: str, within: float = 10.0) -> None:
    """Until the store reports a failure naming `text` (its health listeners are told)."""
    seen = asyncio.Event()

    def on_health(cause: str | None) -> None:
        if text in (cause or ""):
            seen.set()

    on_health(store.failure)
    store.add_health_listener(on_health)
    await asyncio.wait_for(seen.wait(), within)


async def test_a_writer_taken_over_never_writes_again(postgres: PostgresServer) -> None:
    db = postgres.new_database()
    old = PostgresOrderStore(db, "desk")
    await old.append(order_events(0))[1]
    writer = old._writer
    assert writer is not None
    # The old writer stalls and its session ends; another gateway takes over the id.
    end_session(postgres, writer.info.backend_pid)
    new = await open_when_free(db, "desk")
    try:
        await new.append(order_events(1))[1]
        # The stalled writer wakes up with work queued: it cannot take the lock back.
        _, durable = old.append(order_events(2))
        assert not await old.wait_durable(durable)
        assert "in use by another gateway" in (old.failure or "")
    finally:
        await new.close()
    # With the lock free again it takes it, and the writer epoch still refuses it.
    await failing_with(old, "taken over by another gateway")
    await old.close()
    check = PostgresOrderStore(db, "desk")
    try:
        journal = check.read_events(0, 100)
        assert [e.sequence for e in journal] == list(range(1, 9))
        assert {e.order_id for e in journal} == {"journal-00000000", "journal-00000001"}
    finally:
        await check.close()


async def test_a_commit_whose_answer_was_lost_is_kept_once(postgres: PostgresServer) -> None:
    store = PostgresOrderStore(postgres.new_database(), "desk")
    conn = store._writer
    assert conn is not None
    real = conn.transaction
    cut = 0

    @contextmanager
    def answer_lost(*args: Any, **kwargs: Any) -> Iterator[Any]:
        # The first commit lands, then the session dies before its answer is read.
        nonlocal cut
        with real(*args, **kwargs) as tx:
            yield tx
        cut += 1
        conn.close()
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    conn.transaction = answer_lost  # type: ignore[method-assign]
    try:
        # A creation batch: were its commit reported failed, its order would be undone
        # while it is in the journal.
        _, durable = store.append(order_events(0), abandon_on_failure=True)
        await asyncio.wait_for(durable, 10)
        assert cut == 1
        assert store.failure is None
        await store.append(order_events(1))[1]
        assert [e.sequence for e in store.read_events(0, 100)] == list(range(1, 9))
        assert store.last_sequence == 8
    finally:
        await store.close()


async def test_migrations_are_versioned_and_a_newer_schema_is_refused(
    postgres: PostgresServer,
) -> None:
    db = postgres.new_database()
    await PostgresOrderStore(db, "desk").close()
    await PostgresOrderStore(db, "desk").close()
    with psycopg.connect(db, autocommit=True) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_version")]
        assert versions == list(range(1, LATEST + 1))
        conn.execute("INSERT INTO schema_version VALUES (%s)", (LATEST + 1,))
    with pytest.raises(SchemaTooNew, match="upgrade the gateway"):
        PostgresOrderStore(db, "desk")
