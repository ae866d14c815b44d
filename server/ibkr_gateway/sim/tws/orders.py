"""The order desk: what the simulator does with placeOrder and cancelOrder.

It turns wire orders into `SimOrder`s, holds untransmitted bracket legs until the leg
with transmit=1 arrives, tells a modify from a new order, and keeps for each order the
client that owns it and the wire fields to echo back.

Order ids are per client id, as at IB, so the exchange gets ids of its own: everything
here is keyed by exchange id, and `(client id, order id)` finds it. OCA group names are
per client too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ibkr_gateway.broker import BrokerOrderError, BrokerReport
from ibkr_gateway.order.models import OrderType, Side
from ibkr_gateway.sim.exchange import (
    CANCEL_NOT_FOUND,
    ExchangeError,
    SimOrder,
    SimulatedExchange,
)
from ibkr_gateway.sim.tws.contracts import con_id_for
from ibkr_gateway.sim.tws.order_messages import OrderView
from ibkr_gateway.sim.tws.order_rules import (
    ORDER_TYPES,
    TIMES_IN_FORCE,
    Rejection,
    validate,
)
from ibkr_gateway.sim.tws.outgoing import MODIFY_MISMATCH, ib_time
from ibkr_gateway.sim.tws.place_order import PlaceOrder, WireContract, WireOrder

FINAL = ("Filled", "Cancelled")
# A parentId that names no order: the exchange rejects the child ("parent not working").
_UNKNOWN_PARENT = -1

Key = tuple[int, int]  # (client id, the client's order id)


@dataclass
class OrderRecord:
    client_id: int
    order_id: int
    contract: WireContract
    order: WireOrder
    last_reported: tuple[str, Decimal] = ("", Decimal(0))
    last_fill_price: Decimal = Decimal(0)
    completed_time: str = ""


@dataclass
class DeskResult:
    """Exchange reports to translate, plus errors about the request itself (carrying
    the client's order id) for the client that sent it."""

    reports: list[BrokerReport] = dataclasses.field(default_factory=list)
    errors: list[BrokerOrderError] = dataclasses.field(default_factory=list)
    modified: set[int] = dataclasses.field(default_factory=set)
    # Exchange ids whose refusal is among `errors`: their Cancelled gets no 202.
    refused: set[int] = dataclasses.field(default_factory=set)
    # Seconds to hold `reports` back after `errors` are sent.
    reports_after: float = 0.0


class OrderDesk:
    def __init__(
        self, exchange: SimulatedExchange, account: str, clock: Callable[[], datetime]
    ) -> None:
        self.exchange = exchange
        self.account = account
        self._clock = clock
        self.records: dict[int, OrderRecord] = {}  # by exchange id
        self._ids: dict[Key, int] = {}
        self._staged: dict[Key, PlaceOrder] = {}
        self._next_exchange_id = 1
        # Above every order id any client used: safe for every client to start from.
        self.next_order_id = 1
        # Fault injection: the next modification is refused with this error.
        self.refuse_next_modify: tuple[int, str] | None = None
        # Fault injection: the next new order is answered (see `answer_next_order`).
        self.answer_next: tuple[int, str, str, float] | None = None

    # -- requests -------------------------------------------------------------------

    def place(self, client_id: int, request: PlaceOrder) -> DeskResult:
        key = (client_id, request.order_id)
        self.next_order_id = max(self.next_order_id, request.order_id + 1)
        result = DeskResult()
        try:
            validate(request, self.account)
            if key in self._ids and self.refuse_next_modify is not None:
                code, message = self.refuse_next_modify
                self.refuse_next_modify = None
                raise Rejection(code, message)
            if key in self._ids:
                self._modify(self._ids[key], request, result)
            elif not request.order.transmit:
                self._staged[key] = request
            elif self.answer_next is not None:
                self._answer(client_id, request, result)
            else:
                self._transmit(client_id, request, result)
        except Rejection as rejection:
            error = BrokerOrderError(request.order_id, rejection.code, rejection.message)
            result.errors.append(error)
        return result

    def answer_next_order(
        self, code: int, message: str, *, then: str = "", after: float = 0.0
    ) -> None:
        """Fault injection: answers the next new order with error `code` (none when
        0), then, `after` seconds later, with the status `then`: "" none (IB never took
        the order), "Cancelled" (refused), "Inactive" (kept, not worked), anything
        else: the order is worked as usual, the error was only a warning."""
        self.answer_next = (code, message, then, after)

    def cancel(self, client_id: int, order_id: int) -> DeskResult:
        key = (client_id, order_id)
        if key in self._staged:
            # Never transmitted: nothing at the exchange to cancel; its legs go with it.
            for k in [k for k, p in self._staged.items() if k[0] == client_id]:
                if k == key or self._staged[k].order.parent_id == order_id:
                    del self._staged[k]
            return DeskResult()
        if key not in self._ids:
            text = f"OrderId {order_id} that needs to be cancelled is not found."
            return DeskResult(errors=[BrokerOrderError(order_id, CANCEL_NOT_FOUND, text)])
        return DeskResult(self.exchange.cancel(self._ids[key]))

    def cancel_all(self, client_id: int) -> DeskResult:
        self.drop_client(client_id)
        return DeskResult(self.exchange.cancel_all())

    def drop_client(self, client_id: int) -> None:
        """Untransmitted legs die with the session that sent them."""
        for key in [k for k in self._staged if k[0] == client_id]:
            del self._staged[key]

    def forget(self, keys: list[Key] | None = None) -> None:
        """Fault injection: TWS no longer knows these orders (all when None), open or
        completed: they stop trading, are listed nowhere, and a cancel gets 10147. Their
        executions are still reported (IB keeps them on its servers)."""
        chosen = set(self._ids) if keys is None else set(keys)
        for key in chosen:
            exchange_id = self._ids.pop(key)
            self.records.pop(exchange_id, None)
            order = self.exchange.orders.pop(exchange_id, None)
            parent = self.exchange.orders.get(order.parent_id) if order is not None else None
            if parent is not None and exchange_id in parent.children:
                parent.children.remove(exchange_id)
        if keys is None:
            self._staged.clear()

    def resolve(self, order_id: int, client_id: int | None = None) -> int:
        """The exchange id of a client's order; the client id may be left out when
        only one client used that order id."""
        found = [
            exchange_id
            for (client, oid), exchange_id in self._ids.items()
            if oid == order_id and client_id in (None, client)
        ]
        if len(found) != 1:
            who = "any client" if client_id is None else f"client {client_id}"
            raise KeyError(f"{len(found)} orders with id {order_id} from {who}")
        return found[0]

    # -- market ---------------------------------------------------------------------

    def set_price(
        self, symbol: str, price: Decimal, available: Decimal | None
    ) -> list[BrokerReport]:
        return self.exchange.set_price(symbol, price, available)

    def end_of_day(self) -> list[BrokerReport]:
        reports = self.exchange.end_of_day()
        today = self._clock().strftime("%Y%m%d")
        for exchange_id, record in sorted(self.records.items()):
            sim = self.exchange.orders.get(exchange_id)
            expired = record.order.tif == "GTD" and record.order.good_till_date[:8] <= today
            if expired and sim is not None and sim.working:
                reports += self.exchange.cancel(exchange_id)
        return reports

    # -- what clients are told --------------------------------------------------------

    def view(self, exchange_id: int, status: str | None = None) -> OrderView | None:
        record = self.records.get(exchange_id)
        sim = self.exchange.orders.get(exchange_id)
        if record is None or sim is None:
            return None
        kind = ORDER_TYPES[record.order.order_type]
        # auxPrice of these is the client's distance or offset, not a price the
        # exchange keeps.
        aux_as_sent = kind.trails or kind.pegged
        parent = self.exchange.orders.get(sim.parent_id) if sim.parent_id else None
        return OrderView(
            order_id=record.order_id,
            client_id=record.client_id,
            perm_id=sim.perm_id,
            contract=record.contract,
            order=record.order,
            total_quantity=sim.quantity,
            lmt_price=sim.limit_price,
            aux_price=record.order.aux_price if aux_as_sent else sim.stop_price,
            trail_stop_price=sim.stop_price if kind.trails else None,
            status=status or sim.status,
            filled=sim.filled,
            remaining=sim.remaining if sim.working else Decimal(0),
            avg_fill_price=sim.average_price,
            last_fill_price=record.last_fill_price,
            parent_perm_id=parent.perm_id if parent else 0,
            completed_time=record.completed_time,
        )

    def open_views(self, client_id: int | None) -> list[OrderView]:
        return [
            v
            for exchange_id, record in sorted(self.records.items())
            if client_id is None or record.client_id == client_id
            if self.exchange.orders[exchange_id].working
            if (v := self.view(exchange_id)) is not None
        ]

    def completed_views(self) -> list[OrderView]:
        return [
            v
            for exchange_id in sorted(self.records)
            if self.exchange.orders[exchange_id].status in FINAL
            if (v := self.view(exchange_id)) is not None
        ]

    def mark_reported(self, exchange_id: int, status: str) -> bool:
        """Records a status; True when it or the quantity is new, which TWS announces
        with an openOrder (an OCA fill shrinks the other members' quantity)."""
        record = self.records[exchange_id]
        if status in FINAL and not record.completed_time:
            record.completed_time = ib_time(self._clock())
        reported = (status, self.exchange.orders[exchange_id].quantity)
        changed = reported != record.last_reported
        record.last_reported = reported
        return changed

    # -- internals ------------------------------------------------------------------

    def _modify(self, exchange_id: int, request: PlaceOrder, result: DeskResult) -> None:
        record = self.records[exchange_id]
        old, new = record.order, request.order
        if (
            request.contract.symbol != record.contract.symbol
            or new.action != old.action
            or new.order_type != old.order_type
        ):
            raise Rejection(MODIFY_MISMATCH, "Order being modified does not match original order")
        sim = self._sim_order(record.client_id, request, exchange_id)
        try:
            result.reports += self.exchange.modify(
                exchange_id, sim.quantity, sim.limit_price, sim.stop_price, sim.time_in_force
            )
        except ExchangeError as exc:
            raise Rejection(exc.code, exc.message) from exc
        # IB takes a modification as the whole order: the parent and OCA group it names
        # replace the old ones. A child that keeps its parent keeps the bracket's own
        # one-cancels-all link, which the client never named.
        current = self.exchange.orders[exchange_id]
        parent = max(sim.parent_id, 0)
        kept = parent != 0 and parent == current.parent_id
        oca = sim.oca_group or (current.oca_group if kept and not old.oca_group else "")
        if parent != current.parent_id or oca != current.oca_group:
            result.reports += self.exchange.relink(exchange_id, parent, oca)
        record.order = new
        result.modified.add(exchange_id)

    def _answer(self, client_id: int, request: PlaceOrder, result: DeskResult) -> None:
        assert self.answer_next is not None
        code, message, then, after = self.answer_next
        self.answer_next = None
        if code:
            result.errors.append(BrokerOrderError(request.order_id, code, message))
        result.reports_after = after
        if not then:
            return
        if then not in ("Cancelled", "Inactive"):
            self._transmit(client_id, request, result)
            return
        exchange_id = self._register(client_id, request)
        result.reports += self.exchange.hold(self._sim_order(client_id, request, exchange_id), then)
        result.refused.add(exchange_id)

    def _transmit(self, client_id: int, request: PlaceOrder, result: DeskResult) -> None:
        """Sends a group to the exchange: the order itself, or, when it completes a
        bracket, the staged parent and every staged child of it."""
        key = (client_id, request.order_id)
        parent_key = (client_id, request.order.parent_id)
        root_key = parent_key if parent_key in self._staged else key
        members = {key: request}
        if root_key != key:
            members[root_key] = self._staged.pop(root_key)
        for k, staged in list(self._staged.items()):
            if k[0] == client_id and staged.order.parent_id == root_key[1]:
                members[k] = self._staged.pop(k)
        self._staged.pop(key, None)
        ids = {k: self._register(client_id, members[k]) for k in sorted(members)}
        sims = {k: self._sim_order(client_id, members[k], ids[k]) for k in sorted(members)}
        root = sims.pop(root_key)
        children = list(sims.values())
        if len(children) > 1:
            for child in children:
                # A bracket's children are one-cancels-all at IB even when the client
                # names no OCA group; the name stays internal (openOrder echoes "").
                child.oca_group = child.oca_group or f"{client_id}/bracket:{root_key[1]}"
        if len(children) == 2:
            result.reports += self.exchange.place_bracket(root, children[0], children[1])
            return
        result.reports += self.exchange.place(root)
        for child in children:
            result.reports += self.exchange.place(child)

    def _register(self, client_id: int, request: PlaceOrder) -> int:
        contract = request.contract
        if not contract.con_id:
            # The conId reqContractDetails gives out, so that a qualified and an
            # unqualified order make one position.
            con_id = con_id_for(
                contract.symbol,
                contract.sec_type,
                contract.last_trade_date,
                contract.strike,
                contract.right,
            )
            contract = dataclasses.replace(contract, con_id=con_id)
        exchange_id = self._next_exchange_id
        # The exchange may be shared with other front doors: skip ids they used.
        while exchange_id in self.exchange.orders or exchange_id in self.records:
            exchange_id += 1
        self._next_exchange_id = exchange_id + 1
        self._ids[(client_id, request.order_id)] = exchange_id
        record = OrderRecord(client_id, request.order_id, contract, request.order)
        self.records[exchange_id] = record
        return exchange_id

    def _sim_order(self, client_id: int, request: PlaceOrder, exchange_id: int) -> SimOrder:
        o, c = request.order, request.contract
        kind = ORDER_TYPES[o.order_type]
        side = Side(o.action)
        trailing = kind.trails
        # A trailing stop starts at trailStopPrice, or where the exchange puts it.
        stop = o.trail_stop_price if trailing else (o.aux_price if kind.needs_stop_price else None)
        # A pegged order's lmtPrice is its cap; a trailing stop-limit's limit comes
        # from its stop when it triggers.
        has_limit = kind.needs_limit_price or kind.pegged
        parent = 0
        if o.parent_id:
            parent = self._ids.get((client_id, o.parent_id), _UNKNOWN_PARENT)
        return SimOrder(
            broker_order_id=exchange_id,
            order_ref=o.order_ref,
            account=o.account or self.account,
            symbol=c.symbol,
            currency=c.currency or "USD",
            side=side,
            quantity=o.total_quantity,
            order_type=kind,
            limit_price=o.lmt_price if has_limit else None,
            stop_price=stop,
            time_in_force=TIMES_IN_FORCE[o.tif],
            parent_id=parent,
            oca_group=f"{client_id}/{o.oca_group}" if o.oca_group else "",
            trailing_amount=o.aux_price if trailing and o.trailing_percent is None else None,
            trailing_percent=o.trailing_percent if trailing else None,
            limit_offset=o.lmt_price_offset if kind is OrderType.TRAILING_STOP_LIMIT else None,
            display_size=Decimal(o.display_size) if o.display_size > 0 else None,
        )
