"""The transitions between gateway statuses the gateway allows.

Broker statuses are mapped to gateway statuses before they reach here (IB's in
`ibkr_gateway.ib.status`)."""

from __future__ import annotations

from typing import Final

from ibkr_gateway.order.models import OrderStatus

_WORKING = {
    OrderStatus.ACCEPTED,
    OrderStatus.SUBMITTED,
    OrderStatus.PARTIALLY_FILLED,
    OrderStatus.INACTIVE,
}
_ENDINGS = {OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED}

# From each status, the statuses an update may move an order to. Final statuses have
# none, so a late SUBMITTED after FILLED cannot resurrect an order; a partly
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
