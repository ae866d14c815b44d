"""A large journal, written straight through the store: market orders that were each
submitted, acknowledged, filled and finished, as the gateway itself would journal them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from ibkr_gateway.event.events import FillEvent, OrderEvent, OrderStatusEvent
from ibkr_gateway.order.models import (
    Contract,
    Fill,
    Order,
    OrderSpec,
    OrderStatus,
    OrderType,
    Side,
)
from ibkr_gateway.store.sqlite import SqliteOrderStore

EVENTS_PER_ORDER = 4
# Orders committed together: large batches keep the build quick.
ORDERS_PER_COMMIT = 2_000
ACCOUNT = "DU123456"
T0 = datetime(2024, 3, 1, 14, 30, tzinfo=UTC)


def order_events(n: int) -> list[OrderEvent]:
    """The four events of the n-th order: PENDING_SUBMIT, SUBMITTED, its fill, FILLED."""
    now = T0 + timedelta(milliseconds=n)
    quantity = Decimal(10)
    created = Order(
        order_id=f"journal-{n:08d}",
        spec=OrderSpec(
            client_order_id=f"journal-{n}",
            account=ACCOUNT,
            contract=Contract("AAPL"),
            side=Side.BUY,
            quantity=quantity,
            order_type=OrderType.MARKET,
        ),
        status=OrderStatus.PENDING_SUBMIT,
        create_time=now,
        update_time=now,
        broker_order_id=n + 1,
    )
    submitted = created.evolve(status=OrderStatus.SUBMITTED, perm_id=10_000_000 + n)
    fill = Fill(
        execution_id=f"0000e{n:08d}.65000000.01.01",
        order_id=created.order_id,
        client_order_id=created.spec.client_order_id,
        account=ACCOUNT,
        symbol="AAPL",
        side=Side.BUY,
        quantity=quantity,
        price=Decimal("100"),
        time=now,
        commission=Decimal("1.00"),
        commission_currency="USD",
        broker_order_id=created.broker_order_id,
    )
    traded = submitted.evolve(
        filled_quantity=quantity,
        average_fill_price=Decimal("100"),
        fills_quantity=quantity,
        fills_notional=quantity * 100,
    )
    return [
        OrderStatusEvent(sequence=0, time=now, order=created, previous_status=OrderStatus.CREATED),
        OrderStatusEvent(
            sequence=0, time=now, order=submitted, previous_status=OrderStatus.PENDING_SUBMIT
        ),
        FillEvent(sequence=0, time=now, order=traded, fill=fill),
        OrderStatusEvent(
            sequence=0,
            time=now,
            order=traded.evolve(status=OrderStatus.FILLED),
            previous_status=OrderStatus.SUBMITTED,
        ),
    ]


async def write_journal(path: Path, events: int) -> int:
    """A store at `path` holding about `events` events (whole orders); returns how many."""
    store = SqliteOrderStore(path)
    try:
        orders = max(1, events // EVENTS_PER_ORDER)
        for first in range(0, orders, ORDERS_PER_COMMIT):
            batch = [
                e
                for n in range(first, min(first + ORDERS_PER_COMMIT, orders))
                for e in order_events(n)
            ]
            _, durable = store.append(batch)
            await durable
        return store.last_sequence
    finally:
        await store.close()


if __name__ == "__main__":
    import sys
    import time

    started = time.perf_counter()
    written = asyncio.run(write_journal(Path(sys.argv[1]), int(sys.argv[2])))
    print(f"{written} events in {time.perf_counter() - started:.1f}s")
