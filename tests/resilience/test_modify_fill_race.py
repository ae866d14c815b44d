"""ModifyOrder racing a fill, run many times in-process: a modification that lowers
the quantity to or below what the exchange already filled must be refused and rolled
back, never leave an order FILLED above its quantity while the exchange works on."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from ibkr_gateway.errors import FailedPrecondition, InvalidArgument
from tests.unit.order_invariants import violations
from tests.unit.order_support import Desk, limit_buy

RACES = 1_000


async def race(n: int) -> list[str]:
    desk = Desk()
    order = await desk.manager.submit(limit_buy(f"r{n}"))
    filled = Decimal(10 + n % 90)
    target = Decimal(5 + (n * 7) % 95)
    fill_first = n % 2 == 0
    if fill_first:
        desk.fill(order, filled)
    modify = asyncio.ensure_future(
        desk.manager.modify(
            order.order_id,
            quantity=target,
            limit_price=None,
            stop_price=None,
            time_in_force=None,
        )
    )
    if not fill_first:
        await asyncio.sleep(0)
        desk.fill(order, filled)
    try:
        await modify
    except (FailedPrecondition, InvalidArgument):
        pass
    await desk.settle()
    return violations(desk, [order.order_id])


async def test_modify_racing_a_fill_keeps_the_invariants() -> None:
    found: list[str] = []
    for n in range(RACES):
        found += await race(n)
    print(f"modify-vs-fill races run: {RACES}, invariant violations: {len(found)}")
    assert found == []


async def test_concurrent_identical_submits_make_one_order() -> None:
    """A retry racing its original (both before the first is durable) gets the same
    order, and the exchange sees it once."""
    desk = Desk()
    spec = limit_buy("twice")
    first, second = await asyncio.gather(desk.manager.submit(spec), desk.manager.submit(spec))
    await desk.settle()
    assert first.order_id == second.order_id
    assert list(desk.exchange.orders) == [first.broker_order_id]
    assert violations(desk, [first.order_id]) == []


async def test_modify_refused_after_a_racing_cancel_is_rolled_back() -> None:
    """The order is final when the refusal comes; the journal still must not keep a
    quantity the exchange never worked."""
    desk = Desk()
    order = await desk.manager.submit(limit_buy("mc"))
    modify = asyncio.ensure_future(
        desk.manager.modify(
            order.order_id,
            quantity=Decimal(50),
            limit_price=None,
            stop_price=None,
            time_in_force=None,
        )
    )
    await asyncio.sleep(0)
    desk.broker.deliver(desk.exchange.cancel(order.broker_order_id))
    try:
        await modify
    except FailedPrecondition:
        pass
    await desk.settle()
    assert desk.manager.get(order.order_id).spec.quantity == Decimal(100)
    assert violations(desk, [order.order_id]) == []
