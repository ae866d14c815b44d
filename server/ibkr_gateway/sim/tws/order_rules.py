"""What the simulator can trade, and how a wire order maps onto the exchange's types.

TRAIL and TRAIL LIMIT are stops whose stop the exchange moves after the market.
MIDPRICE (IB's own midpoint order, which the gateway's contract has no name for) trades
as PEG MID: at the midpoint, within its cap. Algos (Adaptive, Twap, Vwap) work MKT and
LMT orders and trade as those would; their parameters are checked as IB checks them.
GTD rests like GTC (the desk expires it at end of day); OPG rests like DAY, as there
is no opening auction to wait for.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ibkr_gateway.order.models import OrderType, TimeInForce
from ibkr_gateway.sim.exchange import ORDER_REJECTED
from ibkr_gateway.sim.tws.contracts import on_tick
from ibkr_gateway.sim.tws.place_order import PlaceOrder

ORDER_TYPES = {
    "MKT": OrderType.MARKET,
    "LMT": OrderType.LIMIT,
    "STP": OrderType.STOP,
    "STP LMT": OrderType.STOP_LIMIT,
    "TRAIL": OrderType.TRAILING_STOP,
    "TRAIL LIMIT": OrderType.TRAILING_STOP_LIMIT,
    "MOC": OrderType.MARKET_ON_CLOSE,
    "LOC": OrderType.LIMIT_ON_CLOSE,
    "MIT": OrderType.MARKET_IF_TOUCHED,
    "LIT": OrderType.LIMIT_IF_TOUCHED,
    "REL": OrderType.RELATIVE,
    "PEG MID": OrderType.PEGGED_TO_MIDPOINT,
    "MIDPRICE": OrderType.PEGGED_TO_MIDPOINT,
}
# Each algo's parameters and the values each takes ("": any number, None: any text).
ALGO_PARAMS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "Adaptive": {"adaptivePriority": ("Urgent", "Normal", "Patient")},
    "Twap": {
        "strategyType": ("Marketable", "Matching Midpoint", "Matching Same Side", "Matching Last"),
        "startTime": None,
        "endTime": None,
        "allowPastEndTime": ("0", "1"),
    },
    "Vwap": {
        "maxPctVol": ("",),
        "startTime": None,
        "endTime": None,
        "allowPastEndTime": ("0", "1"),
        "noTakeLiq": ("0", "1"),
    },
}
OFF_TICK = 110
OFF_TICK_TEXT = "The price does not conform to the minimum price variation for this contract."

TIMES_IN_FORCE = {
    "": TimeInForce.DAY,
    "DAY": TimeInForce.DAY,
    "GTC": TimeInForce.GTC,
    "IOC": TimeInForce.IOC,
    "FOK": TimeInForce.FOK,
    "GTD": TimeInForce.GTC,
    "OPG": TimeInForce.DAY,
}


class Rejection(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"IB error {code}: {message}")
        self.code = code
        self.message = message


def _reject(reason: str) -> Rejection:
    return Rejection(ORDER_REJECTED, f"Order rejected - reason: {reason}")


def validate(request: PlaceOrder, account: str) -> None:  # noqa: C901 - a flat list of rules
    """Raises a `Rejection` (error 201) for anything the simulator cannot honour."""
    o, c = request.order, request.contract
    if request.unsupported:
        raise _reject(f"not supported by the simulator: {', '.join(request.unsupported)}")
    if o.order_type not in ORDER_TYPES:
        raise _reject(f"order type {o.order_type!r} is not supported by the simulator")
    if o.action not in ("BUY", "SELL"):
        raise _reject(f"action {o.action!r} is not BUY or SELL")
    if not c.symbol:
        raise _reject("the contract has no symbol")
    if o.total_quantity <= 0:
        raise _reject("the quantity must be positive")
    if o.tif not in TIMES_IN_FORCE:
        raise _reject(f"time in force {o.tif!r} is not supported by the simulator")
    if o.tif == "GTD" and not o.good_till_date:
        raise _reject("GTD needs goodTillDate")
    if o.account and o.account != account:
        raise _reject(f"account {o.account!r} is not managed by this session")
    kind = ORDER_TYPES[o.order_type]
    if kind.needs_limit_price and (o.lmt_price is None or o.lmt_price <= 0):
        raise _reject(f"{o.order_type} needs a positive lmtPrice")
    if kind.trails:
        if (o.aux_price is None) == (o.trailing_percent is None):
            raise _reject(f"{o.order_type} needs exactly one of auxPrice and trailingPercent")
        if kind is OrderType.TRAILING_STOP_LIMIT and o.lmt_price_offset is None:
            raise _reject("TRAIL LIMIT needs lmtPriceOffset")
    elif kind.needs_stop_price and (o.aux_price is None or o.aux_price <= 0):
        raise _reject(f"{o.order_type} needs a positive auxPrice (the stop or trigger price)")
    if kind.at_close and o.tif not in ("", "DAY"):
        raise _reject(f"{o.order_type} is a DAY order")
    if o.display_size and (o.hidden or o.display_size > o.total_quantity):
        raise _reject("displaySize must not exceed totalQuantity, nor come with hidden")
    _validate_algo(o.algo_strategy, o.algo_params, kind)
    # TWS checks the increment before the order leaves it: the order is refused, and a
    # refused modification leaves the order working as it was. Distances and offsets
    # are checked as offsets.
    offset_in_aux = kind.trails or kind.pegged
    prices = (o.lmt_price, None if offset_in_aux else o.aux_price, o.trail_stop_price)
    offsets = (o.aux_price if offset_in_aux else None, o.lmt_price_offset)
    if any(p is not None and not on_tick(c.sec_type, p) for p in prices) or any(
        p is not None and p != 0 and not on_tick(c.sec_type, p, offset=True) for p in offsets
    ):
        raise Rejection(OFF_TICK, OFF_TICK_TEXT)


def _validate_algo(strategy: str, params: tuple[tuple[str, str], ...], kind: OrderType) -> None:
    if not strategy:
        return
    allowed = ALGO_PARAMS.get(strategy)
    if allowed is None:
        raise _reject(f"algo {strategy!r} is not supported by the simulator")
    if kind not in (OrderType.MARKET, OrderType.LIMIT):
        raise _reject(f"the {strategy} algo works MKT and LMT orders only")
    for tag, value in params:
        if tag not in allowed:
            raise _reject(f"{strategy} has no parameter {tag!r}")
        values = allowed[tag]
        if values == ("",):
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = Decimal(-1)
            if not Decimal(0) < number <= Decimal("0.5"):
                raise _reject(f"{strategy} {tag} must be in (0, 0.5], got {value!r}")
        elif values is not None and value not in values:
            raise _reject(f"{strategy} {tag} must be one of {', '.join(values)}, got {value!r}")
