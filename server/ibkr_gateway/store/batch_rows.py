"""The rows a batch of order events writes, the same for every store: one per event,
one per fill, and per order its latest snapshot, encoded once per batch."""

from __future__ import annotations

from dataclasses import dataclass, field

from ibkr_gateway.event.events import FillEvent, JournalEvent
from ibkr_gateway.order.models import Order
from ibkr_gateway.store import codec, positions

# (sequence, time, order_id, account, kind, payload, order snapshot)
EventRow = tuple[int, str, str, str, str, str, str]
# (execution_id, sequence, order_id, account, encoded fill)
FillRow = tuple[str, int, str, str, str]


@dataclass
class OrderBatchRows:
    events: list[EventRow] = field(default_factory=list)
    fills: list[FillRow] = field(default_factory=list)
    # Per order: the sequence that created it (if in this batch), its latest snapshot
    # and that snapshot's encoding.
    orders: dict[str, tuple[int, Order, str]] = field(default_factory=dict)


def order_batch_rows(events: list[JournalEvent]) -> OrderBatchRows:
    rows = OrderBatchRows()
    for e in positions.order_events(events):
        snapshot = codec.encode(e.order)
        first = rows.orders[e.order_id][0] if e.order_id in rows.orders else e.sequence
        rows.orders[e.order_id] = (first, e.order, snapshot)
        rows.events.append(
            (
                e.sequence,
                e.time.isoformat(),
                e.order_id,
                e.account,
                codec.event_kind(e),
                codec.event_payload(e),
                snapshot,
            )
        )
        if isinstance(e, FillEvent):
            f = e.fill
            rows.fills.append((f.execution_id, f.sequence, f.order_id, f.account, codec.encode(f)))
    return rows
