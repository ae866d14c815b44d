"""What may be sent again of the orders that never reached the broker."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ibkr_gateway.order.models import Order, OrderStatus, TimeInForce
from ibkr_gateway.order.resend import plan_resend, stale_reason
from tests.unit.order_support import limit_buy

# 15:00 in New York on a weekday.
NOW = datetime(2026, 3, 4, 20, 0, tzinfo=UTC)


def order(
    coid: str, *, tif: TimeInForce = TimeInForce.DAY, created: datetime = NOW, parent: str = ""
) -> Order:
    return Order(
        order_id=f"id-{coid}",
        spec=replace(limit_buy(coid), time_in_force=tif),
        status=OrderStatus.PENDING_SUBMIT,
        create_time=created,
        update_time=created,
        parent_order_id=parent,
    )


def bracket(coid: str) -> tuple[Order, Order, Order]:
    parent = order(coid)
    return (
        parent,
        order(f"{coid}.tp", parent=parent.order_id),
        order(f"{coid}.sl", parent=parent.order_id),
    )


def no_legs(_: Order) -> list[Order]:
    return []


def test_a_day_order_is_stale_on_the_next_new_york_day_only() -> None:
    # 23:30 UTC is still the same trading day in New York (18:30 or 19:30 local).
    evening = order("evening", created=datetime(2026, 3, 4, 23, 30, tzinfo=UTC))
    assert stale_reason(evening, NOW + timedelta(hours=3)) is None
    reason = stale_reason(evening, NOW + timedelta(hours=10))
    assert reason is not None
    assert "earlier trading day (2026-03-04)" in reason
    gtc = order("gtc", tif=TimeInForce.GTC, created=NOW - timedelta(days=3))
    assert stale_reason(gtc, NOW) is None


def test_a_gtd_order_past_its_time_is_stale() -> None:
    gtd = order("gtd", tif=TimeInForce.GTD)
    gtd = gtd.evolve(spec=replace(gtd.spec, good_till=NOW + timedelta(minutes=5)))
    assert stale_reason(gtd, NOW) is None
    assert stale_reason(gtd, NOW + timedelta(minutes=5)) is not None


def test_singles_and_whole_brackets_are_sent_stale_ones_cancelled() -> None:
    fresh = order("fresh")
    old = order("old", created=NOW - timedelta(days=1))
    legs = bracket("b")
    plan = plan_resend([fresh, old, *legs], NOW, lambda o: list(legs[1:]) if o is legs[0] else [])
    assert plan.singles == [fresh]
    assert plan.brackets == [legs]
    assert [(o.order_id, "earlier trading day" in why) for o, why in plan.cancelled] == [
        ("id-old", True)
    ]


def test_a_bracket_that_reached_the_broker_in_part_is_never_sent_in_part() -> None:
    parent, take_profit, stop_loss = bracket("b")
    # The parent and take-profit are known to the broker; only the stop-loss was lost.
    plan = plan_resend([stop_loss], NOW, no_legs)
    assert plan.singles == []
    assert plan.brackets == []
    assert [o.order_id for o, _ in plan.cancelled] == [stop_loss.order_id]
    # The stop-loss is known; the parent and take-profit were lost.
    plan = plan_resend([parent, take_profit], NOW, lambda o: [take_profit, stop_loss])
    assert plan.singles == []
    assert plan.brackets == []
    assert {o.order_id for o, _ in plan.cancelled} == {parent.order_id, take_profit.order_id}
