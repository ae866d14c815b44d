"""IB error codes in explicit tables, and the one function that routes them."""

from __future__ import annotations

import enum
from typing import Final

# The order is refused: it ends REJECTED with IB's code and text.
ORDER_REJECTION_CODES: Final[frozenset[int]] = frozenset(
    {
        103,
        106,
        107,
        109,
        110,
        111,
        113,
        116,
        117,
        118,
        119,
        120,
        121,
        122,
        123,
        124,
        125,
        126,
        129,
        131,
        132,
        133,
        140,
        141,
        154,
        155,
        156,
        163,
        200,
        201,
        203,
        10149,
    }
)

# A modification was refused; the order keeps working as it was.
MODIFY_REFUSED_CODES: Final[frozenset[int]] = frozenset({104, 105, 134})

# A cancel was refused; the order keeps whatever state it has.
CANCEL_REFUSED_CODES: Final[frozenset[int]] = frozenset({135, 136, 161, 10147, 10148})

# Informational: never ends a live order, even where ib_async marks the trade Cancelled.
WARNING_CODES: Final[frozenset[int]] = frozenset(
    {165, 399, 404, 434, 492, 10167, 10197, 10349, *range(2100, 2200)}
)

CONNECTIVITY_LOST_CODES: Final[frozenset[int]] = frozenset({1100, 2110})
CONNECTIVITY_RESTORED_CODES: Final[frozenset[int]] = frozenset({1101, 1102})


class ErrorClass(enum.Enum):
    ORDER_REJECTED = "order_rejected"
    MODIFY_REFUSED = "modify_refused"
    CANCEL_REFUSED = "cancel_refused"
    CANCEL_CONFIRMED = "cancel_confirmed"
    WARNING = "warning"
    CONNECTIVITY_LOST = "connectivity_lost"
    CONNECTIVITY_RESTORED = "connectivity_restored"
    UNKNOWN = "unknown"


def classify_error(code: int) -> ErrorClass:
    if code == 202:  # "Order Canceled - reason:" follows every confirmed cancel
        return ErrorClass.CANCEL_CONFIRMED
    if code in CANCEL_REFUSED_CODES:
        return ErrorClass.CANCEL_REFUSED
    if code in MODIFY_REFUSED_CODES:
        return ErrorClass.MODIFY_REFUSED
    # 2110 (TWS lost its link to the server) lies inside the 2100-2199 warning range.
    if code in CONNECTIVITY_LOST_CODES:
        return ErrorClass.CONNECTIVITY_LOST
    if code in CONNECTIVITY_RESTORED_CODES:
        return ErrorClass.CONNECTIVITY_RESTORED
    if code in WARNING_CODES:
        return ErrorClass.WARNING
    if code in ORDER_REJECTION_CODES:
        return ErrorClass.ORDER_REJECTED
    return ErrorClass.UNKNOWN
