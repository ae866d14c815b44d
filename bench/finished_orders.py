"""Memory after many finished orders: the process's RSS after LARGE orders were each
submitted, worked, executed and filled, minus its RSS after SMALL. Once an order's last
change is durable nothing in memory may keep it, so the difference is noise only.

The OrderManager is driven directly on SQLite (bench.desk), without gRPC: 100k orders
take well under a minute.

    python -m bench.finished_orders [--small N] [--large N] [--quick] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.desk import SqliteDesk, limit_buy
from ibkr_gateway.event_loop import run as run_on_loop

SMALL = 10_000
LARGE = 100_000
QUICK_SMALL = 2_000
QUICK_LARGE = 10_000
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


async def run(small: int, large: int, workdir: Path) -> dict[str, Any]:
    started = time.perf_counter()
    desk = SqliteDesk(workdir / "finished.db")
    await desk.start()
    try:
        await trade(desk, 0, small)
        gc.collect()
        rss_small = rss_mb()
        small_at = time.perf_counter()
        await trade(desk, small, large - small)
        gc.collect()
        rss_large = rss_mb()
        rate = (large - small) / (time.perf_counter() - small_at)
        held = desk.manager.book.index_sizes()
        journal = desk.store.last_sequence
    finally:
        await desk.close()
    growth = rss_large - rss_small
    return {
        "small": small,
        "large": large,
        "rss_small_mb": round(rss_small, 1),
        "rss_large_mb": round(rss_large, 1),
        "growth_mb": round(growth, 1),
        "goal_mb": GOAL_MB,
        "meets_goal": growth < GOAL_MB,
        "held": held,
        "journal_events": journal,
        "orders_per_s": round(rate),
        "seconds": round(time.perf_counter() - started, 1),
    }


def line(report: dict[str, Any]) -> str:
    verdict = "meets" if report["meets_goal"] else "MISSES"
    return (
        f"RSS after {report['small']} finished orders {report['rss_small_mb']:.1f} MB, after "
        f"{report['large']} {report['rss_large_mb']:.1f} MB: growth "
        f"{report['growth_mb']:.1f} MB ({verdict} the goal < {report['goal_mb']:.0f} MB); "
        f"journal {report['journal_events']} events, {report['orders_per_s']} orders/s, "
        f"{report['seconds']:.0f}s"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.finished_orders", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--small", type=int, help=f"orders before the first measure ({SMALL})")
    parser.add_argument("--large", type=int, help=f"orders before the second ({LARGE})")
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a line")
    args = parser.parse_args(argv)
    args.small = args.small or (QUICK_SMALL if args.quick else SMALL)
    args.large = args.large or (QUICK_LARGE if args.quick else LARGE)
    if not 0 < args.small < args.large:
        parser.error("--small must be positive and below --large")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-finished-") as tmp:
        report = run_on_loop(run(args.small, args.large, Path(tmp)))
    print(json.dumps(report, indent=2) if args.json else line(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
