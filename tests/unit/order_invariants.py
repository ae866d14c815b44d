"""The order-state invariants, checked against the journal and the exchange."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal

from ibkr_gateway.event.events import FillEvent, ModifyEvent
from tests.unit.order_support import Desk


def violations(desk: Desk, order_ids: list[str], *, modifying: Collection[str] = ()) -> list[str]:
    """The invariants, for the orders given. The journal may lead the exchange by a
    modification only while that modification is in flight (orders in `modifying`):
    once answered, it is either what the exchange works or rolled back."""
    found: list[str] = []
    for order_id in order_ids:
        order = desk.store.latest(order_id)
        if order is None:
            continue
        events = [e for e in desk.store.events if e.order_id == order_id]
        recorded = [e.fill for e in events if isinstance(e, FillEvent)]
        replaced = {f.corrects_execution_id for f in recorded}
        fills = sum((f.quantity for f in recorded if f.execution_id not in replaced), Decimal(0))
        for event in events:
            if event.order.filled_quantity > event.order.spec.quantity:
                found.append(f"{order_id}: filled above quantity at {event.sequence}")
        if fills != order.filled_quantity:
            found.append(f"{order_id}: fills {fills} != filled {order.filled_quantity}")
        first_final = next((i for i, e in enumerate(events) if e.order.is_final), None)
        if first_final is not None:
            ended = events[first_final].order.status
            if any(e.order.status is not ended for e in events[first_final:]):
                found.append(f"{order_id}: final status {ended.value} changed")
        sim = desk.exchange.orders.get(order.broker_order_id)
        if order.is_final and sim is not None and sim.working:
            found.append(f"{order_id}: {order.status.value}, exchange works {sim.remaining}")
        modified = any(isinstance(e, ModifyEvent) for e in events)
        if sim is not None and modified and order_id not in modifying:
            spec = order.spec
            journaled = (spec.quantity, spec.limit_price, spec.time_in_force)
            worked = (sim.quantity, sim.limit_price, sim.time_in_force)
            if journaled != worked:
                # A refused modification left in the journal.
                found.append(f"{order_id}: journal has {journaled}, exchange works {worked}")
    return found
