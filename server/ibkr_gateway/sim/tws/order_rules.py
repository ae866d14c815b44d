"""What the simulator can trade, and how a wire order maps onto the exchange's types.

TRAIL is a STP at the exchange whose stop the order desk moves after the market.
GTD rests like GTC (the desk expires it at end of day); OPG rests like DAY, as there
is no opening auction to wait for.
"""

from __future__ import annotations

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
    if o.order_type == "TRAIL":
        if (o.aux_price is None) == (o.trailing_percent is None):
            raise _reject("TRAIL needs exactly one of auxPrice and trailingPercent")
    elif kind.needs_stop_price and (o.aux_price is None or o.aux_price <= 0):
        raise _reject(f"{o.order_type} needs a positive auxPrice (the stop price)")
    # TWS checks the increment before the order leaves it: the order is refused, and a
    # refused modification leaves the order working as it was.
    trailing = o.order_type == "TRAIL"
    prices = (o.lmt_price, None if trailing else o.aux_price, o.trail_stop_price)
    amount = o.aux_price if trailing else None
    if any(p is not None and not on_tick(c.sec_type, p) for p in prices) or (
        amount is not None and not on_tick(c.sec_type, amount, offset=True)
    ):
        raise Rejection(OFF_TICK, OFF_TICK_TEXT)
