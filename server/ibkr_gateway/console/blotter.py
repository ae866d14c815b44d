"""What `watch` shows: the latest state of each order and the latest fills, built from events."""

from __future__ import annotations

from collections import OrderedDict, deque

from rich.console import Group, RenderableType
from rich.text import Text

from ibkr_gateway.console.output import amount, short_clock
from ibkr_gateway.console.tables import describe, fills_table, orders_table
from ibkr_gateway_client import Fill, Order, OrderEvent


class Blotter:
    """Orders by most recent change, fills by most recent execution; `rows` of each shown."""

    def __init__(self, rows: int = 20, source: str = "") -> None:
        self.rows = rows
        self.source = source
        self.orders: OrderedDict[str, Order] = OrderedDict()
        self.fills: deque[Fill] = deque(maxlen=rows)
        self.last_sequence = 0
        self.events = 0
        self.reconnects = 0
        self.notice = ""

    def apply(self, event: OrderEvent, reconnects: int = 0) -> None:
        # An event carries the order as it stands after it: no need to merge changes.
        self.orders[event.order_id] = event.order
        self.orders.move_to_end(event.order_id)
        if event.fill is not None:
            self.fills.append(event.fill)
        self.last_sequence = event.sequence
        self.events += 1
        self.reconnects = reconnects

    def render(self) -> RenderableType:
        header = Text(
            f"{self.source}  last sequence {self.last_sequence}  {self.events} events"
            f"  {self.reconnects} reconnects",
            style="bold",
        )
        parts: list[RenderableType] = [header]
        if self.notice:
            parts.append(Text(self.notice, style="yellow"))
        recent = list(reversed(self.orders.values()))[: self.rows]
        parts.append(orders_table(recent, title=f"orders ({len(self.orders)}, latest first)"))
        parts.append(fills_table(reversed(self.fills), title="fills (latest first)"))
        return Group(*parts)


def event_line(event: OrderEvent) -> str:
    """One event as a line of text, for logs and pipes."""
    order = event.order
    words = [
        f"#{event.sequence}",
        short_clock(event.time),
        event.kind,
        order.order_id,
        order.client_order_id,
        order.account,
        describe(order),
        order.status,
    ]
    if event.fill is not None:
        fill = event.fill
        commission = f" commission {amount(fill.commission)} {fill.commission_currency}"
        words.append(
            f"fill {amount(fill.quantity)} @ {amount(fill.price)}"
            + (commission if fill.commission is not None else "")
        )
    if event.reason:
        words.append(f"({event.reason})")
    return " ".join(w for w in words if w)
