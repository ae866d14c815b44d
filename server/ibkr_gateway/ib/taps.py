"""IBGateway's taps on IB's raw messages (orderStatus, openOrder, completedOrder,
execDetails, commissionReport, error): each becomes a broker report for the listener,
whatever ib_async makes of it."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ib_async

from ibkr_gateway.broker import BrokerListener, BrokerReport
from ibkr_gateway.ib import translate
from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.ib.connection import CLIENT_ID_IN_USE, ConnectionState
from ibkr_gateway.ib.errors import ErrorClass, classify_error

# The logger of the module IBGateway grew up in, which log filters know it by.
log = logging.getLogger("ibkr_gateway.gateway")

_LINK_RESTORED = frozenset(
    {ErrorClass.CONNECTIVITY_RESTORED, ErrorClass.CONNECTIVITY_RESTORED_DATA_LOST}
)


class MessageTaps:
    """The listening part of IBGateway (which provides the state below)."""

    config: IBGatewayConfig
    ib: ib_async.IB
    state: ConnectionState
    _listener: BrokerListener | None
    _connect_errors: list[tuple[int, str]]
    _connect_task: asyncio.Future[None] | None
    _known_refs: set[str]
    _listed_perm_ids: set[int]
    _listed_refs: set[str]
    _requests: dict[int, tuple[int, str] | None]

    if TYPE_CHECKING:

        def _set_state(self, state: ConnectionState) -> None: ...

        def _request_state_again(self) -> None: ...

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
