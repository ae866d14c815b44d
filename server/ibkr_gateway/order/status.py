"""IB order status → gateway status, and the transitions the gateway allows."""

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


_WORKING = {
    OrderStatus.ACCEPTED,
    OrderStatus.SUBMITTED,
    OrderStatus.PARTIALLY_FILLED,
    OrderStatus.INACTIVE,
}
_ENDINGS = {OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED}

# From each status, the statuses an update may move an order to. Final statuses have
# none, so a late "Submitted" after "Filled" cannot resurrect an order; a partly
# filled order never goes back to plain SUBMITTED or ACCEPTED.
ALLOWED_TRANSITIONS: Final[dict[OrderStatus, frozenset[OrderStatus]]] = {
    OrderStatus.CREATED: frozenset({OrderStatus.PENDING_SUBMIT, *_ENDINGS}),
    OrderStatus.PENDING_SUBMIT: frozenset({*_WORKING, OrderStatus.PENDING_CANCEL, *_ENDINGS}),
    OrderStatus.ACCEPTED: frozenset(
        {
            OrderStatus.SUBMITTED,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.INACTIVE,
            OrderStatus.PENDING_CANCEL,
            *_ENDINGS,
        }
    ),
    OrderStatus.SUBMITTED: frozenset(
        {
            OrderStatus.ACCEPTED,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.INACTIVE,
            OrderStatus.PENDING_CANCEL,
            *_ENDINGS,
        }
    ),
    OrderStatus.PARTIALLY_FILLED: frozenset(
        {OrderStatus.INACTIVE, OrderStatus.PENDING_CANCEL, *_ENDINGS}
    ),
    OrderStatus.INACTIVE: frozenset({*_WORKING, OrderStatus.PENDING_CANCEL, *_ENDINGS}),
    # Stale working-status reports must not hide a requested cancel; a refused cancel
    # is restored explicitly by the OrderManager, not through this table.
    OrderStatus.PENDING_CANCEL: frozenset(_ENDINGS),
    OrderStatus.FILLED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
}


def can_transition(current: OrderStatus, new: OrderStatus) -> bool:
    return new in ALLOWED_TRANSITIONS[current]


# Statuses in which ModifyOrder and CancelOrder are accepted.
CANCELLABLE: Final[frozenset[OrderStatus]] = frozenset({OrderStatus.PENDING_SUBMIT, *_WORKING})
MODIFIABLE: Final[frozenset[OrderStatus]] = frozenset({OrderStatus.PENDING_SUBMIT, *_WORKING})
