"""IBGateway: the BrokerPort on a real IB Gateway / TWS, through ib_async.

The gateway listens to IB's raw messages (orderStatus, execDetails, commissionReport,
completedOrder, error) by tapping ib_async's wrapper, not to ib_async's interpretation
of them: ib_async marks a trade Cancelled on most errors, even informational ones, and
rebuilds its Trade objects on every reconnect. Orders are keyed by IB order id, permId
and orderRef (the client_order_id), never by object identity.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

import ib_async

from ibkr_gateway.broker import (
    BrokerAccountSummary,
    BrokerListener,
    BrokerPosition,
    BrokerReport,
    WhatIfEstimate,
)
from ibkr_gateway.errors import FailedPrecondition, Unavailable
from ibkr_gateway.ib import account as ib_account
from ibkr_gateway.ib import translate
from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.ib.pacing import Pacer
from ibkr_gateway.ib.qualify import ContractQualifier
from ibkr_gateway.ib_errors import ErrorClass, classify_error
from ibkr_gateway.order.models import Order, OrderSpec, OrderStatus

log = logging.getLogger(__name__)
T = TypeVar("T")

CLIENT_ID_IN_USE = 326
# Statuses of orders IB has taken and works: each must be listed open or completed.
_AT_IB = frozenset(
    {
        OrderStatus.ACCEPTED,
        OrderStatus.SUBMITTED,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.PENDING_CANCEL,
    }
)
# Executions are asked for separately, after every client's open orders: each
# execution then finds its order already reported.
_STARTUP_FETCH = ib_async.StartupFetchALL & ~ib_async.StartupFetch.EXECUTIONS
_LINK_RESTORED = frozenset(
    {ErrorClass.CONNECTIVITY_RESTORED, ErrorClass.CONNECTIVITY_RESTORED_DATA_LOST}
)

__all__ = [
    "BrokerConnectionError",
    "ClientIdInUse",
    "ConnectionState",
    "IBGateway",
    "IBGatewayConfig",
]


class ConnectionState(enum.Enum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    # The API socket is up but TWS has lost its link to IB (error 1100).
    IB_LINK_DOWN = "ib_link_down"


class BrokerConnectionError(ConnectionError):
    pass


class ClientIdInUse(BrokerConnectionError):
    """Another API client is connected with the same client id (IB error 326)."""


class IBGateway:
    name = "ib"

    def __init__(self, config: IBGatewayConfig, ib: ib_async.IB | None = None) -> None:
        self.config = config
        self.ib = ib or ib_async.IB()
        # ib_async's own throttle queues messages where the pacer cannot see them and
        # drops that queue on a disconnect; the pacer must be the only throttle.
        self.ib.client.MaxRequests = 0
        self.pacer = Pacer(config.max_messages_per_second)
        self.qualifier = ContractQualifier(self._contract_details, config.request_timeout)
        self.state = ConnectionState.DISCONNECTED
        self.account = config.account_id
        # The login's accounts as of the last connection: orders naming another are refused.
        self._managed_accounts: frozenset[str] = frozenset()
        self.reconnects = 0
        # Connection attempts refused with 326 (client id in use).
        self.client_id_in_use = 0
        self._listener: BrokerListener | None = None
        self._stopping = False
        self._reconnect_task: asyncio.Task[None] | None = None
        self._connect_errors: list[tuple[int, str]] = []
        self._connect_task: asyncio.Future[None] | None = None
        # orderRefs of every order IB has told us about (open or completed) since the
        # last connect, whose reconciliation reports again all IB still knows.
        self._known_refs: set[str] = set()
        # permIds and orderRefs of the orders IB listed (open or completed) since the
        # current connection began, and whether that listing finished.
        self._listed_perm_ids: set[int] = set()
        self._listed_refs: set[str] = set()
        self._listing_complete = False
        # Order ids whose placeOrder still waits in the pacer: known not to be at IB.
        self._queued_orders: set[int] = set()
        # The highest order id ever used: IB answers 103 to a reused id, and its counter
        # can start low again after a TWS / IB Gateway restart.
        self._highest_order_id = 0
        self._state_listeners: list[Callable[[ConnectionState], None]] = []
        # Ids of requests in flight (what-if orders, account summaries) that are no
        # orders of the gateway's, with the IB error that answered one.
        self._requests: dict[int, tuple[int, str] | None] = {}
        self._install_taps()
        self.ib.disconnectedEvent += self._on_disconnected

    # -- BrokerPort ---------------------------------------------------------------

    def set_listener(self, listener: BrokerListener) -> None:
        self._listener = listener

    def add_state_listener(self, listener: Callable[[ConnectionState], None]) -> None:
        self._state_listeners.append(listener)

    def reserve_order_id(self) -> int:
        if self.state is not ConnectionState.CONNECTED or not self.ib.client.isReady():
            raise Unavailable(
                f"not connected to IB ({self.state.value}); nothing was submitted",
                reason="BROKER_DISCONNECTED",
            )
        order_id = int(self.ib.client.getReqId())
        self._highest_order_id = max(self._highest_order_id, order_id)
        return order_id

    async def qualify(self, spec: OrderSpec) -> OrderSpec:
        return await self.qualifier.qualify(spec)

    async def _contract_details(
        self, contract: ib_async.Contract
    ) -> list[ib_async.ContractDetails]:
        if self.state is not ConnectionState.CONNECTED or not self.ib.client.isReady():
            raise Unavailable(
                f"not connected to IB ({self.state.value}); nothing was submitted",
                reason="BROKER_DISCONNECTED",
            )
        return await self.ib.reqContractDetailsAsync(contract)

    def managed_accounts(self) -> frozenset[str]:
        return self._managed_accounts

    async def start(self, working: Sequence[Order], max_order_id: int) -> None:
        self._stopping = False
        self._highest_order_id = max(self._highest_order_id, max_order_id)
        await self.connect_gateway()

    def unknown_to_broker(self, working: Sequence[Order]) -> list[Order]:
        """Orders journaled but never acknowledged that IB did not report in the last
        (re)connect's reconciliation and that are not waiting in the pacer: they were
        queued here when the process stopped, or lost on the wire when the link broke."""
        return [
            o
            for o in working
            if o.status is OrderStatus.PENDING_SUBMIT
            and not o.perm_id
            and o.spec.client_order_id not in self._known_refs
            and o.broker_order_id not in self._queued_orders
        ]

    def gone_from_broker(self, working: Sequence[Order]) -> list[Order]:
        """Orders IB had taken (they have a permId) that the last (re)connect's complete
        reconciliation listed neither as open nor as completed: IB no longer knows them
        (a TWS / IB Gateway reset can drop them). None while that reconciliation is not
        complete, and none with a placeOrder (a modification) still waiting here: sent
        under its id, it would make IB know the order again."""
        if not self._listing_complete or self.state is not ConnectionState.CONNECTED:
            return []
        return [
            o
            for o in working
            if o.status in _AT_IB
            and o.perm_id
            and o.perm_id not in self._listed_perm_ids
            and o.spec.client_order_id not in self._listed_refs
            and o.broker_order_id not in self._queued_orders
        ]

    async def stop(self) -> None:
        self._stopping = True
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
        try:
            await asyncio.wait_for(self.pacer.drained(), 5)
        except TimeoutError:
            log.warning("%d messages to IB were not sent before shutdown", self.pacer.depth)
        await self.pacer.close()
        self.ib.disconnect()
        self._set_state(ConnectionState.DISCONNECTED)

    async def place_order(self, order: Order) -> None:
        self._send_order(order)

    async def place_bracket(self, parent: Order, take_profit: Order, stop_loss: Order) -> None:
        # IB activates a bracket when its last order arrives with transmit set.
        pid = parent.broker_order_id
        self._send_order(parent, transmit=False)
        self._send_order(take_profit, parent_broker_id=pid, transmit=False)
        self._send_order(stop_loss, parent_broker_id=pid, transmit=True)

    async def modify_order(self, order: Order, parent: Order | None = None) -> None:
        # A modification is a placeOrder with the same order id; IB refuses it with an
        # error (104, 105, 134, ...) that the integration turns into a rollback. IB takes
        # the placeOrder as the whole order: without its parentId a bracket child leaves
        # its bracket and works on its own (the OCA group travels in the order itself).
        # Transmitted at once: a leg first sent with transmit off went out with its
        # bracket's last leg.
        pid = parent.broker_order_id if parent is not None else 0
        self._send_order(order, parent_broker_id=pid, transmit=True)

    async def cancel_order(self, order: Order) -> None:
        oid = order.broker_order_id
        self.pacer.submit(f"cancel {oid}", lambda: self._send(self.ib.client.cancelOrder, oid, ""))

    async def cancel_all(self) -> None:
        self.pacer.submit("global cancel", lambda: self._send(self.ib.client.reqGlobalCancel))

    # -- positions, account and what-if ----------------------------------------------

    async def broker_positions(self) -> list[BrokerPosition]:
        """IB's positions in every account of the login (reqPositions)."""
        positions = await self._paced("reqPositions", self.ib.reqPositionsAsync)
        return [ib_account.broker_position(p) for p in positions]

    async def account_summary(self, account: str) -> BrokerAccountSummary:
        """IB's figures of one account, asked for afresh (reqAccountSummary, then
        cancelled: IB allows few subscriptions and updates them only every 3 minutes)."""
        client = self.ib.client
        req_ids: list[int] = []

        def request() -> Awaitable[object]:
            req_id = int(client.getReqId())
            req_ids.append(req_id)
            self._requests[req_id] = None
            future: asyncio.Future[object] = self.ib.wrapper.startReq(req_id)  # type: ignore[no-untyped-call]
            client.reqAccountSummary(req_id, "All", ib_account.SUMMARY_TAGS)  # type: ignore[no-untyped-call]
            return future

        try:
            await self._paced("reqAccountSummary", request)
            refused = self._requests.get(req_ids[0]) if req_ids else None
        finally:
            for req_id in req_ids:
                self._requests.pop(req_id, None)
                self.pacer.submit(
                    "cancelAccountSummary",
                    functools.partial(self._send, client.cancelAccountSummary, req_id),
                )
        if refused is not None:
            code, message = refused
            raise Unavailable(
                f"IB refused the account summary: {message} ({code})",
                reason="BROKER_REFUSED",
                metadata={"ib_error_code": str(code), "ib_error": message},
            )
        return ib_account.account_summary(account, self.ib.wrapper.acctSummary.values())

    async def what_if(self, spec: OrderSpec) -> WhatIfEstimate:
        """IB's answer to the order sent as a what-if order: nothing is placed.
        FailedPrecondition when IB refuses it."""
        contract = translate.ib_contract(spec.contract)
        now = datetime.now(UTC)
        probe = Order(
            order_id="", spec=spec, status=OrderStatus.CREATED, create_time=now, update_time=now
        )
        order = translate.ib_order(probe, account=self.account)
        order.whatIf = True
        req_ids: list[int] = []

        def request() -> Awaitable[object]:
            # ib_async's whatIfOrderAsync, with the request id kept for the error tap.
            req_id = int(self.ib.client.getReqId())
            req_ids.append(req_id)
            self._requests[req_id] = None
            answer: asyncio.Future[object] = self.ib.wrapper.startReq(req_id, contract)  # type: ignore[no-untyped-call]
            self.ib.client.placeOrder(req_id, contract, order)  # type: ignore[no-untyped-call]
            return answer

        try:
            state = await self._paced("what-if order", request)
            refused = self._requests.get(req_ids[0]) if req_ids else None
        finally:
            for req_id in req_ids:
                self._requests.pop(req_id, None)
        if not isinstance(state, ib_async.OrderState):
            code, message = refused or (0, "no answer")
            raise FailedPrecondition(
                f"IB refused the what-if order: {message} ({code})",
                reason="BROKER_WHAT_IF_REFUSED",
                metadata={"ib_error_code": str(code), "ib_error": message},
            )
        return ib_account.what_if_estimate(state)

    async def _paced(self, label: str, start: Callable[[], Awaitable[T]]) -> T:
        """Sends a request through the pacer and awaits IB's answer within
        `request_timeout`; Unavailable while disconnected or without an answer."""
        if self.state is not ConnectionState.CONNECTED or not self.ib.client.isReady():
            raise Unavailable(
                f"not connected to IB ({self.state.value})", reason="BROKER_DISCONNECTED"
            )
        sent: asyncio.Future[Awaitable[T]] = asyncio.get_running_loop().create_future()

        def send() -> bool:
            if sent.done():
                return True  # the caller stopped waiting: nothing to ask
            if not self.ib.client.isReady():
                return False
            sent.set_result(start())
            return True

        self.pacer.submit(label, send)
        try:
            async with asyncio.timeout(self.config.request_timeout):
                return await (await sent)
        except TimeoutError:
            raise Unavailable(
                f"IB did not answer {label} within {self.config.request_timeout:g}s",
                reason="BROKER_TIMEOUT",
            ) from None
        except ConnectionError:
            # ib_async fails every request in flight when the socket closes.
            raise Unavailable(
                f"the connection to IB broke before it answered {label}",
                reason="BROKER_DISCONNECTED",
            ) from None

    # -- connection ---------------------------------------------------------------

    async def connect_gateway(self) -> None:
        """Connects, and lets ib_async's start-up requests (open orders, completed
        orders, executions) flow through the taps: that is the reconciliation."""
        cfg = self.config
        self._set_state(ConnectionState.CONNECTING)
        self._connect_errors = []
        self._listing_complete = False
        self._listed_perm_ids.clear()
        self._listed_refs.clear()
        # Forgotten, as ib_async forgets its trades: orders IB no longer lists (its nightly
        # restart drops the day's) would otherwise be held for the life of the process.
        self._known_refs = set()
        # ib_async waits out its whole timeout after error 326; the error tap cancels
        # this task instead, so that a client-id clash fails at once.
        self._connect_task = asyncio.ensure_future(self._connect_and_list())
        try:
            await self._connect_task
        except (Exception, asyncio.CancelledError) as exc:
            # Still CONNECTING while ib_async reports the disconnect: no reconnect loop
            # is started for a failed attempt.
            self.ib.disconnect()
            self._set_state(ConnectionState.DISCONNECTED)
            if any(code == CLIENT_ID_IN_USE for code, _ in self._connect_errors):
                self.client_id_in_use += 1
                raise ClientIdInUse(
                    f"client id {cfg.client_id} is already in use at {cfg.host}:{cfg.port}; "
                    "choose another --ib-client-id"
                ) from exc
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise BrokerConnectionError(
                f"cannot connect to IB at {cfg.host}:{cfg.port}: {exc!r}"
            ) from exc
        accounts = self.ib.client.getAccounts()
        if cfg.account_id and cfg.account_id not in accounts:
            self.ib.disconnect()
            self._set_state(ConnectionState.DISCONNECTED)
            raise BrokerConnectionError(
                f"account {cfg.account_id!r} is not managed by this login ({accounts})"
            )
        self.account = cfg.account_id or (accounts[0] if accounts else "")
        self.ib.client.updateReqId(self._highest_order_id + 1)  # type: ignore[no-untyped-call]
        self._managed_accounts = frozenset(accounts)
        self._listing_complete = True
        self._set_state(ConnectionState.CONNECTED)
        self.pacer.resume()
        log.info(
            "connected to IB at %s:%d as client %d (account %s, %s)",
            cfg.host,
            cfg.port,
            cfg.client_id,
            self.account,
            cfg.trading_mode,
        )

    async def _connect_and_list(self) -> None:
        """Connects and has IB list every order and execution it holds for the account:
        ib_async's start-up requests (this client's open orders, completed orders; with
        client id 0 it also binds TWS's own orders, reqAutoOpenOrders), then the open
        orders of every client and of TWS, then the executions. Any of them unanswered
        fails the attempt: a partial listing would make orders IB holds look unsent or
        gone."""
        cfg = self.config
        await self.ib.connectAsync(
            cfg.host,
            cfg.port,
            clientId=cfg.client_id,
            timeout=cfg.connect_timeout,
            account=cfg.account_id,
            raiseSyncErrors=True,
            fetchFields=_STARTUP_FETCH,
        )
        timeout = cfg.connect_timeout or None
        await asyncio.wait_for(self.ib.reqAllOpenOrdersAsync(), timeout)
        await asyncio.wait_for(self.ib.reqExecutionsAsync(), timeout)
        if not self.ib.client.isReady():
            raise ConnectionError("the connection broke while IB listed orders and executions")

    def _on_disconnected(self) -> None:
        self._listing_complete = False
        self.pacer.pause()
        if self.state is ConnectionState.CONNECTING:
            return
        self._set_state(ConnectionState.DISCONNECTED)
        if not self._stopping and self._reconnect_task is None:
            log.warning("disconnected from IB; reconnecting")
            self._reconnect_task = asyncio.get_running_loop().create_task(
                self._reconnect(), name="ib-reconnect"
            )

    async def _reconnect(self) -> None:
        delay = self.config.reconnect_initial_delay
        try:
            while not self._stopping:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.config.reconnect_max_delay)
                try:
                    await self.connect_gateway()
                except ClientIdInUse:
                    # Usually this gateway's own previous session, which IB has not let
                    # go of yet (IB's nightly restart): it goes away by itself.
                    log.warning(
                        "reconnect refused by IB (326): client id %d is still in use, "
                        "probably by the previous session; next try in %.1fs",
                        self.config.client_id,
                        delay,
                    )
                except BrokerConnectionError as exc:
                    log.warning("reconnect failed: %s; next try in %.1fs", exc, delay)
                else:
                    self.reconnects += 1
                    if self._listener is not None:
                        self._listener.on_broker_resynced()
                    return
        finally:
            self._reconnect_task = None

    def _set_state(self, state: ConnectionState) -> None:
        if state is self.state:
            return
        self.state = state
        for listener in self._state_listeners:
            try:
                listener(state)
            except Exception:
                log.exception("connection state listener failed")

    # -- sending ------------------------------------------------------------------

    def _send(self, method: Callable[..., object], *args: object) -> bool:
        if not self.ib.client.isReady():
            return False
        method(*args)
        return True

    def _send_order(
        self, order: Order, *, parent_broker_id: int = 0, transmit: bool = True
    ) -> None:
        contract = translate.ib_contract(order.spec.contract)
        ib_order = translate.ib_order(
            order, account=self.account, parent_broker_id=parent_broker_id, transmit=transmit
        )
        order_id = order.broker_order_id
        self._queued_orders.add(order_id)

        def send() -> bool:
            try:
                sent = self._send(self.ib.client.placeOrder, order_id, contract, ib_order)
            except Exception:
                self._queued_orders.discard(order_id)
                raise
            if sent:
                self._queued_orders.discard(order_id)
            return sent

        self.pacer.submit(f"order {order_id}", send)

    def _request_state_again(self) -> None:
        """What IB sent while its link was down is lost (1101): open orders, completed
        orders and executions are asked for again, as a reconnect does, and reach the
        listener through the taps like any report."""
        if self.state is not ConnectionState.CONNECTED:
            # Connecting asks for all of it anyway.
            return
        log.warning("IB lost data while its link was down; requesting orders and executions")
        ib = self.ib
        requests: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("reqAllOpenOrders", ib.reqAllOpenOrdersAsync),
            ("reqCompletedOrders", lambda: ib.reqCompletedOrdersAsync(False)),
            ("reqExecutions", ib.reqExecutionsAsync),
        ]
        for label, start in requests:
            self.pacer.submit(label, functools.partial(self._request, label, start))

    def _request(self, label: str, start: Callable[[], Awaitable[object]]) -> bool:
        if not self.ib.client.isReady():
            return False
        answer = asyncio.ensure_future(start())

        def done(future: asyncio.Future[object]) -> None:
            if not future.cancelled() and future.exception() is not None:
                log.warning("%s failed: %r", label, future.exception())

        answer.add_done_callback(done)
        return True

    # -- taps on IB's raw messages ---------------------------------------------------

    def _install_taps(self) -> None:
        wrapper = self.ib.wrapper
        taps: dict[str, Callable[..., BrokerReport | None]] = {
            "orderStatus": self._tap_order_status,
            "openOrder": self._tap_open_order,
            "completedOrder": self._tap_completed_order,
            "execDetails": self._tap_exec_details,
            "commissionReport": self._tap_commission,
            "error": self._tap_error,
        }
        for name, tap in taps.items():
            setattr(wrapper, name, self._chain(getattr(wrapper, name), tap))

    def _chain(
        self, original: Callable[..., Any], tap: Callable[..., BrokerReport | None]
    ) -> Callable[..., None]:
        def handler(*args: Any) -> None:
            try:
                original(*args)
            except Exception:
                log.exception("ib_async failed on a message; the gateway still handles it")
            try:
                report = tap(*args)
            except Exception:
                log.exception("cannot translate an IB message: %r", args)
                return
            if report is not None and self._listener is not None:
                self._listener.on_broker_report(report)

        return handler

    def _tap_order_status(
        self,
        order_id: int,
        status: str,
        filled: float,
        remaining: float,
        avg_fill_price: float,
        perm_id: int,
        parent_id: int,
        last_fill_price: float,
        client_id: int,
        why_held: str,
        mkt_cap_price: float = 0.0,
    ) -> BrokerReport | None:
        # Order ids are per client id: another client's order is known by permId only.
        own_id = order_id if client_id == self.config.client_id else 0
        return translate.status_report(
            own_id, status, filled, remaining, avg_fill_price, perm_id, why_held
        )

    def _tap_open_order(
        self,
        order_id: int,
        contract: ib_async.Contract,
        order: ib_async.Order,
        state: ib_async.OrderState,
    ) -> BrokerReport | None:
        if order.whatIf:
            return None
        self._known_refs.add(order.orderRef)
        self._listed(order)
        report = translate.open_order_report(order_id, contract, order, state)
        if order.clientId != self.config.client_id:
            report = dataclasses.replace(report, broker_order_id=0)
        return report

    def _tap_completed_order(
        self, contract: ib_async.Contract, order: ib_async.Order, state: ib_async.OrderState
    ) -> BrokerReport | None:
        self._known_refs.add(order.orderRef)
        self._listed(order)
        report = translate.completed_order_report(contract, order, state)
        if order.clientId != self.config.client_id and report.order is not None:
            # Order ids are per client id: another client's id means nothing here.
            report = dataclasses.replace(
                report,
                broker_order_id=0,
                order=dataclasses.replace(report.order, broker_order_id=0),
            )
        return report

    def _listed(self, order: ib_async.Order) -> None:
        if order.permId:
            self._listed_perm_ids.add(order.permId)
        if order.orderRef:
            self._listed_refs.add(order.orderRef)

    def _tap_exec_details(
        self, req_id: int, contract: ib_async.Contract, execution: ib_async.Execution
    ) -> BrokerReport | None:
        report = translate.execution_report(execution)
        if execution.clientId != self.config.client_id:
            report = dataclasses.replace(report, broker_order_id=0)
        return report

    def _tap_commission(self, report: ib_async.CommissionReport) -> BrokerReport | None:
        return translate.commission_report(report)

    def _tap_error(
        self, req_id: int, code: int, message: str, advanced: str = ""
    ) -> BrokerReport | None:
        if req_id in self._requests:
            # About a what-if order or an account summary: no order of the gateway's.
            if self._requests[req_id] is None:
                self._requests[req_id] = (code, message)
            return None
        kind = classify_error(code)
        if self.state is ConnectionState.CONNECTING:
            self._connect_errors.append((code, message))
            if code == CLIENT_ID_IN_USE and self._connect_task is not None:
                self._connect_task.cancel()
        if kind is ErrorClass.CONNECTIVITY_LOST:
            log.warning("IB connectivity lost (%d): %s", code, message)
            if self.state is ConnectionState.CONNECTED:
                self._set_state(ConnectionState.IB_LINK_DOWN)
            return None
        if kind in _LINK_RESTORED:
            log.info("IB connectivity restored (%d): %s", code, message)
            if self.state is ConnectionState.IB_LINK_DOWN:
                self._set_state(ConnectionState.CONNECTED)
            if kind is ErrorClass.CONNECTIVITY_RESTORED_DATA_LOST:
                self._request_state_again()
            return None
        if req_id <= 0:
            log.info("IB message %d: %s", code, message)
            return None
        return translate.error_report(req_id, code, message)
