"""Group commit: an append with nothing in flight goes to the writer at once, without
waiting for a turn of the event loop; what is appended while a commit is in flight goes
into the next one, together; appends inside `held()` go into one commit; an audit
record rides with the next commit of events, or gets one of its own after a moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bench.journal import order_events
from ibkr_gateway.store.base import AuditRecord
from ibkr_gateway.store.open import open_store
from tests.polling import until


def _record(n: int) -> AuditRecord:
    return AuditRecord(
        time=datetime.now(UTC),
        principal="trader",
        method="/ibkr.gateway.v1.OrderGatewayService/SubmitOrder",
        request_json=f'{{"n": {n}}}',
        status="OK",
        detail="",
    )


async def test_the_first_append_goes_alone_and_the_rest_follow_together(db: str) -> None:
    store = open_store(db, "default")
    try:
        await store.append(order_events(0))[1]
        before = store.batches_committed
        # No await between the appends: the first one's commit is already on its way.
        futures = [store.append(order_events(n))[1] for n in range(1, 4)]
        await asyncio.gather(*futures)
        assert store.batches_committed == before + 2
        journal = store.read_events(0, 100)
        assert [e.sequence for e in journal] == list(range(1, 17))
        assert [e.order_id for e in journal[4::4]] == [f"journal-{n:08d}" for n in range(1, 4)]
    finally:
        await store.close()


async def test_appends_held_together_are_one_commit(db: str) -> None:
    store = open_store(db, "default")
    try:
        await store.append(order_events(0))[1]
        before = store.batches_committed
        with store.held():
            futures = [store.append(order_events(n))[1] for n in range(1, 4)]
            # Through the one writer thread: a commit handed to it before this would
            # have ended (and been seen on the loop) by the time this returns.
            await asyncio.get_running_loop().run_in_executor(store._executor, lambda: None)
            # Nothing is committed while held.
            assert not any(f.done() for f in futures)
            assert store.batches_committed == before
        await asyncio.gather(*futures)
        assert store.batches_committed == before + 1
        assert store.last_sequence == 16
    finally:
        await store.close()


async def test_an_audit_record_rides_with_the_next_commit_of_events(db: str) -> None:
    store = open_store(db, "default")
    try:
        await store.append(order_events(0))[1]
        before = store.batches_committed
        store.append_audit(_record(1))
        await store.append(order_events(1))[1]
        assert store.batches_committed == before + 1
        assert [r.request_json for r in store.list_audit(0, 10)] == ['{"n": 1}']
    finally:
        await store.close()


async def test_an_audit_record_alone_is_committed_after_a_moment(db: str) -> None:
    store = open_store(db, "default")
    try:
        store.append_audit(_record(1))
        assert store.list_audit(0, 10) == []

        async def committed() -> bool:
            return store.batches_committed == 1

        await until(committed, within=5, what="the audit record's commit")
        assert len(store.list_audit(0, 10)) == 1
    finally:
        await store.close()


async def test_audit_records_queued_at_close_are_stored(db: str) -> None:
    store = open_store(db, "default")
    store.append_audit(_record(1))
    await store.close()
    reopened = open_store(db, "default")
    try:
        assert [r.request_json for r in reopened.list_audit(0, 10)] == ['{"n": 1}']
    finally:
        await reopened.close()


async def test_close_with_a_commit_in_flight_finishes_it_and_returns(db: str) -> None:
    store = open_store(db, "default")
    await store.append(order_events(0))[1]
    # On its way to the writer, with nothing queued behind it.
    _, durable = store.append(order_events(1))
    await asyncio.wait_for(store.close(), 10)
    assert durable.done()
    assert durable.exception() is None
    reopened = open_store(db, "default")
    try:
        assert reopened.last_sequence == 8
    finally:
        await reopened.close()
