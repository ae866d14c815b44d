"""The order-state invariants, checked against the journal and the exchange."""

from __future__ import annotations

from decimal import Decimal

from ibkr_gateway.event.events import FillEvent, ModifyEvent
from tests.unit.order_support import Desk


def violations(desk: Desk, order_ids: list[str], *, settled: bool = True) -> list[str]:
    """What holds at every step; with `settled` (no call or report in flight), also
    that the journal's quantity is the one the exchange works."""
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
        final = [e for e in events if e.order.is_final]
        if final and any(e.order.status is not final[0].order.status for e in final):
            found.append(f"{order_id}: final status changed")
        sim = desk.exchange.orders.get(order.broker_order_id)
        if order.is_final and sim is not None and sim.working:
            found.append(f"{order_id}: {order.status.value}, exchange works {sim.remaining}")
        modified = any(isinstance(e, ModifyEvent) for e in events)
        if settled and sim is not None and modified and order.spec.quantity != sim.quantity:
            # A refused modification left in the journal.
            found.append(f"{order_id}: journal quantity {order.spec.quantity} != {sim.quantity}")
    return found
