"""A deterministic matching engine with prices set by its user.

There is one reference price per symbol (a default until set) and, optionally, a
quantity available at it. Marketable orders trade at the reference price; stops
trigger when the price reaches them. Every call returns the IB-style reports it
produced, in order, so the same engine can sit behind any front door.

The market has one price and no spread, so the bid, the offer, the midpoint and the
close are all the reference price:
- Stops (STP, STP LMT, TRAIL, TRAIL LIMIT) trigger when the price trades through the
  stop: at or above it for a buy, at or below it for a sell. A TRAIL LIMIT's limit is
  fixed then, its limit offset beyond the stop.
- If-touched orders (MIT, LIT) trigger when the price touches the trigger from the
  other side: at or below it for a buy, at or above it for a sell.
- On-close orders (MOC, LOC) trade only in the closing auction (`end_of_day`), at the
  reference price, a LOC only when that is at its limit or better; what is left expires.
- Pegged orders (REL, PEG MID) trade at the reference price while it is within their
  cap (limit price), if they have one: with no spread, an offset moves the peg inside a
  spread that is not there, and changes nothing.
- Algo orders trade as their MKT or LMT order would; hidden orders as they would shown.
- Iceberg orders (display size) trade in executions of at most their display size,
  one after another, as each shown slice is refilled from the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from ibkr_gateway.broker import (
    BrokerCommission,
    BrokerExecution,
    BrokerOrderError,
    BrokerOrderStatus,
    BrokerReport,
)
from ibkr_gateway.order.models import OrderType, Side, TimeInForce

DEFAULT_PRICE = Decimal("100")
CENT = Decimal("0.01")

# IB error codes the simulator reproduces.
ORDER_REJECTED = 201
CANNOT_MODIFY_FILLED = 104
CANCEL_NOT_FOUND = 10147
CANCEL_NOT_CANCELLABLE = 161


class ExchangeError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"IB error {code}: {message}")
        self.code = code
        self.message = message


@dataclass
class SimOrder:
    broker_order_id: int
    order_ref: str
    account: str
    symbol: str
    currency: str
    side: Side
    quantity: Decimal
    order_type: OrderType
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.DAY
    parent_id: int = 0
    oca_group: str = ""
    filled: Decimal = Decimal(0)
    notional: Decimal = Decimal(0)
    perm_id: int = 0
    status: str = "PendingSubmit"
    triggered: bool = False
    children: list[int] = field(default_factory=list)
    # Trailing types: the stop follows the market at this distance (amount or percent).
    trailing_amount: Decimal | None = None
    trailing_percent: Decimal | None = None
    # GTD: expires at the first end of day at or after this time.
    good_till: datetime | None = None
    # TRAILING_STOP_LIMIT: the limit, this far beyond the stop when it triggers.
    limit_offset: Decimal | None = None
    # Iceberg: the most that trades in one execution.
    display_size: Decimal | None = None

    @property
    def remaining(self) -> Decimal:
        return self.quantity - self.filled

    @property
    def working(self) -> bool:
        return self.status in ("PreSubmitted", "Submitted")

    @property
    def average_price(self) -> Decimal:
        return self.notional / self.filled if self.filled else Decimal(0)


def default_commission(quantity: Decimal, price: Decimal) -> Decimal:
    """$0.005 a share, at least $1.00, but never more than 1% of the trade value
    (the cap wins over the minimum for very cheap trades, as in IB's fixed pricing)."""
    per_share = quantity * Decimal("0.005")
    cap = quantity * price * Decimal("0.01")
    return min(max(per_share, Decimal("1.00")), cap).quantize(CENT, ROUND_HALF_UP)


def trailing_stop(order: SimOrder, price: Decimal) -> Decimal:
    """Where a trailing stop sits with the market at `price`."""
    if order.trailing_percent is not None:
        offset = price * order.trailing_percent / 100
    else:
        offset = order.trailing_amount or Decimal(0)
    return price - offset if order.side is Side.SELL else price + offset


class SimulatedExchange:
    def __init__(
        self,
        *,
        default_price: Decimal = DEFAULT_PRICE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        session_tag: str = "0",
        first_perm_id: int = 1_000_001,
        commission: Callable[[Decimal, Decimal], Decimal] = default_commission,
    ) -> None:
        self.default_price = default_price
        self._clock = clock
        # Execution ids must stay unique across restarts of the process.
        self._session_tag = session_tag
        self._next_perm_id = first_perm_id
        self._next_exec = 1
        self._commission = commission
        self.prices: dict[str, Decimal] = {}
        self.available: dict[str, Decimal] = {}
        self.orders: dict[int, SimOrder] = {}
        self._reject_next: tuple[int, str] | None = None

    # -- market data ----------------------------------------------------------------

    def price(self, symbol: str) -> Decimal:
        return self.prices.get(symbol, self.default_price)

    def set_price(
        self, symbol: str, price: Decimal, available: Decimal | None = None
    ) -> list[BrokerReport]:
        self.prices[symbol] = price
        for order in self.orders.values():
            if order.symbol == symbol and order.working:
                self._trail(order, price)
        if available is None:
            self.available.pop(symbol, None)
        else:
            self.available[symbol] = available
        out: list[BrokerReport] = []
        for order in sorted(self.orders.values(), key=lambda o: o.broker_order_id):
            if order.symbol == symbol and order.status == "Submitted":
                self._match(order, out)
            elif (
                order.symbol == symbol and order.status == "PreSubmitted" and self._is_active(order)
            ):
                self._match(order, out)
        return out

    def reject_next_order(self, code: int, message: str) -> None:
        self._reject_next = (code, message)

    def correct(
        self,
        broker_order_id: int,
        replaced: tuple[Decimal, Decimal],
        correction: tuple[Decimal, Decimal],
    ) -> SimOrder:
        """Fault injection: an execution of (quantity, price) `replaced` becomes
        `correction`. The order keeps its status; later fills see the corrected
        quantity."""
        order = self.orders[broker_order_id]
        order.filled += correction[0] - replaced[0]
        order.notional += correction[0] * correction[1] - replaced[0] * replaced[1]
        return order

    def hold(self, order: SimOrder, status: str) -> list[BrokerReport]:
        """Fault injection: takes an order no further than `status` ("Cancelled":
        refused; "Inactive": kept without being worked)."""
        order.perm_id = order.perm_id or self._new_perm_id()
        order.status = status
        self.orders[order.broker_order_id] = order
        return [self._status(order)]

    # -- order entry ----------------------------------------------------------------

    def place(self, order: SimOrder) -> list[BrokerReport]:
        out: list[BrokerReport] = []
        if self._reject_next is not None:
            code, message = self._reject_next
            self._reject_next = None
            order.perm_id = self._new_perm_id()
            order.status = "Cancelled"
            self.orders[order.broker_order_id] = order
            out.append(BrokerOrderError(order.broker_order_id, code, message))
            out.append(self._status(order))
            return out
        order.perm_id = order.perm_id or self._new_perm_id()
        self.orders[order.broker_order_id] = order
        if order.parent_id:
            parent = self.orders.get(order.parent_id)
            if parent is None or not (parent.working or parent.status == "Filled"):
                order.status = "Cancelled"
                out.append(
                    BrokerOrderError(
                        order.broker_order_id,
                        ORDER_REJECTED,
                        "Order rejected - reason: parent order is not working",
                    )
                )
                out.append(self._status(order))
                return out
            parent.children.append(order.broker_order_id)
        if self._oca_filled(order):
            # Its OCA group already has a filled member (e.g. a bracket's take-profit
            # that filled as it was placed): the order is cancelled, never live.
            order.status = "Cancelled"
            out.append(self._status(order))
            return out
        self._activate(order, out)
        return out

    def place_bracket(
        self, parent: SimOrder, take_profit: SimOrder, stop_loss: SimOrder
    ) -> list[BrokerReport]:
        """IB transmits a bracket as three orders; nothing is live before the last."""
        out = self.place(parent)
        if parent.status == "Cancelled":
            for child in (take_profit, stop_loss):
                child.perm_id = self._new_perm_id()
                child.status = "Cancelled"
                self.orders[child.broker_order_id] = child
                out.append(self._status(child))
            return out
        out += self.place(take_profit)
        out += self.place(stop_loss)
        return out

    def modify(
        self,
        broker_order_id: int,
        quantity: Decimal,
        limit_price: Decimal | None,
        stop_price: Decimal | None,
        time_in_force: TimeInForce,
    ) -> list[BrokerReport]:
        order = self.orders.get(broker_order_id)
        if order is None or not order.working:
            raise ExchangeError(CANNOT_MODIFY_FILLED, "Cannot modify a filled or cancelled order")
        if quantity <= order.filled:
            raise ExchangeError(
                ORDER_REJECTED, "Order rejected - reason: quantity not above filled"
            )
        order.quantity = quantity
        if not order.order_type.trails:
            # A trailing order's stop (and, once triggered, its limit) is the market's
            # doing: a modification re-sends the initial stop, which is history.
            order.limit_price = limit_price
            order.stop_price = stop_price
        order.time_in_force = time_in_force
        out: list[BrokerReport] = [self._status(order)]
        if self._is_active(order):
            self._match(order, out)
        return out

    def relink(self, broker_order_id: int, parent_id: int, oca_group: str) -> list[BrokerReport]:
        """Moves a working order to another parent (0: none) and OCA group ("": none),
        as IB does when a modification names others: a bracket child modified without
        its parentId leaves the bracket and works at once."""
        order = self.orders[broker_order_id]
        order.oca_group = oca_group
        if parent_id == order.parent_id:
            return []
        old = self.orders.get(order.parent_id)
        if old is not None and broker_order_id in old.children:
            old.children.remove(broker_order_id)
        order.parent_id = parent_id
        new = self.orders.get(parent_id)
        if new is not None:
            new.children.append(broker_order_id)
        out: list[BrokerReport] = []
        if order.working and self._is_active(order):
            self._activate(order, out)
        return out

    def cancel(self, broker_order_id: int, reason: str = "") -> list[BrokerReport]:
        order = self.orders.get(broker_order_id)
        if order is None:
            return [
                BrokerOrderError(
                    broker_order_id,
                    CANCEL_NOT_FOUND,
                    f"OrderId {broker_order_id} that needs to be cancelled is not found.",
                )
            ]
        if not order.working and order.status != "Inactive":
            return [
                BrokerOrderError(
                    broker_order_id,
                    CANCEL_NOT_CANCELLABLE,
                    "Cancel attempted when order is not in a cancellable state.",
                )
            ]
        out: list[BrokerReport] = []
        self._cancel(order, out)
        return out

    def cancel_all(self) -> list[BrokerReport]:
        out: list[BrokerReport] = []
        for order in self._working_orders():
            if order.working:
                self._cancel(order, out)
        return out

    def fill(
        self, broker_order_id: int, quantity: Decimal | None = None, price: Decimal | None = None
    ) -> list[BrokerReport]:
        """Trades a working order regardless of the market (test control)."""
        order = self.orders.get(broker_order_id)
        if order is None or not order.working:
            raise ExchangeError(CANCEL_NOT_CANCELLABLE, "order is not working")
        qty = order.remaining if quantity is None else quantity
        if qty <= 0 or qty > order.remaining:
            raise ExchangeError(ORDER_REJECTED, f"fill quantity must be in (0, {order.remaining}]")
        px = price if price is not None else (order.limit_price or self.price(order.symbol))
        out: list[BrokerReport] = []
        self._execute(order, qty, px, out)
        return out

    def end_of_day(self) -> list[BrokerReport]:
        """The closing auction, then DAY orders (and on-close orders left) expire."""
        out = self.closing_auction()
        for order in self._working_orders():
            if order.working and self._expires_today(order):
                self._cancel(order, out)
        return out

    def closing_auction(self) -> list[BrokerReport]:
        """MOC orders, and LOC orders whose limit the reference price meets, trade at
        the reference price (the close), as far as the available quantity goes."""
        out: list[BrokerReport] = []
        for order in self._working_orders():
            if not (order.order_type.at_close and order.working and self._is_active(order)):
                continue
            price = self.price(order.symbol)
            if order.limit_price is None or self._marketable(order, price):
                self._trade(order, price, out)
        return out

    def reset(self) -> list[BrokerReport]:
        out = self.cancel_all()
        self.prices.clear()
        self.available.clear()
        self._reject_next = None
        return out

    # -- internals ------------------------------------------------------------------

    def _expires_today(self, order: SimOrder) -> bool:
        tif = order.time_in_force
        if tif is TimeInForce.GTD:
            return order.good_till is not None and order.good_till <= self._clock()
        return tif in (TimeInForce.DAY, TimeInForce.OPG)

    @staticmethod
    def _trail(order: SimOrder, price: Decimal) -> None:
        """Moves an untriggered trailing stop after the market, never back."""
        if not order.order_type.trails or order.triggered:
            return
        stop = trailing_stop(order, price)
        if order.stop_price is None:
            order.stop_price = stop
        elif order.side is Side.SELL:
            order.stop_price = max(order.stop_price, stop)
        else:
            order.stop_price = min(order.stop_price, stop)

    def _working_orders(self) -> list[SimOrder]:
        return sorted(
            (o for o in self.orders.values() if o.working), key=lambda o: o.broker_order_id
        )

    def _new_perm_id(self) -> int:
        self._next_perm_id += 1
        return self._next_perm_id - 1

    def _oca_filled(self, order: SimOrder) -> bool:
        return bool(order.oca_group) and any(
            o.oca_group == order.oca_group and o.status == "Filled" and o is not order
            for o in self.orders.values()
        )

    def _is_active(self, order: SimOrder) -> bool:
        """Bracket children work only once their parent has completely filled."""
        if not order.parent_id:
            return True
        parent = self.orders.get(order.parent_id)
        return parent is not None and parent.status == "Filled"

    def _activate(self, order: SimOrder, out: list[BrokerReport]) -> None:
        if not self._is_active(order):
            order.status = "PreSubmitted"
            out.append(self._status(order))
            return
        if order.order_type.trails and order.stop_price is None:
            order.stop_price = trailing_stop(order, self.price(order.symbol))
        order.status = "PreSubmitted" if self._untriggered(order) else "Submitted"
        out.append(self._status(order))
        self._match(order, out)

    @staticmethod
    def _untriggered(order: SimOrder) -> bool:
        kind = order.order_type
        return (kind.waits_for_stop or kind.waits_for_touch) and not order.triggered

    @staticmethod
    def _marketable(order: SimOrder, price: Decimal) -> bool:
        limit = order.limit_price
        assert limit is not None
        return price <= limit if order.side is Side.BUY else price >= limit

    def _match(self, order: SimOrder, out: list[BrokerReport]) -> None:
        price = self.price(order.symbol)
        kind = order.order_type
        if kind.at_close:
            return  # trades in the closing auction only
        if self._untriggered(order):
            stop = order.stop_price
            assert stop is not None
            if kind.waits_for_stop:
                hit = price >= stop if order.side is Side.BUY else price <= stop
            else:
                hit = price <= stop if order.side is Side.BUY else price >= stop
            if not hit:
                self._expire_if_immediate(order, out)
                return
            order.triggered = True
            if kind is OrderType.TRAILING_STOP_LIMIT:
                offset = order.limit_offset or Decimal(0)
                order.limit_price = stop + offset if order.side is Side.BUY else stop - offset
            order.status = "Submitted"
            out.append(self._status(order))
        # Limit orders, stop-limits once triggered, and pegged orders with a cap.
        if order.limit_price is not None and not self._marketable(order, price):
            self._expire_if_immediate(order, out)
            return
        self._trade(order, price, out)

    def _trade(self, order: SimOrder, price: Decimal, out: list[BrokerReport]) -> None:
        """Executes what the available quantity allows: an iceberg a shown slice at a
        time; then IOC and FOK end."""
        available = self.available.get(order.symbol)
        quantity = order.remaining if available is None else min(order.remaining, available)
        if order.time_in_force is TimeInForce.FOK and quantity < order.remaining:
            self._cancel(order, out)
            return
        if available is not None:
            self.available[order.symbol] = available - quantity
        while quantity > 0 and order.working:
            piece = min(quantity, order.display_size or quantity)
            self._execute(order, piece, price, out)
            quantity -= piece
        if order.working and order.time_in_force in (TimeInForce.IOC, TimeInForce.FOK):
            self._cancel(order, out)

    def _expire_if_immediate(self, order: SimOrder, out: list[BrokerReport]) -> None:
        if order.time_in_force in (TimeInForce.IOC, TimeInForce.FOK) and self._is_active(order):
            self._cancel(order, out)

    def _execute(
        self, order: SimOrder, quantity: Decimal, price: Decimal, out: list[BrokerReport]
    ) -> None:
        order.filled += quantity
        order.notional += quantity * price
        exec_id = f"{self._session_tag}.{self._next_exec:08d}.01.01"
        self._next_exec += 1
        out.append(
            BrokerExecution(
                execution_id=exec_id,
                broker_order_id=order.broker_order_id,
                perm_id=order.perm_id,
                order_ref=order.order_ref,
                side=order.side,
                quantity=quantity,
                price=price,
                time=self._clock(),
                exchange="SIM",
                cumulative_quantity=order.filled,
                average_price=order.average_price,
            )
        )
        if order.remaining == 0:
            order.status = "Filled"
        out.append(self._status(order))
        out.append(BrokerCommission(exec_id, self._commission(quantity, price), order.currency))
        if order.oca_group:
            self._reduce_oca_group(order, quantity, out)
        if order.status == "Filled":
            for child_id in order.children:
                child = self.orders[child_id]
                if child.working:
                    self._activate(child, out)

    def _reduce_oca_group(
        self, filled: SimOrder, quantity: Decimal, out: list[BrokerReport]
    ) -> None:
        """One-cancels-all: a member that completes cancels the others; a partial fill
        shrinks them by the same quantity, so that together they never trade more than
        one of them would."""
        for other in self._working_orders():
            if other.oca_group != filled.oca_group or other is filled:
                continue
            if filled.status != "Filled":
                other.quantity = max(other.quantity - quantity, other.filled)
            if filled.status == "Filled" or other.remaining == 0:
                self._cancel(other, out)
            else:
                out.append(self._status(other))

    def _cancel(self, order: SimOrder, out: list[BrokerReport]) -> None:
        order.status = "Cancelled"
        out.append(self._status(order))
        for child_id in order.children:
            child = self.orders[child_id]
            if child.working:
                self._cancel(child, out)

    def _status(self, order: SimOrder) -> BrokerOrderStatus:
        return BrokerOrderStatus(
            broker_order_id=order.broker_order_id,
            status=order.status,
            filled=order.filled,
            remaining=order.remaining
            if order.status not in ("Cancelled", "Filled")
            else Decimal(0),
            average_fill_price=order.average_price,
            perm_id=order.perm_id,
        )
