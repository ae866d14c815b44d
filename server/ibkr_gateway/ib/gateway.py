"""IBGateway: the BrokerPort on a real IB Gateway / TWS, through ib_async.

The gateway listens to IB's raw messages (orderStatus, execDetails, commissionReport,
completedOrder, error) by tapping ib_async's wrapper, not to ib_async's interpretation
of them: ib_async marks a trade Cancelled on most errors, even informational ones, and
rebuilds its Trade objects on every reconnect. Orders are keyed by IB order id, permId
and orderRef (the client_order_id), never by object identity.

The connection (ib/connection.py), the taps (ib/taps.py) and the requests besides
orders (ib/requests.py) are its other parts; this module places, modifies and cancels
orders and knows which of them IB holds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import ib_async

from ibkr_gateway.broker import BrokerListener
from ibkr_gateway.errors import Unavailable
from ibkr_gateway.ib import translate
from ibkr_gateway.ib.config import IBGatewayConfig
from ibkr_gateway.ib.connection import (
    BrokerConnectionError,
    ClientIdInUse,
    ConnectionState,
    IBConnection,
)
from ibkr_gateway.ib.pacing import Pacer
from ibkr_gateway.ib.qualify import ContractQualifier
from ibkr_gateway.ib.requests import IBRequests
from ibkr_gateway.ib.taps import MessageTaps
from ibkr_gateway.order.models import Order, OrderSpec, OrderStatus

# The logger of the module IBGateway grew up in, which log filters know it by.
log = logging.getLogger("ibkr_gateway.gateway")

# Statuses of orders IB has taken and works: each must be listed open or completed.
_AT_IB = frozenset(
    {
        OrderStatus.ACCEPTED,
        OrderStatus.SUBMITTED,
        OrderStatus.PARTIALLY_FILLED,
        OrderStatus.PENDING_CANCEL,
    }
)

__all__ = [
    "BrokerConnectionError",
    "ClientIdInUse",
    "ConnectionState",
    "IBGateway",
    "IBGatewayConfig",
]


class IBGateway(IBConnection, MessageTaps, IBRequests):
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
