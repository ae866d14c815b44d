"""`TwsSimulator`: the simulated exchange behind the TWS socket protocol.

Drive the market through the simulator (`set_price`, `fill`, `end_of_day`), not the
exchange directly: the simulator logs executions and routes reports to the session that
owns each order as they pass, and reports of a client that is not connected are
dropped, to be recovered with reqOpenOrders / reqCompletedOrders / reqExecutions.

Control: `hold(symbol, quantity, average_cost)` sets a position held besides the
executions (from before, or traded elsewhere), behind every client's back.

Fault injection: `drop_connections()`, `commission_delay`, `report_delay` (every order
report late, the trade counted in positions at once), `drop_commissions`,
`refuse_next_what_if`, `commission_first`, `duplicate_status`, `reorder_status`,
`reject_next(code, message)`, `answer_next_order(code, message, then=status, after=seconds)`,
`correct_execution(exec_id, quantity=, price=, commission=)`, `link_down()` and
`restore_link(data_lost=)` (1100, then 1101 or 1102), `restart(forget_orders=)` (TWS or
IB Gateway restarts: connections drop, the order id counter starts again at 1, and IB may
no longer know the orders), `forget_order` (one order), `drop_on_next_order` (the connection
breaks as an order arrives, which never reaches the exchange), and a second connection
with a client id in use (error 326, closed); `busy_client_ids` holds ids as in use with
no connection behind them (an old session TWS has not let go of yet); `ignore` leaves
the requests it picks unanswered.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ibkr_gateway.broker import BrokerCommission, BrokerReport
from ibkr_gateway.order.models import execution_revision
from ibkr_gateway.sim.exchange import SimOrder, SimulatedExchange
from ibkr_gateway.sim.tws import outgoing
from ibkr_gateway.sim.tws.executions import ExecutionLog
from ibkr_gateway.sim.tws.executions import Position as ExecutionPosition
from ibkr_gateway.sim.tws.incoming import (
    QUERIES,
    CancelOrder,
    GlobalCancel,
    ReqAutoOpenOrders,
    ReqCompletedOrders,
    ReqCurrentTime,
    ReqExecutions,
    ReqIds,
    ReqOpenOrders,
    Request,
    StartApi,
    Unhandled,
)
from ibkr_gateway.sim.tws.order_messages import OrderView, completed_order, open_order
from ibkr_gateway.sim.tws.order_rules import Rejection, validate
from ibkr_gateway.sim.tws.orders import DeskResult, OrderDesk
from ibkr_gateway.sim.tws.outgoing import Kind, Out
from ibkr_gateway.sim.tws.place_order import PlaceOrder, WireContract
from ibkr_gateway.sim.tws.queries import QueryDesk
from ibkr_gateway.sim.tws.reports import (
    ReportTranslator,
    Routed,
    commissions_first,
    reorder_statuses,
)
from ibkr_gateway.sim.tws.session import ClientSession
from ibkr_gateway.sim.tws.what_if import what_if_state

log = logging.getLogger(__name__)

DEFAULT_ACCOUNT = "DU123456"


def status_message(v: OrderView) -> Out:
    return outgoing.order_status(
        v.order_id,
        v.status,
        v.filled,
        v.remaining,
        v.avg_fill_price,
        v.perm_id,
        v.order.parent_id,
        v.last_fill_price,
        v.client_id,
    )


class TwsSimulator:
    def __init__(
        self,
        exchange: SimulatedExchange | None = None,
        *,
        account: str = DEFAULT_ACCOUNT,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        tag = f"{int(time.time() * 1000):012x}"
        self.exchange = exchange or SimulatedExchange(session_tag=tag)
        self.account = account
        self._clock = clock or (lambda: datetime.now(UTC))
        self.desk = OrderDesk(self.exchange, account, self._clock)
        self.executions = ExecutionLog()
        self._translator = ReportTranslator(self.desk, self.executions)
        # Contracts, account, positions and quotes; `queries.contracts` lists what
        # exists, `queries.live_data` and `queries.account_book.starting_cash` set up
        # the account.
        self.queries = QueryDesk(self.exchange, self.executions, account, self._clock)
        self._server: asyncio.Server | None = None
        self._port = 0
        self._connections: set[ClientSession] = set()
        self._clients: dict[int, ClientSession] = {}
        self._sessions: set[asyncio.Task[Any]] = set()
        self._late: set[asyncio.Task[None]] = set()
        # Fault injection, read as each message goes out.
        self.commission_delay = 0.0
        self.drop_commissions = False
        self.duplicate_status = False
        self.reorder_status = False
        self.drop_on_next_order = False
        self.commission_first = False
        # Seconds every report of an order (execDetails, statuses, commissions) waits
        # before it goes out, while positions and the account count the trade at once.
        self.report_delay = 0.0
        # The next what-if order is answered with this error (code, text).
        self.refuse_next_what_if: tuple[int, str] | None = None
        self.busy_client_ids: set[int] = set()
        # Requests TWS leaves unanswered while this returns True for them.
        self.ignore: Callable[[Request], bool] | None = None
        # While TWS's link to IB is down: what each client would have been sent.
        self._link_down = False
        self._held: dict[int, list[Out]] = {}

    # -- lifecycle ------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._server = await asyncio.start_server(self._on_connect, host, port)
        self._port = self._server.sockets[0].getsockname()[1]
        return self._port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for session in list(self._connections):
            session.abort()
        for task in self._late:
            task.cancel()
        # Session tasks are not cancelled: asyncio's stream callback (3.11) would raise
        # on a cancelled one. Aborted sockets end them at their next read.
        await asyncio.gather(*self._sessions, *self._late, return_exceptions=True)

    @property
    def port(self) -> int:
        return self._port

    @property
    def client_ids(self) -> list[int]:
        return sorted(self._clients)

    # -- market control and faults ----------------------------------------------------

    def set_price(
        self, symbol: str, price: Decimal | str, available: Decimal | str | None = None
    ) -> list[BrokerReport]:
        """Moves the market; returns the exchange's reports (already sent to clients)."""
        amount = None if available is None else Decimal(available)
        return self._publish(self.desk.set_price(symbol, Decimal(price), amount))

    def fill(
        self,
        order_id: int,
        quantity: Decimal | str | None = None,
        price: Decimal | str | None = None,
        *,
        client_id: int | None = None,
    ) -> list[BrokerReport]:
        """Trades a client's working order regardless of the market (all of what is
        left unless `quantity`); ExchangeError if it is not working. `client_id` is
        needed only when several clients used this order id."""
        qty = None if quantity is None else Decimal(quantity)
        px = None if price is None else Decimal(price)
        return self._publish(self.exchange.fill(self.desk.resolve(order_id, client_id), qty, px))

    def exchange_order(self, order_id: int, client_id: int | None = None) -> SimOrder:
        """The exchange's state of a client's order (test inspection)."""
        return self.exchange.orders[self.desk.resolve(order_id, client_id)]

    def end_of_day(self) -> list[BrokerReport]:
        """Runs the closing auction (MOC and LOC orders), then cancels DAY and OPG
        orders, and GTD orders whose date has come; today's prices become the close."""
        self.queries.end_of_day()
        return self._publish(self.desk.end_of_day())

    def reset(self) -> list[BrokerReport]:
        """Cancels every working order and forgets prices and pending rejections."""
        return self._publish(self.exchange.reset())

    def hold(
        self,
        symbol: str,
        quantity: Decimal | str,
        average_cost: Decimal | str,
        *,
        account: str | None = None,
    ) -> None:
        """Control: the account holds `quantity` of a listed stock besides what the
        simulator executed (held before, or traded on another platform): reqPositions
        and the account's figures count it, and no client is told. 0 removes it."""
        found = self.queries.contracts.find(WireContract(symbol=symbol))
        if len(found) != 1:
            raise KeyError(f"{len(found)} listings match {symbol!r}")
        self.executions.hold(
            ExecutionPosition(
                account or self.account,
                found[0].wire(),
                Decimal(quantity),
                Decimal(average_cost),
            )
        )
        self.queries.refresh()

    def reject_next(self, code: int, message: str) -> None:
        self.exchange.reject_next_order(code, message)

    def correct_execution(
        self,
        exec_id: str,
        *,
        quantity: Decimal | str | None = None,
        price: Decimal | str | None = None,
        commission: Decimal | str | None = None,
    ) -> str:
        """Fault injection: sends a correction of an execution (IB's: the same id with
        the part after the last period counted up) with a new quantity, price and
        commission (each as before unless given). Returns the correction's id."""
        entry = self.executions.get(exec_id)
        while entry.corrected_by:
            entry = self.executions.get(entry.corrected_by)
        old = entry.view
        execution, revision = execution_revision(old.exec_id)
        new_id = f"{execution}.{int(revision) + 1:0{len(revision)}d}"
        shares = old.shares if quantity is None else Decimal(quantity)
        px = old.price if price is None else Decimal(price)
        order = self.exchange.correct(
            self.desk.resolve(old.order_id, old.client_id), (old.shares, old.price), (shares, px)
        )
        view = dataclasses.replace(
            old,
            exec_id=new_id,
            shares=shares,
            price=px,
            cum_qty=order.filled,
            avg_price=order.average_price,
            time=self._clock(),
        )
        self.executions.correct(old.exec_id, view)
        if commission is not None:
            charged = Decimal(commission)
        else:
            charged = entry.commission.commission if entry.commission else Decimal(0)
        currency = entry.commission.currency if entry.commission else "USD"
        self.executions.set_commission(BrokerCommission(new_id, charged, currency))
        report = outgoing.commission_report(new_id, charged, currency, old.order_id)
        self._deliver(
            [
                Routed(old.client_id, outgoing.exec_details(-1, view)),
                Routed(old.client_id, report),
            ]
        )
        return new_id

    def answer_next_order(
        self, code: int, message: str, *, then: str = "", after: float = 0.0
    ) -> None:
        """Answers the next new order with an error of any code (none when 0) and,
        `after` seconds later, the status `then`; see `OrderDesk.answer_next_order`."""
        self.desk.answer_next_order(code, message, then=then, after=after)

    def drop_connections(self) -> None:
        for session in list(self._connections):
            session.abort()

    def restart(self, *, forget_orders: bool = False) -> None:
        """Fault injection: TWS / IB Gateway restarts. Every connection drops and the
        order id counter starts again at 1; with `forget_orders` no order is known any
        more, open or completed (their executions are still reported)."""
        self.drop_connections()
        if forget_orders:
            self.desk.forget()
        self.desk.next_order_id = 1

    def forget_order(self, order_id: int, client_id: int) -> None:
        """Fault injection: TWS loses one client's order without telling anyone."""
        self.desk.forget([(client_id, order_id)])

    def link_down(self) -> None:
        """Fault injection: TWS loses its link to IB (1100). Until `restore_link`, the
        market goes on but clients are sent nothing about their orders."""
        self._link_down = True
        self._broadcast(
            outgoing.LINK_LOST, "Connectivity between IB and Trader Workstation has been lost."
        )

    def restore_link(self, *, data_lost: bool) -> None:
        """Ends `link_down`: with 1102 TWS then sends what it held back; with 1101 it
        is lost, to be asked for again."""
        self._link_down = False
        held, self._held = self._held, {}
        if data_lost:
            self._broadcast(
                outgoing.LINK_RESTORED_DATA_LOST,
                "Connectivity between IB and Trader Workstation has been restored - data lost.",
            )
            return
        self._broadcast(
            outgoing.LINK_RESTORED_DATA_KEPT,
            "Connectivity between IB and Trader Workstation has been restored - data maintained.",
        )
        for client_id, messages in held.items():
            session = self._clients.get(client_id)
            if session is not None:
                session.send(messages)

    def _broadcast(self, code: int, text: str) -> None:
        for session in list(self._clients.values()):
            session.send([outgoing.error(outgoing.NO_REQUEST_ID, code, text)])

    # -- sessions (SessionHost) ---------------------------------------------------------

    def attach(self, session: ClientSession) -> bool:
        assert session.client_id is not None
        if session.client_id in self._clients or session.client_id in self.busy_client_ids:
            return False
        self._clients[session.client_id] = session
        return True

    def detach(self, session: ClientSession) -> None:
        self._connections.discard(session)
        if session.client_id is not None and self._clients.get(session.client_id) is session:
            del self._clients[session.client_id]
            self.desk.drop_client(session.client_id)
        self.queries.drop(session)

    def next_valid_id(self) -> int:
        return self.desk.next_order_id

    def handle(self, session: ClientSession, request: Request) -> None:
        client = session.client_id
        assert client is not None
        if self.ignore is not None and self.ignore(request):
            log.info("tws-sim: leaving %r from client %s unanswered", request, client)
        elif isinstance(request, PlaceOrder) and request.order.what_if:
            session.send(self._what_if(client, request))
        elif isinstance(request, PlaceOrder) and self.drop_on_next_order:
            # An order in transit when the link breaks: the client wrote it, TWS never
            # read it, and every later message on that socket is lost with it.
            self.drop_on_next_order = False
            session.abort()
        elif isinstance(request, PlaceOrder):
            self._apply(client, self.desk.place(client, request))
        elif isinstance(request, CancelOrder):
            self._apply(client, self.desk.cancel(client, request.order_id))
        elif isinstance(request, GlobalCancel):
            self._apply(client, self.desk.cancel_all(client))
        elif isinstance(request, ReqExecutions):
            self._answer_executions(session, client, request)
        elif isinstance(request, QUERIES):
            self.queries.handle(session, request)
        elif isinstance(request, Unhandled):
            log.info("tws-sim: ignoring message id %s from client %s", request.message_id, client)
        elif isinstance(request, ReqAutoOpenOrders):
            log.info("tws-sim: reqAutoOpenOrders(%s) from client %s", request.auto_bind, client)
        elif not isinstance(request, StartApi):  # the session answers startApi itself
            session.send(self._answer(client, request))

    def _answer(self, client: int, request: Request) -> list[Out]:
        """Answers to queries, each ending with its end marker where it has one
        (ib_async's connect waits for every one of them)."""
        if isinstance(request, ReqIds):
            return [outgoing.next_valid_id(self.desk.next_order_id)]
        if isinstance(request, ReqCurrentTime):
            return [outgoing.current_time(int(self._clock().timestamp()))]
        if isinstance(request, ReqOpenOrders):
            views = self.desk.open_views(None if request.all_clients else client)
            pairs = [m for v in views for m in (open_order(v), status_message(v))]
            return [*pairs, outgoing.open_order_end()]
        if isinstance(request, ReqCompletedOrders):
            views = self.desk.completed_views()
            return [*map(completed_order, views), outgoing.completed_orders_end()]
        raise AssertionError(f"no answer for {request!r}")

    def _what_if(self, client: int, request: PlaceOrder) -> list[Out]:
        """The openOrder answering a what-if order, or the error refusing it."""
        self.desk.next_order_id = max(self.desk.next_order_id, request.order_id + 1)
        try:
            validate(request, self.account)
            if self.refuse_next_what_if is not None:
                refusal, self.refuse_next_what_if = self.refuse_next_what_if, None
                raise Rejection(*refusal)
        except Rejection as rejection:
            return [outgoing.error(request.order_id, rejection.code, rejection.message)]
        o = request.order
        state = what_if_state(
            request,
            o.account or self.account,
            self.queries.account_book.snapshot(),
            self.executions.positions(),
            self.exchange.price(request.contract.symbol),
        )
        view = OrderView(
            order_id=request.order_id,
            client_id=client,
            perm_id=0,
            contract=request.contract,
            order=o,
            total_quantity=o.total_quantity,
            lmt_price=o.lmt_price,
            aux_price=o.aux_price,
            trail_stop_price=o.trail_stop_price,
            status="PreSubmitted",
            filled=Decimal(0),
            remaining=o.total_quantity,
            what_if=state,
        )
        return [open_order(view)]

    # -- internals ------------------------------------------------------------------

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = ClientSession(self, reader, writer)
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        self._connections.add(session)
        try:
            await session.run()
        except Exception:
            # A bug here must not pass silently as an unretrieved task exception.
            log.exception("tws-sim: session %r failed", session)
            session.abort()
        finally:
            self._sessions.discard(task)

    def _answer_executions(
        self, session: ClientSession, client: int, request: ReqExecutions
    ) -> None:
        messages: list[Out] = []
        for entry in self.executions.matching(client, request.filter):
            messages.append(outgoing.exec_details(request.req_id, entry.view))
            if entry.commission is not None and not self.drop_commissions:
                c = entry.commission
                messages.append(
                    outgoing.commission_report(
                        c.execution_id, c.commission, c.currency, entry.view.order_id
                    )
                )
        session.send([*messages, outgoing.exec_details_end(request.req_id)])

    def _apply(self, client: int, result: DeskResult) -> None:
        routed = [
            Routed(client, outgoing.error(e.broker_order_id, e.code, e.message))
            for e in result.errors
        ]
        reports = self._translator.translate(
            result.reports, modified=result.modified, refused=result.refused
        )
        delay = max(result.reports_after, self.report_delay if reports else 0.0)
        if delay > 0:
            self._deliver(routed)
            self._deliver_later(reports, delay)
        else:
            self._deliver(routed + reports)

    def _publish(self, reports: Sequence[BrokerReport]) -> list[BrokerReport]:
        routed = self._translator.translate(reports)
        if self.report_delay > 0:
            self._deliver_later(routed, self.report_delay)
            self.queries.refresh()
        else:
            self._deliver(routed)
        return list(reports)

    def _deliver(self, routed: list[Routed]) -> None:
        by_client: dict[int, list[Out]] = {}
        for r in routed:
            by_client.setdefault(r.client_id, []).append(r.out)
        for client_id, messages in by_client.items():
            session = self._clients.get(client_id)
            if session is None:
                log.debug(
                    "tws-sim: client %s is not connected; %d messages dropped",
                    client_id,
                    len(messages),
                )
                continue
            if self._link_down:
                self._held.setdefault(client_id, []).extend(messages)
                continue
            if self.reorder_status:
                messages = reorder_statuses(messages)
            if self.commission_first:
                messages = commissions_first(messages)
            late = [m for m in messages if m.kind is Kind.COMMISSION]
            if late and (self.drop_commissions or self.commission_delay > 0):
                messages = [m for m in messages if m.kind is not Kind.COMMISSION]
                if not self.drop_commissions:
                    self._send_later(session, late, self.commission_delay)
            session.send(messages)
        # After the reports: quotes, positions and account values follow the trade.
        self.queries.refresh()

    def _deliver_later(self, routed: list[Routed], delay: float) -> None:
        async def deliver() -> None:
            await asyncio.sleep(delay)
            self._deliver(routed)

        task = asyncio.get_running_loop().create_task(deliver(), name="tws-sim late reports")
        self._late.add(task)
        task.add_done_callback(self._late.discard)

    def _send_later(self, session: ClientSession, messages: list[Out], delay: float) -> None:
        async def send() -> None:
            await asyncio.sleep(delay)
            session.send(messages)

        task = asyncio.get_running_loop().create_task(send(), name="tws-sim late commission")
        self._late.add(task)
        task.add_done_callback(self._late.discard)
