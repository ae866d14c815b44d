"""IB error codes in explicit tables, and the one function that routes them."""

from __future__ import annotations

import enum
from typing import Final

# The order is refused: a new order ends REJECTED with IB's code and text; on a working
# order the same codes refuse a modification (IB keeps the order as it was).
# From IB's list of message codes: the ones whose text says the order is invalid,
# not allowed or not transmitted.
ORDER_REJECTION_CODES: Final[frozenset[int]] = frozenset(
    {
        103,
        106,
        107,
        109,
        110,
        111,
        113,
        114,
        115,
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
        127,
        128,
        129,
        131,
        132,
        133,
        140,
        141,
        144,
        145,
        146,
        147,
        148,
        151,
        152,
        153,
        154,
        155,
        156,
        157,
        158,
        159,
        160,
        163,
        167,
        168,
        200,
        201,
        203,
        *range(312, 316),  # combo details
        # Server error when validating an API client request: the request is dropped
        # (ib_async calls it a warning because a modify leaves the order working).
        321,
        325,
        328,
        *range(332, 344),  # allocations, delta, dates and times, GAT, pegged
        *range(347, 351),  # short sale slot
        355,
        356,
        358,
        359,
        *range(361, 365),  # adjusted stop, stop limit, trailing amount
        *range(367, 381),  # volatility and delta hedge attributes
        382,
        383,
        *range(387, 399),  # order type, size, route, expiry, OCA or condition not allowed
        400,
        401,
        402,
        403,
        405,
        406,
        407,
        408,
        409,
        410,
        411,
        412,
        413,
        416,
        417,
        418,
        419,
        *range(423, 430),  # RFQ, advisor allocations, mutual funds, delta neutral
        432,
        433,
        435,
        436,
        437,
        439,
        441,
        442,
        443,
        *range(445, 450),  # RFQ expired, scale order attributes
        463,  # You must enter a valid price
        # Not connected: IB's own client reports an order it could not send with 504
        # and the order id; the order never left the machine.
        504,
        10006,  # Missing parent order
        10149,
        *range(10268, 10271),  # EtradeOnly, firmQuoteOnly, nbboPriceCap not supported
        # Would be routed directly; refused by the API precautionary settings.
        10311,
    }
)

# A modification was refused; the order keeps working as it was.
MODIFY_REFUSED_CODES: Final[frozenset[int]] = frozenset(
    {
        104,
        105,
        134,
        329,  # cannot change to the new order type
        422,  # account and clearing attributes may not be changed
        440,  # an algorithm cannot be modified
        444,  # volatility combo not yet acknowledged
        462,  # cannot change to the new time in force
    }
)

# A cancel was refused; the order keeps whatever state it has.
CANCEL_REFUSED_CODES: Final[frozenset[int]] = frozenset({135, 136, 137, 161, 10148})

# IB does not know the order (10147 answers a cancel: "OrderId ... that needs to be
# cancelled is not found"): nothing more will happen to it at IB.
ORDER_UNKNOWN_CODES: Final[frozenset[int]] = frozenset({10147})

# Informational: never ends a live order, even where ib_async marks the trade Cancelled.
WARNING_CODES: Final[frozenset[int]] = frozenset(
    {165, 399, 404, 434, 492, 10167, 10197, 10349, *range(2100, 2200)}
)

CONNECTIVITY_LOST_CODES: Final[frozenset[int]] = frozenset({1100, 2110})
# 1102: restored, and TWS kept what happened meanwhile.
CONNECTIVITY_RESTORED_CODES: Final[frozenset[int]] = frozenset({1102})
# 1101: restored, but what IB sent meanwhile is lost and must be asked for again.
CONNECTIVITY_DATA_LOST_CODES: Final[frozenset[int]] = frozenset({1101})


class ErrorClass(enum.Enum):
    ORDER_REJECTED = "order_rejected"
    MODIFY_REFUSED = "modify_refused"
    CANCEL_REFUSED = "cancel_refused"
    ORDER_UNKNOWN = "order_unknown"
    CANCEL_CONFIRMED = "cancel_confirmed"
    WARNING = "warning"
    CONNECTIVITY_LOST = "connectivity_lost"
    CONNECTIVITY_RESTORED = "connectivity_restored"
    CONNECTIVITY_RESTORED_DATA_LOST = "connectivity_restored_data_lost"
    UNKNOWN = "unknown"


def classify_error(code: int) -> ErrorClass:
    if code == 202:  # "Order Canceled - reason:" follows every confirmed cancel
        return ErrorClass.CANCEL_CONFIRMED
    if code in CANCEL_REFUSED_CODES:
        return ErrorClass.CANCEL_REFUSED
    if code in ORDER_UNKNOWN_CODES:
        return ErrorClass.ORDER_UNKNOWN
    if code in MODIFY_REFUSED_CODES:
        return ErrorClass.MODIFY_REFUSED
    # 2110 (TWS lost its link to the server) lies inside the 2100-2199 warning range.
    if code in CONNECTIVITY_LOST_CODES:
        return ErrorClass.CONNECTIVITY_LOST
    if code in CONNECTIVITY_RESTORED_CODES:
        return ErrorClass.CONNECTIVITY_RESTORED
    if code in CONNECTIVITY_DATA_LOST_CODES:
        return ErrorClass.CONNECTIVITY_RESTORED_DATA_LOST
    if code in WARNING_CODES:
        return ErrorClass.WARNING
    if code in ORDER_REJECTION_CODES:
        return ErrorClass.ORDER_REJECTED
    return ErrorClass.UNKNOWN
