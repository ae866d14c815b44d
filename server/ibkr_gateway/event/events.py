"""Events about orders. Each is journaled with a gap-free sequence before it is published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ibkr_gateway.order.models import Fill, Order, OrderStatus, TimeInForce


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderEvent:
    sequence: int
    time: datetime
    # The order right after the event.
    order: Order

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


def stamp_sequence(event: OrderEvent, sequence: int) -> None:
    """Stamps a freshly built event, its order snapshot and its fill with the journal
    sequence, in place: they were created for this event and nothing shares them yet,
    and the journal is the one place that fixes their sequence."""
    stamp = object.__setattr__
    stamp(event, "sequence", sequence)
    stamp(event.order, "last_sequence", sequence)
    if isinstance(event, FillEvent):
        stamp(event.fill, "sequence", sequence)
