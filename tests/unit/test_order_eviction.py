"""A final order leaves memory once its last change is durable; the store answers for
it afterwards, and late broker reports about it are handled as before: ignored and
logged, a repeated execution never counted twice, a correction still replacing the
execution it corrects."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from bench.desk import ACCOUNT, SqliteDesk, limit_buy
from ibkr_gateway.errors import AlreadyExists
from ibkr_gateway.event.bus import EventBus
from ibkr_gateway.event.events import FillEvent, JournalEvent
from ibkr_gateway.order.manager import OrderManager
from ibkr_gateway.order.models import Order, OrderStatus
from ibkr_gateway.store.sqlite import SqliteOrderStore

D = Decimal
PERM = 7_000_001
EXECUTION = "0000e001.65000000.01.01"


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[SqliteDesk]:
    d = SqliteDesk(tmp_path / "evict.db")
    await d.start()
    try:
        yield d
    finally:
        await d.close()


def held_anywhere(desk: SqliteDesk) -> dict[str, int]:
    """Every in-memory index of the manager and the integration that is not empty."""
    m, i = desk.manager, desk.integration
    sizes = desk.manager.book.index_sizes() | {
        "at_broker": len(m._at_broker),
        "status_before_cancel": len(m._status_before_cancel),
        "spec_before_modify": len(m._spec_before_modify),
        "executions": len(m._executions),
        "latest_fills": len(m._latest_fills),
        "creating": len(m._creating),
        "pending_executions": len(i._pending),
        "holds": len(i._holds),
        "early_commissions": len(i._early),
    }
    return {name: size for name, size in sizes.items() if size}


def journal(desk: SqliteDesk) -> list[JournalEvent]:
    return desk.store.read_events(0, 1_000)


async def filled_and_evicted(desk: SqliteDesk, coid: str = "ev-1") -> Order:
    order = await desk.manager.submit(limit_buy(coid, quantity="10"))
    desk.working(order, PERM)
    order = desk.manager.get(order.order_id)
    desk.execution(order, EXECUTION, D(10))
    desk.status(order, "Filled", D(10))
    await desk.durable()
    final = desk.manager.get(order.order_id)
    assert final.status is OrderStatus.FILLED
    return final


async def test_a_final_order_is_let_go_once_durable_and_found_in_the_store(
    desk: SqliteDesk,
) -> None:
    order = await filled_and_evicted(desk)
    assert held_anywhere(desk) == {}
    m = desk.manager
    assert m.get(order.order_id) == order
    assert m.find(ACCOUNT, "ev-1") == order
    assert m.order_for_broker_report(order.broker_order_id, 0, "") == order
    assert m.order_for_broker_report(0, PERM, "") == order
    assert m.order_for_broker_report(0, 0, "ev-1") == order
    assert m.order_for_broker_id(order.broker_order_id) == order
    assert m.has_execution(EXECUTION)


async def test_a_final_order_is_held_until_its_last_change_is_durable(
    desk: SqliteDesk,
) -> None:
    order = await desk.manager.submit(limit_buy("ev-2", quantity="10"))
    desk.working(order, PERM)
    desk.execution(desk.manager.get(order.order_id), EXECUTION, D(10))
    # FILLED, but not durable yet: memory still answers, the store could not.
    held = desk.manager.book.held(order.order_id)
    assert held is not None
    assert held.status is OrderStatus.FILLED
    # Nor could the store tell that the execution is recorded.
    assert not desk.store.has_fill(EXECUTION)
    assert desk.manager.has_execution(EXECUTION)
    await desk.durable()
    assert held_anywhere(desk) == {}


async def test_a_retry_of_an_evicted_order_gets_the_original_and_a_conflict_stays_one(
    desk: SqliteDesk,
) -> None:
    order = await filled_and_evicted(desk)
    assert await desk.manager.submit(limit_buy("ev-1", quantity="10")) == order
    with pytest.raises(AlreadyExists):
        await desk.manager.submit(limit_buy("ev-1", quantity="11"))
    assert desk.broker.placed == 1
    assert held_anywhere(desk) == {}


async def test_late_statuses_of_an_evicted_order_are_ignored(
    desk: SqliteDesk, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ibkr_gateway")
    order = await filled_and_evicted(desk)
    before = journal(desk)
    desk.status(order, "Cancelled", D(10))
    # Same status, news only the final snapshot could have carried: nothing to journal.
    desk.status(order, "Filled", D(10), perm_id=PERM + 1)
    await desk.durable()
    assert journal(desk) == before
    assert desk.manager.get(order.order_id) == order
    assert held_anywhere(desk) == {}
    assert f"order {order.order_id}: ignoring CANCELLED after FILLED" in caplog.text


async def test_an_execution_repeated_before_it_is_durable_counts_once(desk: SqliteDesk) -> None:
    order = await desk.manager.submit(limit_buy("ev-3", quantity="10"))
    desk.working(order, PERM)
    order = desk.manager.get(order.order_id)
    desk.execution(order, EXECUTION, D(4))
    desk.execution(order, EXECUTION, D(4))
    await desk.durable()
    fills = [e for e in journal(desk) if isinstance(e, FillEvent)]
    assert [f.fill.execution_id for f in fills] == [EXECUTION]
    assert desk.manager.get(order.order_id).filled_quantity == D(4)
    assert desk.manager._executions == set()


async def test_an_execution_repeated_after_eviction_counts_once(desk: SqliteDesk) -> None:
    order = await filled_and_evicted(desk)
    before = journal(desk)
    desk.execution(order, EXECUTION, D(10))
    await desk.durable()
    assert journal(desk) == before
    assert held_anywhere(desk) == {}


async def test_a_correction_of_an_evicted_order_replaces_its_execution(
    desk: SqliteDesk,
) -> None:
    order = await filled_and_evicted(desk)
    correction = EXECUTION.rsplit(".", 1)[0] + ".02"
    desk.execution(order, correction, D(10), price="91")
    await desk.durable()
    fills = [e.fill for e in journal(desk) if isinstance(e, FillEvent)]
    assert [(f.execution_id, f.corrects_execution_id) for f in fills] == [
        (EXECUTION, ""),
        (correction, EXECUTION),
    ]
    corrected = desk.manager.get(order.order_id)
    assert (corrected.filled_quantity, corrected.average_fill_price) == (D(10), D(91))
    # Changed once more, then let go once more.
    assert held_anywhere(desk) == {}
    # The superseded revision, late: judged against the store, not counted.
    desk.execution(order, EXECUTION, D(10))
    await desk.durable()
    assert len([e for e in journal(desk) if isinstance(e, FillEvent)]) == 2


async def test_an_order_sent_again_under_a_new_id_lets_go_of_both_ids(desk: SqliteDesk) -> None:
    order = await desk.manager.submit(limit_buy("ev-4", quantity="10"))
    first_id = order.broker_order_id
    await desk.manager.resend([order])
    renewed = desk.manager.get(order.order_id)
    assert renewed.broker_order_id != first_id
    # While held, a report naming the first id still finds it.
    assert desk.manager.order_for_broker_report(first_id, 0, "") == renewed
    desk.working(renewed, PERM)
    desk.execution(desk.manager.get(order.order_id), EXECUTION, D(10))
    await desk.durable()
    assert held_anywhere(desk) == {}
    assert desk.manager.order_for_broker_report(renewed.broker_order_id, 0, "") is not None


async def test_an_order_whose_perm_id_changed_lets_go_of_both(desk: SqliteDesk) -> None:
    order = await desk.manager.submit(limit_buy("ev-5", quantity="10"))
    desk.working(order, PERM)
    desk.working(order, PERM + 5)
    assert desk.manager.order_for_broker_report(0, PERM, "") is None
    desk.execution(desk.manager.get(order.order_id), EXECUTION, D(10))
    await desk.durable()
    assert held_anywhere(desk) == {}
    assert desk.manager.order_for_broker_report(0, PERM + 5, "") is not None


async def test_an_older_store_finds_orders_by_broker_id_and_perm_id(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    desk = SqliteDesk(path)
    await desk.start()
    order = await filled_and_evicted(desk)
    await desk.close()
    # The store as a release before these columns left it.
    old = sqlite3.connect(path)
    old.executescript(
        """
        DROP INDEX orders_by_broker_id;
        DROP INDEX orders_by_perm_id;
        ALTER TABLE orders DROP COLUMN broker_order_id;
        ALTER TABLE orders DROP COLUMN perm_id;
        """
    )
    old.close()
    store = SqliteOrderStore(path)
    try:
        assert store.find_order_by_broker_id(order.broker_order_id) == order
        assert store.find_order_by_perm_id(PERM) == order
        assert store.find_order_by_perm_id(PERM + 1) is None
        assert store.max_broker_order_id() == order.broker_order_id
    finally:
        await store.close()


class CountingStore(SqliteOrderStore):
    """The real store, counting the lookups by client order id that reach it."""

    lookups = 0

    def find_order(self, account: str, client_order_id: str) -> Order | None:
        self.lookups += 1
        return super().find_order(account, client_order_id)


async def test_a_client_order_id_never_used_is_answered_without_a_query(tmp_path: Path) -> None:
    store = CountingStore(tmp_path / "counted.db")
    manager = OrderManager(EventBus(), store, default_account=ACCOUNT)
    try:
        assert manager.find(ACCOUNT, "never-used") is None
        assert store.lookups == 0
    finally:
        await store.close()


async def test_orders_of_an_earlier_run_are_found_by_client_order_id(tmp_path: Path) -> None:
    first = SqliteDesk(tmp_path / "runs.db")
    await first.start()
    try:
        order = await filled_and_evicted(first, "earlier")
    finally:
        await first.close()
    again = SqliteDesk(tmp_path / "runs.db")
    await again.start()
    try:
        assert again.manager.find(ACCOUNT, "earlier") == order
        assert await again.manager.submit(limit_buy("earlier", quantity="10")) == order
        assert again.broker.placed == 0
    finally:
        await again.close()
