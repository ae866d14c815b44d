"""Memory does not grow with finished orders: once an order's last change is durable the
store answers for it, and nothing in memory keeps it (nor its ids, keys or executions).
The figure: RSS after 100k finished orders minus RSS after 10k (bench.finished_orders)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import finished_orders

pytestmark = pytest.mark.slow


async def test_memory_does_not_grow_with_finished_orders(tmp_path: Path) -> None:
    report = await finished_orders.run(finished_orders.SMALL, finished_orders.LARGE, tmp_path)
    print(f"\n[bounded-memory] {finished_orders.line(report)}")
    assert report["journal_events"] == 4 * finished_orders.LARGE
    assert not any(report["held"].values()), report["held"]
    assert report["growth_mb"] < finished_orders.GOAL_MB
