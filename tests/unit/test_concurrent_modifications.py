"""Two modifications of one order in flight at once. Each must reach the exchange as
its caller asked, and a refused one must roll the journal back to what the exchange
works, not to the other modification."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from ibkr_gateway.errors import FailedPrecondition
from ibkr_gateway.order.models import Order, TimeInForce
from tests.unit.order_invariants import violations
from tests.unit.order_support import Desk, limit_buy


def modify(
    desk: Desk,
    order: Order,
    quantity: str | None = None,
    price: str | None = None,
    tif: TimeInForce | None = None,
) -> asyncio.Task[Order]:
    return asyncio.ensure_future(
        desk.manager.modify(
            order.order_id,
            quantity=None if quantity is None else Decimal(quantity),
            limit_price=None if price is None else Decimal(price),
            stop_price=None,
            time_in_force=tif,
        )
    )


async def test_a_refused_modification_rolls_back_past_a_concurrent_one() -> None:
    desk = Desk()
    order = await desk.manager.submit(limit_buy("two", "2", "95"))
    lower = modify(desk, order, quantity="1")
    gtc = modify(desk, order, tif=TimeInForce.GTC)
    # Both are journaled, neither is sent, when the exchange fills 1: lowering the
    # quantity to 1 is then refused. The fill's reports come after the refusal, so
    # that the gateway cannot see the fill first and drop the modification itself.
    await asyncio.sleep(0)
    reports = desk.exchange.fill(order.broker_order_id, Decimal(1))
    with pytest.raises(FailedPrecondition):
        await lower
    await gtc
    desk.broker.deliver(reports)
    await desk.settle()

    sim = desk.exchange.orders[order.broker_order_id]
    journal = desk.manager.get(order.order_id)
    assert (sim.quantity, sim.time_in_force) == (Decimal(2), TimeInForce.GTC)
    assert (journal.spec.quantity, journal.spec.time_in_force) == (
        Decimal(2),
        TimeInForce.GTC,
    )
    assert violations(desk, [order.order_id]) == []


async def test_a_modification_sends_its_own_spec_not_a_later_one() -> None:
    desk = Desk()
    order = await desk.manager.submit(limit_buy("one", "1", "95"))
    # The first makes the order marketable (the market is at 100) and it fills; the
    # second, raising the quantity, must not be what the exchange fills.
    marketable = modify(desk, order, price="101")
    larger = modify(desk, order, quantity="2")
    await marketable
    with pytest.raises(FailedPrecondition):
        await larger
    await desk.settle()

    sim = desk.exchange.orders[order.broker_order_id]
    journal = desk.manager.get(order.order_id)
    assert (sim.quantity, sim.filled) == (Decimal(1), Decimal(1))
    assert (journal.spec.quantity, journal.filled_quantity) == (Decimal(1), Decimal(1))
    assert violations(desk, [order.order_id]) == []


async def test_a_refusal_is_answered_once_its_rollback_is_durable() -> None:
    desk = Desk()
    order = await desk.manager.submit(limit_buy("rb", "2", "95"))
    # The gateway has not heard of this fill yet, so the exchange is the one to refuse.
    reports = desk.exchange.fill(order.broker_order_id, Decimal(1))
    try:
        await desk.manager.modify(
            order.order_id,
            quantity=Decimal(1),
            limit_price=None,
            stop_price=None,
            time_in_force=None,
        )
    except FailedPrecondition:
        # No loop turn since the refusal: what the journal holds now is what a crash
        # right after the answer would leave.
        journaled = desk.store.latest(order.order_id)
    else:
        pytest.fail("lowering the quantity to the filled quantity was not refused")
    assert journaled is not None
    assert journaled.spec.quantity == Decimal(2)
    desk.broker.deliver(reports)
    await desk.settle()
    assert violations(desk, [order.order_id]) == []


async def test_a_modification_its_order_outlives_is_still_sent_and_rolled_back() -> None:
    desk = Desk()
    order = await desk.manager.submit(limit_buy("early", "2", "95"))
    marketable = modify(desk, order, price="101")
    await asyncio.sleep(0)
    desk.fill(order, Decimal(1))
    await asyncio.sleep(0)
    # The first is sent now and fills the order; this one is journaled before the
    # first one's reports arrive. When it is sent, the order has ended (and been
    # forgotten), and the first one's status report, with the quantity of both, has
    # cleared the spec this one replaced. The exchange refuses it all the same.
    gtc = modify(desk, order, tif=TimeInForce.GTC)
    await marketable
    with pytest.raises(FailedPrecondition):
        await gtc
    await desk.settle()

    sim = desk.exchange.orders[order.broker_order_id]
    journal = desk.manager.get(order.order_id)
    assert sim.status == "Filled"
    assert journal.spec.time_in_force is sim.time_in_force is TimeInForce.DAY
    assert violations(desk, [order.order_id]) == []
