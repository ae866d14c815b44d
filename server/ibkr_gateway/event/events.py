"""Journal events: about orders, and (ibkr_gateway.position) about positions. Each is
journaled with a gap-free sequence before it is published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ibkr_gateway.order.models import Fill, Order, OrderStatus, TimeInForce


@dataclass(frozen=True, slots=True, kw_only=True)
class JournalEvent:
    """One entry of the event journal: every kind shares one sequence space."""

    sequence: int
    time: datetime

    @property
    def account(self) -> str:
        raise NotImplementedError

    @property
    def order_id(self) -> str:
        """The order the event changes; empty for events that change no order."""
        raise NotImplementedError

    def sequenced_snapshots(self) -> tuple[object, ...]:
        """The snapshots this event carries whose last_sequence is the event's."""
        return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderEvent(JournalEvent):
    # The order right after the event.
    order: Order

    def sequenced_snapshots(self) -> tuple[object, ...]:
        return (self.order,)

    @property
    def order_id(self) -> str:
        return self.order.order_id

    @property
    def client_order_id(self) -> str:
        return self.order.spec.client_order_id

    @property
    def account(self) -> str:
        return self.order.spec.account


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderStatusEvent(OrderEvent):
    previous_status: OrderStatus
    reason: str = ""

    @property
    def status(self) -> OrderStatus:
        return self.order.status


@dataclass(frozen=True, slots=True, kw_only=True)
class FillEvent(OrderEvent):
    fill: Fill


@dataclass(frozen=True, slots=True, kw_only=True)
class CancelEvent(OrderEvent):
    previous_status: OrderStatus
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class ModifyEvent(OrderEvent):
    previous_quantity: Decimal
    previous_limit_price: Decimal | None
    previous_stop_price: Decimal | None
    previous_time_in_force: TimeInForce
    reason: str = ""


def stamp_sequence(event: JournalEvent, sequence: int) -> None:
    """Stamps a freshly built event and the snapshots it carries (order, fill, position)
    with the journal sequence, in place: they were created for this event and nothing
    shares them yet, and the journal is the one place that fixes their sequence."""
    stamp = object.__setattr__
    stamp(event, "sequence", sequence)
    for snapshot in event.sequenced_snapshots():
        stamp(snapshot, "last_sequence", sequence)
    if isinstance(event, FillEvent):
        stamp(event.fill, "sequence", sequence)
