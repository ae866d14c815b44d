"""Which journaled orders that never reached the broker may still be sent, and how.

An order lost before reaching the broker (queued at a restart, or on the wire when the
link broke) is sent again only while sending it still does what its owner asked: a DAY
order from an earlier trading day, or a GTD order past its time, is cancelled instead.
Bracket legs travel together or not at all: a lone take-profit or stop-loss working
without its parent would trade on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from ibkr_gateway.order.models import Order, TimeInForce

# US equities' trading day: the exchange's calendar date in New York.
TRADING_DAY_ZONE = ZoneInfo("America/New_York")
_SAME_DAY = frozenset({TimeInForce.DAY, TimeInForce.OPG, TimeInForce.IOC, TimeInForce.FOK})


def trading_day(moment: datetime) -> str:
    return moment.astimezone(TRADING_DAY_ZONE).date().isoformat()


def stale_reason(order: Order, now: datetime) -> str | None:
    """Why sending this order now would not be what was asked, or None."""
    spec = order.spec
    if spec.time_in_force in _SAME_DAY and trading_day(order.create_time) != trading_day(now):
        return (
            f"not sent: a {spec.time_in_force.value} order from an earlier trading day "
            f"({trading_day(order.create_time)}) that never reached the broker"
        )
    if spec.time_in_force is TimeInForce.GTD and spec.good_till is not None:
        if spec.good_till <= now:
            return "not sent: its good-till time passed before it reached the broker"
    return None


@dataclass
class ResendPlan:
    singles: list[Order] = field(default_factory=list)
    # (parent, take-profit, stop-loss), all three unsent.
    brackets: list[tuple[Order, Order, Order]] = field(default_factory=list)
    # Orders that cannot be sent as they are, with the reason they are cancelled.
    cancelled: list[tuple[Order, str]] = field(default_factory=list)


def plan_resend(
    unsent: Sequence[Order], now: datetime, legs_of: Callable[[Order], list[Order]]
) -> ResendPlan:
    """`legs_of(order)`: the orders whose parent it is (empty for all but a bracket's
    parent), whatever their status."""
    plan = ResendPlan()
    unsent_ids = {o.order_id for o in unsent}
    split = "not sent: part of its bracket reached the broker and part did not"
    for order in unsent:
        if order.parent_order_id:
            if order.parent_order_id not in unsent_ids:
                plan.cancelled.append((order, split))
            continue  # otherwise it travels with its parent
        legs = legs_of(order)
        if not legs:
            reason = stale_reason(order, now)
            if reason is None:
                plan.singles.append(order)
            else:
                plan.cancelled.append((order, reason))
            continue
        take_profit = next((o for o in legs if o.spec.client_order_id.endswith(".tp")), None)
        stop_loss = next((o for o in legs if o.spec.client_order_id.endswith(".sl")), None)
        lost = [o for o in legs if o.order_id in unsent_ids]
        if take_profit is None or stop_loss is None or len(lost) != len(legs):
            plan.cancelled.extend((o, split) for o in (order, *lost))
            continue
        reason = stale_reason(order, now)
        if reason is None:
            plan.brackets.append((order, take_profit, stop_loss))
        else:
            plan.cancelled.extend((o, reason) for o in (order, *lost))
    return plan
