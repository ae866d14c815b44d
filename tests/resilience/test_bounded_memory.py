"""Memory does not grow with finished orders: once an order's last change is durable
the store answers for it, and nothing in memory keeps it (nor its ids, keys or
executions). The figure: the process's RSS after 100k finished orders minus its RSS
after 10k, driving the OrderManager on SQLite directly (no gRPC, to stay fast)."""

from __future__ import annotations

import asyncio
import gc
import os
import resource
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.unit.sqlite_desk import SqliteDesk, limit_buy

pytestmark = pytest.mark.slow

SMALL = 10_000
LARGE = 100_000
# Submitted together: one group commit carries many orders.
BATCH = 1_000
GOAL_MB = 20.0


def rss_mb() -> float:
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


async def trade(desk: SqliteDesk, first: int, count: int) -> None:
    """Orders first..first+count-1, each submitted, worked, executed and filled."""
    for start in range(first, first + count, BATCH):
        numbers = range(start, min(start + BATCH, first + count))
        orders = await asyncio.gather(
            *(desk.manager.submit(limit_buy(f"mem-{n}", quantity="10")) for n in numbers)
        )
        for n, order in zip(numbers, orders, strict=True):
            desk.working(order, perm_id=1_000_000 + n)
            order = desk.manager.get(order.order_id)
            desk.execution(order, f"0000e{n:07d}.65000000.01.01", Decimal(10))
            desk.status(order, "Filled", Decimal(10))
        await desk.durable()


async def test_memory_does_not_grow_with_finished_orders(tmp_path: Path) -> None:
    started = time.monotonic()
    desk = SqliteDesk(tmp_path / "bounded.db")
    await desk.start()
    try:
        await trade(desk, 0, SMALL)
        gc.collect()
        rss_small = rss_mb()
        small_at = time.monotonic()
        await trade(desk, SMALL, LARGE - SMALL)
        gc.collect()
        rss_large = rss_mb()
        held = len(desk.manager.working_orders())
        last_sequence = desk.store.last_sequence
    finally:
        await desk.close()
    growth = rss_large - rss_small
    rate = (LARGE - SMALL) / (time.monotonic() - small_at)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n[bounded-memory] RSS after {SMALL} finished orders {rss_small:.1f} MB, after "
        f"{LARGE} {rss_large:.1f} MB: growth {growth:.1f} MB (goal < {GOAL_MB:.0f} MB, "
        f"{'met' if growth < GOAL_MB else 'MISSED'}); peak RSS {peak:.1f} MB; journal "
        f"{last_sequence} events; {rate:.0f} orders/s; run {time.monotonic() - started:.1f}s"
    )
    assert held == 0
    assert last_sequence == 4 * LARGE
    assert growth < GOAL_MB
