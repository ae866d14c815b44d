"""IB order status → gateway status: the one place IB's status strings are read."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from ibkr_gateway.order.models import OrderStatus

# The table from DESIGN.md, row by row. "Submitted" with a partial fill is handled
# in map_ib_status because it depends on the quantities.
IB_STATUS_MAP: Final[dict[str, OrderStatus]] = {
    "PendingSubmit": OrderStatus.PENDING_SUBMIT,
    "PreSubmitted": OrderStatus.ACCEPTED,
    "ApiPending": OrderStatus.ACCEPTED,
    "Submitted": OrderStatus.SUBMITTED,
    "ApiCancelled": OrderStatus.CANCELLED,
    "Cancelled": OrderStatus.CANCELLED,
    "Filled": OrderStatus.FILLED,
    "PendingCancel": OrderStatus.PENDING_CANCEL,
    "Inactive": OrderStatus.INACTIVE,
}


class UnknownIBStatus(ValueError):
    pass


def map_ib_status(ib_status: str, filled: Decimal, quantity: Decimal) -> OrderStatus:
    """Translate one IB orderStatus into the gateway's status."""
    try:
        status = IB_STATUS_MAP[ib_status]
    except KeyError:
        raise UnknownIBStatus(f"unknown IB order status {ib_status!r}") from None
    if status is OrderStatus.SUBMITTED and Decimal(0) < filled < quantity:
        return OrderStatus.PARTIALLY_FILLED
    return status
