"""IBGateway's requests besides orders: positions, account summaries, what-if orders,
and asking again for what IB lost (1101). Each goes through the pacer and is answered
within `request_timeout`."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import ib_async

from ibkr_gateway.broker import BrokerAccountSummary, BrokerPosition, WhatIfEstimate
from ibkr_gateway.errors import FailedPrecondition, Unavailable
from ibkr_gateway.ib import account as ib_account
from ibkr_gateway.ib import translate
from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.ib.connection import ConnectionState
from ibkr_gateway.ib.pacing import Pacer
from ibkr_gateway.order.models import Order, OrderSpec, OrderStatus

# The logger of the module IBGateway grew up in, which log filters know it by.
log = logging.getLogger("ibkr_gateway.gateway")
T = TypeVar("T")


class IBRequests:
    """The requests part of IBGateway (which provides the state below)."""

    config: IBGatewayConfig
    ib: ib_async.IB
    pacer: Pacer
    state: ConnectionState
    account: str
    # Ids of requests in flight (what-if orders, account summaries) that are no
    # orders of the gateway's, with the IB error that answered one.
    _requests: dict[int, tuple[int, str] | None]

    if TYPE_CHECKING:

        def _send(self, method: Callable[..., object], *args: object) -> bool: ...

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
