"""A submit whose creation is still being committed when something else happens."""

from __future__ import annotations

import asyncio

import pytest

from ibkr_gateway.order.models import OrderStatus
from tests.unit.order_support import Desk, limit_buy


async def test_a_kill_switch_engaged_during_the_creation_commit_keeps_the_order_home() -> None:
    """The order passed the kill switch before it was engaged; it must still never
    reach the broker once the switch is on."""
    desk = Desk()
    submit = asyncio.ensure_future(desk.manager.submit(limit_buy("late")))
    await asyncio.sleep(0)  # the creation is journaled, its commit not yet durable
    assert desk.manager.find("", "late") is not None
    await desk.manager.set_kill_switch(True, "drill", "ops")
    order = await submit
    await desk.settle()
    assert order.status is OrderStatus.CANCELLED
    assert "kill switch" in order.status_reason
    assert desk.exchange.orders == {}


async def test_a_submit_whose_caller_goes_away_still_reaches_the_broker() -> None:
    """Once the creation is journaled the order exists: a caller that times out or
    disconnects must not leave it journaled but never sent."""
    desk = Desk()
    submit = asyncio.ensure_future(desk.manager.submit(limit_buy("gone")))
    await asyncio.sleep(0)
    submit.cancel()
    with pytest.raises(asyncio.CancelledError):
        await submit
    await desk.settle()
    order = desk.manager.get_by_client_id("", "gone")
    assert order.status is OrderStatus.SUBMITTED
    assert list(desk.exchange.orders) == [order.broker_order_id]
